using System.Globalization;
using System.Text;

namespace HaApi.Engine.Status;

/// <summary>
/// Renders a <see cref="StatusReport"/> the way <c>pcs status</c> shows the cluster (crm_mon 2.1.5's
/// <c>--one-shot --inactive</c> text): "Cluster Summary:", "Node List:", "Full List of Resources:", then failed
/// actions and pending fencing when there are any. Operators compare it line by line with what they know from
/// Pacemaker, so spacing, tabs and wording follow crm_mon exactly. Times are shown in the offset of the report's
/// LastUpdated (pass "now" in local time to get local times).
/// </summary>
public static class StatusText
{
    /// <param name="failureDetail">List failed actions as <c>crm_mon --show-detail</c> does ("vip_monitor_10000 on
    /// node1 'not running' (7): call=12, status='complete', ...") instead of the sentence form.</param>
    public static string Format(StatusReport report, bool failureDetail = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var w = new Lines();
        w.Header(0, "Cluster Summary");
        Summary(report, w, 1);
        w.Blank();
        Lists(report, w, 1);
        if (report.FailedActions.Length > 0)
        {
            w.Blank();
            w.Header(0, "Failed Resource Actions");
            foreach (var f in report.FailedActions) w.Item(1, failureDetail ? FailureDetail(f, report) : FailureSentence(f, report));
        }
        if (report.FailedFencing.Length > 0)
        {
            w.Blank();
            w.Header(0, "Failed Fencing Actions");
            foreach (var f in report.FailedFencing)
                w.Item(1, $"{FenceActionText(f.Action)} of {f.Target} failed ({f.Reason}): client=haapi, origin={f.Origin}, last-failed='{Time(f.FailedAt, report)}'");
        }
        if (report.PendingFencing.Length > 0)
        {
            w.Blank();
            w.Header(0, "Pending Fencing Actions");
            foreach (var p in report.PendingFencing)
                w.Item(1, $"{FenceActionText(p.Action)} of {p.Target} pending: client=haapi, origin={p.Origin}");
        }
        return w.ToString();
    }

    /// <summary>
    /// The node and resource lists as crm_simulate prints them under "Current cluster status:" (the same lists as
    /// crm_mon, nested one level deeper).
    /// </summary>
    public static IReadOnlyList<string> CurrentClusterStatus(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var w = new Lines();
        Lists(report, w, 2);
        return w.ToList();
    }

    private static void Lists(StatusReport report, Lines w, int depth)
    {
        w.Header(depth - 1, "Node List");
        NodeList(report, w, depth);
        w.Blank();
        w.Header(depth - 1, "Full List of Resources");
        ResourceList(report, w, depth);
    }

    private static void Summary(StatusReport r, Lines w, int depth)
    {
        w.Item(depth, $"Stack: {r.Stack}");
        w.Item(depth, r.Dc is null
            ? "Current DC: NONE"
            : $"Current DC: {r.Dc} (version {(string.IsNullOrEmpty(r.DcVersion) ? "unknown" : r.DcVersion)}) - partition {(r.Quorate ? "with" : "WITHOUT")} quorum");
        w.Item(depth, $"Last updated: {Time(r.LastUpdated, r)}");
        var change = new StringBuilder("Last change:  ");
        change.Append(r.ConfigLastChange is { } t ? Time(t, r) : "never");
        if (r.ConfigChangedBy is { } by) change.Append(" by ").Append(by).Append(" via haapi");
        if (r.ConfigChangedVia is { } via) change.Append(" on ").Append(via);
        w.Item(depth, change.ToString());
        w.Item(depth, $"{Count(r.Nodes.Length, "node")} configured");
        var instances = $"{Count(r.ConfiguredInstances, "resource instance")} configured";
        var (disabled, blocked) = (r.DisabledInstances, r.BlockedInstances);
        if (disabled > 0 && blocked > 0) instances += $" ({disabled} DISABLED, {blocked} BLOCKED from further action due to failure)";
        else if (disabled > 0) instances += $" ({disabled} DISABLED)";
        else if (blocked > 0) instances += $" ({blocked} BLOCKED from further action due to failure)";
        w.Item(depth, instances);
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static void NodeList(StatusReport r, Lines w, int depth)
    {
        var online = new List<string>();
        var offline = new List<string>();
        foreach (var n in r.Nodes)
        {
            // Nodes in a plain state are summarised on one line; any other is shown on its own.
            if (n.Unclean || n.Pending || (n.StandbyOnFail && n.Online) || n.Standby || n.Maintenance)
                w.Item(depth, $"Node {n.Name}: {n.State}");
            else (n.Online ? online : offline).Add(n.Name);
        }
        if (online.Count > 0) w.Item(depth, $"Online: [ {string.Join(' ', online)} ]");
        if (offline.Count > 0) w.Item(depth, $"OFFLINE: [ {string.Join(' ', offline)} ]");
    }

    private static void ResourceList(StatusReport r, Lines w, int depth)
    {
        var view = new ResourceTree(r);
        var printed = 0;
        foreach (var top in view.TopLevel)
        {
            if (top is ResourceReport p)
            {
                // A resource no longer configured is shown only while it is still active somewhere.
                if (p.Orphaned && !p.Active) continue;
                w.Item(depth, PrimitiveText(p, view));
            }
            else if (top is CollectionReport { Kind: "group" } g) GroupLines(g, view, w, depth);
            else CloneLines((CollectionReport)top, view, w, depth);
            printed++;
        }
        if (printed == 0) w.Item(depth, "No resources");
    }

    private static void GroupLines(CollectionReport g, ResourceTree view, Lines w, int depth)
    {
        w.Header(depth, "Resource Group: " + g.Id + Flags(g));
        foreach (var m in view.Members(g)) w.Item(depth + 1, PrimitiveText(m, view));
    }

    private static string Flags(CollectionReport c)
    {
        var flags = new List<string>();
        if (c.Promotable) flags.Add("promotable");
        if (c.Unique && c.Kind == "clone") flags.Add("unique");
        if (c.Disabled) flags.Add("disabled");
        if (c.Maintenance) flags.Add("maintenance");
        else if (!c.Managed) flags.Add("unmanaged");
        return flags.Count == 0 ? "" : $" ({string.Join(", ", flags)})";
    }

    /// <summary>crm_mon's clone listing: instances in a plain state are summarised per role as node lists, any
    /// other instance (failed, unmanaged, orphaned, partly active, on an unclean node, busy) is shown in full.</summary>
    private static void CloneLines(CollectionReport clone, ResourceTree view, Lines w, int depth)
    {
        var header = false;
        void Header()
        {
            if (header) return;
            header = true;
            w.Header(depth, $"Clone Set: {clone.Id} [{clone.Child}]{Flags(clone)}");
        }
        var promoted = new List<string>();
        var started = new List<string>();
        foreach (var instanceId in clone.Children)
        {
            var group = view.Collection(instanceId);
            var members = group is null ? view.Instance(instanceId) is { } single ? [single] : [] : view.Members(group);
            if (members.Count == 0) continue;
            var full = clone.Unique || members.Any(m => m.PendingOperation is { } op && op != "probe");
            if (!full && members.Any(m => m.Active))
            {
                var node = members.All(m => m.Nodes.Length == 1) && members.Select(m => m.Nodes[0]).Distinct().Count() == 1 ? members[0].Nodes[0] : null;
                var onUnclean = node is not null && view.Node(node) is { Online: false, Unclean: true };
                if (members.Any(m => m.Orphaned || !m.Managed || m.Failed) || node is null || onUnclean) full = true;
                else if (members.Any(m => m.Role == "Promoted")) promoted.Add(node);
                else started.Add(node);
            }
            if (!full) continue;
            Header();
            if (group is not null) GroupLines(group, view, w, depth + 1);
            else w.Item(depth + 1, PrimitiveText(members[0], view));
        }
        if (promoted.Count > 0)
        {
            Header();
            w.Item(depth + 1, $"Promoted: [ {string.Join(' ', promoted.Order(NodeNameComparer.Instance))} ]");
        }
        if (started.Count > 0)
        {
            Header();
            w.Item(depth + 1, $"{(clone.Promotable ? "Unpromoted" : "Started")}: [ {string.Join(' ', started.Order(NodeNameComparer.Instance))} ]");
        }
        if (!clone.Unique && clone.CloneMax > promoted.Count + started.Count && clone.StoppedOn.Length > 0)
        {
            Header();
            w.Item(depth + 1, $"{(clone.Disabled ? "Stopped (disabled)" : "Stopped")}: [ {string.Join(' ', clone.StoppedOn)} ]");
        }
        Header();
    }

    /// <summary>crm_mon's line for one primitive: "vip\t(ocf:heartbeat:IPaddr2):\t Started node1 (flags)".</summary>
    private static string PrimitiveText(ResourceReport r, ResourceTree view)
    {
        var sb = new StringBuilder();
        sb.Append(r.DisplayId).Append("\t(").Append(r.Agent).Append("):\t");
        if (r.Orphaned) sb.Append(" ORPHANED");
        if (r.Failed)
        {
            sb.Append(" FAILED");
            if (r.Role == "Promoted") sb.Append(" Promoted");
        }
        else sb.Append(' ').Append(PendingState(r.PendingOperation) ?? r.Role);
        var node = r.Nodes.Length == 1 ? r.Nodes[0] : r.Nodes.Length == 0 ? r.PendingNode : null;
        if (node is not null) sb.Append(' ').Append(node);

        var flags = new List<string>();
        if (node is not null && view.Node(node) is { Online: false, Unclean: true }) flags.Add("UNCLEAN");
        if (r.PendingOperation == "monitor") flags.Add("Monitoring");
        if (r.Disabled) flags.Add("disabled");
        if (r.Blocked) flags.Add("blocked");
        else if (r.Maintenance) flags.Add("maintenance");
        else if (!r.Managed) flags.Add("unmanaged");
        if (flags.Count > 0) sb.Append(" (").Append(string.Join(", ", flags)).Append(')');

        if (r.MultiplyActive)
        {
            if (r.Description is { } d) sb.Append(" (").Append(d).Append(')');
            sb.Append(" [ ").Append(string.Join(' ', r.Nodes)).Append(" ]");
        }
        return sb.ToString();
    }

    private static string? PendingState(string? operation) => operation switch
    {
        "start" => "Starting",
        "stop" => "Stopping",
        "migrate_to" or "migrate_from" => "Migrating",
        "promote" => "Promoting",
        "demote" => "Demoting",
        _ => null,
    };

    /// <summary>crm_mon 2.1.5's failed_action_friendly.</summary>
    private static string FailureSentence(FailedAction f, StatusReport r)
    {
        var sb = new StringBuilder(f.Resource).Append(' ');
        if (f.IntervalMs != 0) sb.Append(Interval(f.IntervalMs)).Append("-interval ");
        sb.Append(f.IntervalMs == 0 && f.Operation == "monitor" ? "probe" : f.Operation).Append(" on ").Append(f.Node);
        if (f.OpStatus == 0)
        {
            sb.Append(" returned '").Append(f.RcText).Append('\'');
            if (!string.IsNullOrEmpty(f.ExitReason)) sb.Append(" (").Append(f.ExitReason).Append(')');
        }
        else
        {
            sb.Append(" could not be executed (").Append(f.OpStatusText);
            if (!string.IsNullOrEmpty(f.ExitReason)) sb.Append(": ").Append(f.ExitReason);
            sb.Append(')');
        }
        if (f.LastRcChange is { } t) sb.Append(" at ").Append(Time(t, r));
        if (f.ExecTimeMs is > 0 and var ms) sb.Append(" after ").Append(Interval(ms));
        return sb.ToString();
    }

    /// <summary>crm_mon 2.1.5's failed_action_technical (--show-detail). HaApi records no queue time.</summary>
    private static string FailureDetail(FailedAction f, StatusReport r)
    {
        var sb = new StringBuilder(f.OperationKey).Append(" on ").Append(f.Node).Append(" '").Append(f.RcText).Append("' (")
            .Append(f.RcCode.ToString(CultureInfo.InvariantCulture)).Append("): call=").Append(f.CallId.ToString(CultureInfo.InvariantCulture))
            .Append(", status='").Append(f.OpStatusText).Append('\'');
        if (!string.IsNullOrEmpty(f.ExitReason)) sb.Append(", exitreason='").Append(f.ExitReason).Append('\'');
        if (f.LastRcChange is { } t) sb.Append(", last-rc-change='").Append(Time(t, r)).Append('\'');
        if (f.ExecTimeMs is { } ms) sb.Append(", exec=").Append(ms.ToString(CultureInfo.InvariantCulture)).Append("ms");
        return sb.ToString();
    }

    private static string FenceActionText(string action) => action switch
    {
        "off" => "turn off",
        "on" => "turn on",
        _ => action,
    };

    /// <summary>ctime's layout ("Wed Mar 30 13:46:11 2016", day padded with a space), which crm_mon uses.</summary>
    internal static string Time(DateTimeOffset t, StatusReport r)
    {
        var local = t.ToOffset(r.LastUpdated.Offset);
        var inv = CultureInfo.InvariantCulture;
        return local.ToString("ddd MMM ", inv) + local.Day.ToString(inv).PadLeft(2) + local.ToString(" HH:mm:ss yyyy", inv);
    }

    /// <summary>
    /// pcmk__readable_interval: days, hours, minutes, then seconds with milliseconds ("1m30s", "15.001s", "20ms").
    /// Each unit is used only when strictly more than one of it remains, so exactly one minute reads "60s".
    /// </summary>
    internal static string Interval(long ms)
    {
        const long S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;
        var sb = new StringBuilder();
        foreach (var (unit, suffix) in new[] { (D, "d"), (H, "h"), (M, "m") })
        {
            if (ms <= unit) continue;
            sb.Append((ms / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
            ms %= unit;
        }
        if (ms > S)
        {
            sb.Append((ms / S).ToString(CultureInfo.InvariantCulture));
            if (ms % S > 0) sb.Append('.').Append((ms % S).ToString("000", CultureInfo.InvariantCulture));
            sb.Append('s');
        }
        else if (ms > 0) sb.Append(ms.ToString(CultureInfo.InvariantCulture)).Append("ms");
        else if (sb.Length == 0) sb.Append("0s");
        return sb.ToString();
    }

    /// <summary>crm_mon's nested list layout: two spaces per level, items "* text", sub-list headers "* title:".</summary>
    private sealed class Lines
    {
        private readonly List<string> _lines = [];

        public void Header(int depth, string title) =>
            _lines.Add(depth == 0 ? title + ":" : new string(' ', 2 * depth) + "* " + title + ":");

        public void Item(int depth, string text) => _lines.Add(new string(' ', 2 * depth) + "* " + text);

        public void Blank() => _lines.Add("");

        public List<string> ToList() => _lines;

        public override string ToString() => string.Join('\n', _lines) + "\n";
    }
}
