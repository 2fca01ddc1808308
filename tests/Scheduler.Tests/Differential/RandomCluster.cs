using System.Text;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>
/// Generates a small random cluster as a CIB (configuration and status) from a seed, using only constructs the
/// scheduler supports: primitives, one group, one anonymous clone, node and rule-free locations, colocations,
/// orders, stickiness, standby, offline nodes, target-role, migration-threshold with fail counts, and histories
/// with running, stopped and failed resources. Fencing is disabled (no device to fence with). Left out because HaApi
/// does not yet reproduce them exactly: failed clone instances and colocation loops.
/// </summary>
public sealed class RandomCluster(int seed)
{
    private readonly Random random = new(seed);
    private int callId;

    public string Generate()
    {
        var nodes = Enumerable.Range(1, random.Next(2, 5)).Select(i => $"node{i}").ToList();
        var primitives = Enumerable.Range(1, random.Next(2, 6)).Select(i => $"rsc{i}").ToList();
        var groupMembers = random.Next(3) == 0 ? new List<string>() : Enumerable.Range(1, random.Next(2, 4)).Select(i => $"g{i}").ToList();
        var withClone = random.Next(3) == 0;
        var all = primitives.Concat(groupMembers).ToList();
        var topLevel = primitives.Concat(groupMembers.Count > 0 ? ["grp"] : []).Concat(withClone ? ["cln"] : []).ToList();

        var sb = new StringBuilder();
        sb.Append("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"1\" have-quorum=\"1\" validate-with=\"pacemaker-3.0\" crm_feature_set=\"3.16.1\">\n<configuration>\n<crm_config><cluster_property_set id=\"o\">");
        sb.Append("<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/>");
        sb.Append("</cluster_property_set></crm_config>\n<nodes>\n");
        var standby = new HashSet<string>();
        foreach (var (n, i) in nodes.Select((n, i) => (n, i)))
        {
            var isStandby = random.Next(6) == 0;
            if (isStandby) standby.Add(n);
            sb.Append($"<node id=\"{i + 1}\" uname=\"{n}\">");
            if (isStandby) sb.Append($"<instance_attributes id=\"{n}-a\"><nvpair id=\"{n}-s\" name=\"standby\" value=\"on\"/></instance_attributes>");
            sb.Append("</node>\n");
        }
        sb.Append("</nodes>\n<resources>\n");
        var thresholds = new Dictionary<string, int>();
        foreach (var p in primitives) sb.Append(Primitive(p, thresholds));
        if (groupMembers.Count > 0)
        {
            sb.Append("<group id=\"grp\">");
            foreach (var m in groupMembers) sb.Append(Primitive(m, thresholds));
            if (random.Next(3) == 0) sb.Append($"<meta_attributes id=\"grp-m\"><nvpair id=\"grp-s\" name=\"resource-stickiness\" value=\"{Pick(0, 20, 100)}\"/></meta_attributes>");
            sb.Append("</group>\n");
        }
        if (withClone) sb.Append("<clone id=\"cln\"><primitive id=\"cp\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"><operations><op id=\"cp-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive></clone>\n");
        sb.Append("</resources>\n<constraints>\n");
        var id = 0;
        for (var i = random.Next(0, 4); i > 0; i--)
            sb.Append($"<rsc_location id=\"loc{id++}\" rsc=\"{PickFrom(topLevel)}\" node=\"{PickFrom(nodes)}\" score=\"{Pick("-INFINITY", "-100", "50", "100", "200", "INFINITY")}\"/>\n");
        var colocated = new HashSet<(string, string)>();
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            var a = PickFrom(topLevel.Where(r => r != "cln").ToList());
            var b = PickFrom(topLevel.Where(r => r != a).ToList());
            // Colocation loops (a with b and b with a) are outside what HaApi reproduces exactly.
            if (colocated.Contains((b, a)) || !colocated.Add((a, b))) continue;
            sb.Append($"<rsc_colocation id=\"col{id++}\" rsc=\"{a}\" with-rsc=\"{b}\" score=\"{Pick("INFINITY", "-INFINITY", "100", "-100")}\"/>\n");
        }
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            var a = PickFrom(topLevel);
            var b = PickFrom(topLevel.Where(r => r != a).ToList());
            sb.Append($"<rsc_order id=\"ord{id++}\" first=\"{a}\" then=\"{b}\" kind=\"{Pick("Mandatory", "Optional")}\"/>\n");
        }
        sb.Append("</constraints>\n");
        if (random.Next(2) == 0)
            sb.Append($"<rsc_defaults><meta_attributes id=\"rd\"><nvpair id=\"rd1\" name=\"resource-stickiness\" value=\"{Pick(0, 50, 100)}\"/></meta_attributes></rsc_defaults>\n");
        sb.Append("</configuration>\n<status>\n");

        // Where each resource runs now (at most one node; clones one instance per node).
        var offline = nodes.Where(_ => random.Next(7) == 0).ToHashSet();
        var runningOn = all.ToDictionary(r => r, r => random.Next(2) == 0 ? PickFrom(nodes) : null);
        var cloneOn = withClone ? nodes.Where(_ => random.Next(2) == 0).ToHashSet() : [];
        foreach (var n in nodes)
        {
            if (offline.Contains(n))
            {
                sb.Append($"<node_state id=\"{nodes.IndexOf(n) + 1}\" uname=\"{n}\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"down\"/>\n");
                continue;
            }
            sb.Append($"<node_state id=\"{nodes.IndexOf(n) + 1}\" uname=\"{n}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">");
            var failCounts = new StringBuilder();
            var lrm = new StringBuilder();
            foreach (var r in all)
            {
                var here = runningOn[r] == n;
                lrm.Append(History(r, here, failCounts, thresholds.ContainsKey(r)));
            }
            // Failed clone instances are kept out: Pacemaker's ordering of instances for recovery is not reproduced exactly.
            if (withClone) lrm.Append(History("cp", cloneOn.Contains(n), failCounts, false, mayFail: false));
            if (failCounts.Length > 0) sb.Append($"<transient_attributes id=\"t{n}\"><instance_attributes id=\"ta{n}\">{failCounts}</instance_attributes></transient_attributes>");
            sb.Append($"<lrm id=\"{n}\"><lrm_resources>{lrm}</lrm_resources></lrm></node_state>\n");
        }
        sb.Append("</status>\n</cib>\n");
        return sb.ToString();
    }

    private string Primitive(string id, Dictionary<string, int> thresholds)
    {
        var meta = new StringBuilder();
        if (random.Next(4) == 0) meta.Append($"<nvpair id=\"{id}-st\" name=\"resource-stickiness\" value=\"{Pick(0, 50, 100, 1000)}\"/>");
        if (random.Next(8) == 0) meta.Append($"<nvpair id=\"{id}-tr\" name=\"target-role\" value=\"Stopped\"/>");
        if (random.Next(5) == 0)
        {
            var t = Pick(1, 2, 3);
            thresholds[id] = t;
            meta.Append($"<nvpair id=\"{id}-mt\" name=\"migration-threshold\" value=\"{t}\"/>");
        }
        var metaXml = meta.Length > 0 ? $"<meta_attributes id=\"{id}-m\">{meta}</meta_attributes>" : "";
        return $"<primitive id=\"{id}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">{metaXml}<operations><op id=\"{id}-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive>\n";
    }

    private string History(string rsc, bool running, StringBuilder failCounts, bool hasThreshold, bool mayFail = true)
    {
        var sb = new StringBuilder($"<lrm_resource id=\"{rsc}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">");
        if (!running)
        {
            sb.Append(Op(rsc, "monitor", 0, 7, 7));
        }
        else
        {
            sb.Append(Op(rsc, "start", 0, 0, 0));
            // A failed recurring monitor (rc 1 or 7) needs recovery.
            var failed = random.Next(6) == 0 && mayFail;
            sb.Append(Op(rsc, "monitor", 10000, failed ? Pick(1, 7) : 0, 0));
            if (failed || (hasThreshold && random.Next(2) == 0))
                failCounts.Append($"<nvpair id=\"fc-{rsc}-{callId}\" name=\"fail-count-{rsc}#monitor_10000\" value=\"{Pick(1, 2, 3)}\"/>");
        }
        return sb.Append("</lrm_resource>").ToString();
    }

    private string Op(string rsc, string task, int intervalMs, int rc, int expected) => HistoryXml.Op(rsc, task, intervalMs, rc, expected, ++callId);

    private T Pick<T>(params T[] items) => items[random.Next(items.Length)];
    private T PickFrom<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
