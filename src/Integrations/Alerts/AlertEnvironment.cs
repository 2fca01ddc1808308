using System.Globalization;
using HaApi.Engine.Events;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Alerts;

/// <summary>
/// Builds the environment Pacemaker 2.1 gives an alert agent for an event: the CRM_alert_* variables of the
/// event's kind (each also as CRM_notify_*, for agents written for ClusterMon), then the alert's and the
/// recipient's instance attributes. Variables that do not apply to a kind are left unset, as Pacemaker does
/// (agents test for them with ${VAR=default}).
/// </summary>
public static class AlertEnvironment
{
    /// <summary>The Pacemaker version agents are told (CRM_alert_version); sample agents require ≥ 1.1.15.</summary>
    public const string PacemakerVersion = "2.1.5";

    /// <summary>The alert kind of an event, or None when Pacemaker sends no alert for it.</summary>
    public static AlertKinds KindOf(ClusterEvent e) => e switch
    {
        NodeMembershipChanged => AlertKinds.Node,
        FencingCompleted { Device: null } => AlertKinds.Fencing,
        ResourceOperationCompleted => AlertKinds.Resource,
        NodeAttributeChanged => AlertKinds.Attribute,
        _ => AlertKinds.None,
    };

    public static Dictionary<string, string> Build(ClusterEvent e, Alert alert, AlertRecipient? recipient, long nodeSequence, TimeZoneInfo timeZone)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string value)
        {
            env["CRM_alert_" + key] = value;
            env["CRM_notify_" + key] = value;
        }
        string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

        var local = TimeZoneInfo.ConvertTime(e.Time, timeZone);
        Set("version", PacemakerVersion);
        Set("recipient", recipient?.Value ?? "");
        Set("node_sequence", Int(nodeSequence));
        Set("timestamp", AlertTimestampFormat.Format(alert.TimestampFormat, local));
        Set("timestamp_epoch", Int(e.Time.ToUnixTimeSeconds()));
        Set("timestamp_usec", Int(e.Time.UtcTicks % TimeSpan.TicksPerSecond / 10));

        switch (e)
        {
            case NodeMembershipChanged m:
                Set("kind", "node");
                Set("node", m.Target);
                Set("nodeid", Int(m.TargetId));
                Set("desc", m.Member ? "member" : "lost");
                break;
            case FencingCompleted f:
                Set("kind", "fencing");
                Set("node", f.Target);
                Set("task", "st_notify_fence");
                // Pacemaker passes the legacy negative code; -201 is its generic error (pcmk_err_generic).
                Set("rc", f.Succeeded ? "0" : "-201");
                var reason = f.Succeeded || string.IsNullOrEmpty(f.Reason) ? "" : $" ({f.Reason})";
                Set("desc", $"Operation {f.Action} of {f.Target} by {f.Node} for haapi@{f.Node}: {(f.Succeeded ? "OK" : "Error")}{reason} (ref={Int(e.Sequence)})");
                break;
            case ResourceOperationCompleted r:
                var status = ExecutionStatusCode(r.Status);
                Set("kind", "resource");
                Set("node", r.Target);
                Set("rsc", r.Resource);
                Set("task", r.Operation);
                Set("interval", Int((long)r.Interval.TotalMilliseconds));
                Set("desc", status == 0 ? RcText(r.Rc) : ExecutionStatusText(status));
                Set("status", Int(status));
                Set("rc", Int(r.Rc));
                Set("target_rc", Int(r.ExpectedRc));
                Set("exec_time", Int((long)r.Duration.TotalMilliseconds));
                break;
            case NodeAttributeChanged a:
                Set("kind", "attribute");
                Set("node", a.Target);
                Set("attribute_name", a.Name);
                Set("attribute_value", a.Value ?? "");
                break;
            default:
                throw new ArgumentException($"No alert kind for {e.GetType().Name}.", nameof(e));
        }

        // Instance attributes become plain variables; a recipient's own ones override the alert's.
        foreach (var (name, value) in alert.Parameters) env[name] = value;
        if (recipient is not null)
            foreach (var (name, value) in recipient.Parameters) env[name] = value;
        return env;
    }

    /// <summary>Pacemaker's PCMK_EXEC_* numbers for the engine's ExecutionStatus names.</summary>
    public static int ExecutionStatusCode(string status) => status switch
    {
        "Done" => 0,
        "Cancelled" => 1,
        "TimedOut" => 2,
        "NotSupported" => 3,
        "Error" => 4,
        "ErrorHard" => 5,
        "ErrorFatal" => 6,
        "NotInstalled" => 7,
        _ => 4,
    };

    /// <summary>Pacemaker 2.1's pcmk_exec_status_str for the statuses an executor reports.</summary>
    public static string ExecutionStatusText(int status) =>
        status is >= -1 and <= 7 ? Engine.Execution.ExitCodeText.DescribeOperationStatus(status) : "Error";

    /// <summary>
    /// Pacemaker 2.1's OCF exit code texts as alert agents receive them: the same as crm_mon's
    /// (<see cref="ExitCodeText"/>) except for the two degraded codes.
    /// </summary>
    public static string RcText(int rc) => rc switch
    {
        190 => "degraded",
        191 => "degraded promoted",
        _ => ExitCodeText.Describe(rc),
    };
}
