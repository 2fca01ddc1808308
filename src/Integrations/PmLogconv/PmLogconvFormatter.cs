using System.Globalization;
using HaApi.Engine.Events;

namespace HaApi.Integrations.PmLogconv;

/// <summary>
/// Turns engine events into pm_logconv-cs 2.6 lines ("&lt;date&gt; &lt;host&gt; &lt;level,7&gt;: &lt;message&gt;"), byte for byte
/// as pm_logconv converts the equivalent Pacemaker log lines. Stateful (it remembers the DC, for "Unset DC
/// node"): feed it events of one node, in order, from one thread.
/// Fencing convention: a FencingStarted/Completed without Device is the cluster's fencing request and its final
/// result; one with a Device is one device's attempt, executed by the event's Node.
/// </summary>
public sealed class PmLogconvFormatter(PmLogconvOptions options)
{
    private const string Info = "info";
    private const string Warning = "warning";
    private const string Error = "error";

    private static readonly string[] IgnoredAttributeParts = ["fail-count-", "last-failure-", "probe_complete", "shutdown"];

    private string? _dc;
    private bool _inFailover;

    /// <summary>The pm_logconv.out lines for an event (without line feed); usually none or one.</summary>
    public IReadOnlyList<string> Format(ClusterEvent clusterEvent) => Convert(clusterEvent).Select(Line).ToList();

    /// <summary>The messages for an event, before the file's date and host are added (the syslog output needs them apart).</summary>
    public IReadOnlyList<PmLogconvEntry> Convert(ClusterEvent clusterEvent)
    {
        var lines = new List<PmLogconvEntry>(2);
        void Add(string level, string message) => lines.Add(new PmLogconvEntry(clusterEvent.Time, level, message.TrimEnd()));
        var host = options.HostName;

        switch (clusterEvent)
        {
            case NodeMembershipChanged m:
                if (m.Member) Add(Info, $"Node {m.Target} is member");
                else Add(Warning, $"Node {m.Target} is lost");
                break;

            case DcChanged d:
                if (d.Dc is not null) Add(Info, $"Set DC node to {d.Dc}.");
                else if (_dc is not null) Add(Info, $"Unset DC node {_dc}.");
                _dc = d.Dc;
                break;

            case ResourceOperationStarted s when s.Target == host && s.Operation is not ("monitor" or "notify"):
                Add(Info, $"Resource {s.Resource} tries to {s.Operation}.");
                break;

            case ResourceOperationCompleted c when c.Target == host:
                FormatResult(c, Add);
                break;

            case NodeAttributeChanged a when !IgnoredAttributeParts.Any(p => a.Name.Contains(p, StringComparison.Ordinal)):
                Add(Info, a.Value is null
                    ? $"Attribute \"{a.Name}\" is deleted at \"{a.Target}\"."
                    : $"Attribute \"{a.Name}\" is updated to \"{a.Value}\" at \"{a.Target}\".");
                break;

            case FencingStarted f when f.Node == host:
                Add(Info, f.Device is null
                    ? $"Try to STONITH ({f.Action}) {f.Target}."
                    : $"Try to execute STONITH device {f.Device} on {f.Node} for {f.Action} {f.Target}.");
                break;

            case FencingCompleted f when f.Node == host:
                if (f.Device is not null)
                    Add(f.Succeeded ? Info : Warning, $"{(f.Succeeded ? "Succeeded" : "Failed")} to execute STONITH device {f.Device} for {f.Target}.");
                else
                    Add(f.Succeeded ? Info : Error, $"{(f.Succeeded ? "Succeeded" : "Failed")} to STONITH ({f.Action}) {f.Target} by {f.Node}.");
                break;

            // Fail-over messages are the DC's: only the node that reports the fail-over writes them.
            // Like act_rsc, a fail-over that touches no service resource is not announced at all.
            case FailoverStarted fs when fs.Node == host && fs.Resources.Any(IsServiceResource):
                _inFailover = true;
                Add(Error, "Start to fail-over.");
                break;

            case FailoverResourceMoved mv when mv.Node == host && _inFailover && IsServiceResource(mv.Resource):
                if (mv.To is null) Add(Error, $"Resource {mv.Resource} : Stopped");
                else if (mv.From is null || mv.From == mv.To) Add(Info, $"Resource {mv.Resource} : Started on {mv.To}");
                else Add(Info, $"Resource {mv.Resource} : Move {mv.From} -> {mv.To}");
                break;

            case FailoverCompleted fc when fc.Node == host && _inFailover:
                _inFailover = false;
                if (fc.Succeeded) Add(Info, "fail-over succeeded.");
                else Add(Error, "fail-over failed.");
                break;
        }
        return lines;
    }

    private static void FormatResult(ResourceOperationCompleted c, Action<string, string> add)
    {
        var isProbe = c.Operation == "monitor" && c.Interval == TimeSpan.Zero;
        if (isProbe || c.Operation == "notify") return;

        switch (c.Status)
        {
            case "Done":
                if (c.Operation == "monitor")
                {
                    if (c.Rc == 7) add(Error, $"Resource {c.Resource} does not work. (rc=7) not running");
                    else if (c.Rc is not (0 or 8)) add(Error, $"Resource {c.Resource} failed to monitor. (rc={c.Rc}) {RcText(c.Rc)}");
                }
                else if (c.Rc == 0) add(Info, $"Resource {c.Resource} {PastTense(c.Operation)}. (rc=0) ok");
                else if (c.Rc is not (7 or 8)) add(Error, $"Resource {c.Resource} failed to {c.Operation}. (rc={c.Rc}) {RcText(c.Rc)}");
                break;
            case "Cancelled":
                break;
            case "TimedOut":
                add(Error, $"Resource {c.Resource} failed to {c.Operation}. (Timed Out)");
                break;
            default:
                add(Error, $"Resource {c.Resource} failed to {c.Operation}. {StatusText(c.Status)}");
                break;
        }
    }

    private bool IsServiceResource(string resource) => options.ServiceResources?.Contains(resource) ?? true;

    public string Line(PmLogconvEntry entry)
    {
        var local = TimeZoneInfo.ConvertTime(entry.Time, options.TimeZone);
        // pm_logconv re-joins the syslog date tokens with single spaces, so a one-digit day loses its padding.
        var date = options.SyslogDateFormat
            ? local.ToString("MMM d HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy/MM/dd_HH:mm:ss", CultureInfo.InvariantCulture);
        return $"{date} {options.HostName} {entry.Level,7}: {entry.Message}";
    }

    private static string PastTense(string operation) => operation switch
    {
        "start" => "started",
        "stop" => "stopped",
        "promote" => "promoted",
        "demote" => "demoted",
        "migrate_to" => "migrated_to",
        "migrate_from" => "migrated_from",
        _ => operation + "ed",
    };

    /// <summary>Pacemaker 1.1's rc texts, with the punctuation pm_logconv deletes already removed.</summary>
    public static string RcText(int rc) => rc switch
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
        9 => "master failed",
        190 => "degraded",
        191 => "degraded master",
        _ => "unknown",
    };

    /// <summary>Pacemaker 1.1's execution status words for results without an rc.</summary>
    private static string StatusText(string status) => status switch
    {
        "NotSupported" => "NOT SUPPORTED",
        "NotInstalled" => "Not installed",
        "ErrorHard" => "Hard error",
        "ErrorFatal" => "Fatal error",
        _ => "Error",
    };
}

/// <summary>One converted message: Level is "info", "warning" or "error".</summary>
public sealed record PmLogconvEntry(DateTimeOffset Time, string Level, string Message);
