using HaApi.Engine.Events;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// Turns engine events into the notifications Pacemaker would hand its alert agents (monitoring-formats.md B.4–B.6),
/// applying the filters Pacemaker itself applies before any agent runs: no alert for a probe that found what it
/// expected, none for meta-data. Events Pacemaker never alerts on (quorum, DC, fail-over, operation start,
/// fencing start, configuration) map to null.
/// </summary>
public static class PacemakerNotificationMapper
{
    /// <summary>The fencing Operation varbind is the notification type, not reboot/off (B.4 note).</summary>
    public const string FenceNotifyOperation = "st_notify_fence";

    /// <summary>Executor client named in fencing descriptions (2.1 wording: the controller asked for it).</summary>
    public const string FencingClient = "pacemaker-controld";

    public static PacemakerNotification? Map(ClusterEvent clusterEvent) => clusterEvent switch
    {
        NodeMembershipChanged e => new PacemakerNotification(
            AlertKinds.Node, e.Time, e.Target, Description: e.Member ? "member" : "lost"),
        ResourceOperationCompleted e => MapResource(e),
        // Only the request's outcome (no device) is a fencing event; the per-device runs are detail for the log.
        FencingCompleted { Device: null } e => MapFencing(e),
        NodeAttributeChanged e => new PacemakerNotification(
            AlertKinds.Attribute, e.Time, e.Target, AttributeName: e.Name, AttributeValue: e.Value ?? ""),
        _ => null,
    };

    private static PacemakerNotification? MapResource(ResourceOperationCompleted e)
    {
        if (e.Operation == "meta-data") return null;
        bool probe = e.Operation == "monitor" && e.Interval == TimeSpan.Zero;
        int status = ExecutionStatusCode(e.Status);
        if (probe && status == 0 && e.Rc == e.ExpectedRc) return null;
        string description = status == 0 ? ReturnCodeText(e.Rc) : ExecutionStatusText(status);
        return new PacemakerNotification(
            AlertKinds.Resource, e.Time, e.Target, e.Resource, e.Operation, description,
            status, e.Rc, e.ExpectedRc, Interval: e.Interval);
    }

    private static PacemakerNotification MapFencing(FencingCompleted e)
    {
        bool timedOut = !e.Succeeded && e.Reason is not null &&
                        e.Reason.Contains("timed out", StringComparison.OrdinalIgnoreCase);
        string result = e.Succeeded ? "OK" : timedOut ? "Timed out" : "Error";
        string reason = !e.Succeeded && !string.IsNullOrEmpty(e.Reason) && !timedOut ? $" ({e.Reason})" : "";
        // Pacemaker 2.1.3+ wording; the engine has no fencing operation UUID, so ref is "(none)" as Pacemaker prints
        // when it has none either. The reporting node is the one that ran the fencing device.
        string description = $"Operation {e.Action} of {e.Target} by {e.Node} for {FencingClient}@{e.Node}: {result}{reason} (ref=(none))";
        // ReturnCode: 0 on success, otherwise Pacemaker's legacy negative errno (-ETIME, pcmk_err_generic).
        int rc = e.Succeeded ? 0 : timedOut ? -62 : -201;
        return new PacemakerNotification(
            AlertKinds.Fencing, e.Time, e.Target, Operation: FenceNotifyOperation, Description: description, ReturnCode: rc);
    }

    /// <summary>Pacemaker's execution status numbers (lrmd op_status) from ExecutionStatus names.</summary>
    public static int ExecutionStatusCode(string status) => status.ToLowerInvariant() switch
    {
        "pending" => -1,
        "done" => 0,
        "cancelled" => 1,
        "timedout" => 2,
        "notsupported" => 3,
        "error" => 4,
        "errorhard" => 5,
        "errorfatal" => 6,
        "notinstalled" => 7,
        "notconnected" => 8,
        "invalid" => 9,
        "nofencedevice" => 10,
        _ => 4,
    };

    /// <summary>Description for a status other than done (Pacemaker 2.1 wording, monitoring-formats.md B.5).</summary>
    public static string ExecutionStatusText(int status) => status switch
    {
        -1 => "Pending",
        1 => "Cancelled",
        2 => "Timed out",
        3 => "Unsupported",
        4 => "Error",
        5 => "Hard error",
        6 => "Fatal error",
        7 => "Not installed",
        8 => "Internal communication failure",
        9 => "Cannot execute now",
        10 => "No fence device",
        11 => "CIB secrets unavailable",
        _ => "Error",
    };

    /// <summary>Description for a done operation: the rc text in Pacemaker 1.1/2.0 wording (B.5 recommendation).</summary>
    public static string ReturnCodeText(int rc) => rc switch
    {
        0 => "ok",
        1 => "unknown error",
        2 => "invalid parameter",
        3 => "unimplemented feature",
        4 => "insufficient privileges",
        5 => "not installed",
        6 => "not configured",
        7 => "not running",
        8 => "master",
        9 => "master (failed)",
        190 => "degraded",
        191 => "degraded master",
        _ => "unknown",
    };
}
