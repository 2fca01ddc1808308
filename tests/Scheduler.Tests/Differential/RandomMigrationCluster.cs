using System.Text;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>
/// Generates a small random cluster (seeded) exercising live migration and interleaved clones: primitives and a
/// group that may allow migration, moved around by locations, stickiness, standby and failures; and two anonymous
/// clones "A then B" (B interleaving or not, optionally colocated with A) whose instances start, stop and fail.
/// Fencing is disabled (no device to fence with).
/// </summary>
public sealed class RandomMigrationCluster(int seed)
{
    private readonly Random random = new(seed);
    private int callId;

    public string Generate()
    {
        var nodes = Enumerable.Range(1, random.Next(2, 5)).Select(i => $"node{i}").ToList();
        var primitives = Enumerable.Range(1, random.Next(1, 4)).Select(i => $"rsc{i}").ToList();
        var groupMembers = random.Next(2) == 0 ? new List<string>() : Enumerable.Range(1, random.Next(2, 4)).Select(i => $"g{i}").ToList();
        var withClones = random.Next(3) != 0;
        var topLevel = primitives.Concat(groupMembers.Count > 0 ? ["grp"] : []).ToList();

        var sb = new StringBuilder();
        sb.Append("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"1\" have-quorum=\"1\" validate-with=\"pacemaker-3.0\" crm_feature_set=\"3.16.1\">\n<configuration>\n<crm_config><cluster_property_set id=\"o\">");
        sb.Append("<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/>");
        sb.Append("</cluster_property_set></crm_config>\n<nodes>\n");
        foreach (var (n, i) in nodes.Select((n, i) => (n, i)))
        {
            sb.Append($"<node id=\"{i + 1}\" uname=\"{n}\">");
            if (random.Next(6) == 0) sb.Append($"<instance_attributes id=\"{n}-a\"><nvpair id=\"{n}-s\" name=\"standby\" value=\"on\"/></instance_attributes>");
            sb.Append("</node>\n");
        }
        sb.Append("</nodes>\n<resources>\n");
        foreach (var p in primitives) sb.Append(Primitive(p, random.Next(2) == 0));
        if (groupMembers.Count > 0)
        {
            var groupMigrates = random.Next(3) == 0;
            sb.Append("<group id=\"grp\">");
            if (groupMigrates) sb.Append("<meta_attributes id=\"grp-m\"><nvpair id=\"grp-am\" name=\"allow-migrate\" value=\"true\"/></meta_attributes>");
            foreach (var m in groupMembers) sb.Append(Primitive(m, !groupMigrates && random.Next(2) == 0));
            sb.Append("</group>\n");
        }
        var interleave = random.Next(2) == 0;
        if (withClones)
        {
            sb.Append("<clone id=\"A\"><primitive id=\"a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"><operations><op id=\"a-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive></clone>\n");
            sb.Append($"<clone id=\"B\"><meta_attributes id=\"B-m\"><nvpair id=\"B-i\" name=\"interleave\" value=\"{(interleave ? "true" : "false")}\"/></meta_attributes>");
            sb.Append("<primitive id=\"b\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"><operations><op id=\"b-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive></clone>\n");
        }
        sb.Append("</resources>\n<constraints>\n");
        var id = 0;
        var located = withClones ? topLevel.Concat(["A", "B"]).ToList() : topLevel;
        for (var i = random.Next(1, 4); i > 0; i--)
            sb.Append($"<rsc_location id=\"loc{id++}\" rsc=\"{PickFrom(located)}\" node=\"{PickFrom(nodes)}\" score=\"{Pick("-INFINITY", "-100", "50", "100", "200", "INFINITY")}\"/>\n");
        if (withClones)
        {
            sb.Append($"<rsc_order id=\"ord{id++}\" first=\"A\" then=\"B\" kind=\"{Pick("Mandatory", "Mandatory", "Optional")}\"/>\n");
            if (random.Next(2) == 0) sb.Append($"<rsc_colocation id=\"col{id++}\" rsc=\"B\" with-rsc=\"A\" score=\"INFINITY\"/>\n");
        }
        if (topLevel.Count > 1)
        {
            for (var i = random.Next(0, 3); i > 0; i--)
            {
                var a = PickFrom(topLevel);
                var b = PickFrom(topLevel.Where(r => r != a).ToList());
                var symmetrical = random.Next(3) == 0 ? " symmetrical=\"false\"" : "";
                sb.Append($"<rsc_order id=\"ord{id++}\" first=\"{a}\" then=\"{b}\" kind=\"{Pick("Mandatory", "Optional")}\"{symmetrical}/>\n");
            }
            if (random.Next(2) == 0)
            {
                var a = PickFrom(topLevel);
                var b = PickFrom(topLevel.Where(r => r != a).ToList());
                sb.Append($"<rsc_colocation id=\"col{id++}\" rsc=\"{a}\" with-rsc=\"{b}\" score=\"{Pick("INFINITY", "100", "-100")}\"/>\n");
            }
        }
        sb.Append("</constraints>\n");
        if (random.Next(2) == 0)
            sb.Append($"<rsc_defaults><meta_attributes id=\"rd\"><nvpair id=\"rd1\" name=\"resource-stickiness\" value=\"{Pick(0, 50, 100)}\"/></meta_attributes></rsc_defaults>\n");
        sb.Append("</configuration>\n<status>\n");

        // A group runs on one node (all members, or a prefix of them); primitives anywhere; clone instances on subsets.
        var runningOn = primitives.ToDictionary(r => r, r => random.Next(3) != 0 ? PickFrom(nodes) : null);
        var groupNode = random.Next(4) != 0 ? PickFrom(nodes) : null;
        var groupRunning = groupNode is null ? 0 : random.Next(3) == 0 ? random.Next(1, groupMembers.Count + 1) : groupMembers.Count;
        for (var i = 0; i < groupMembers.Count; i++) runningOn[groupMembers[i]] = i < groupRunning ? groupNode : null;
        var aOn = withClones ? nodes.Where(_ => random.Next(3) != 0).ToHashSet() : [];
        var bOn = withClones ? nodes.Where(n => aOn.Contains(n) && random.Next(4) != 0).ToHashSet() : [];
        foreach (var n in nodes)
        {
            sb.Append($"<node_state id=\"{nodes.IndexOf(n) + 1}\" uname=\"{n}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">");
            var failCounts = new StringBuilder();
            var lrm = new StringBuilder();
            foreach (var r in runningOn.Keys) lrm.Append(History(r, runningOn[r] == n, failCounts, mayFail: true));
            if (withClones)
            {
                lrm.Append(History("a", aOn.Contains(n), failCounts, mayFail: random.Next(3) == 0));
                lrm.Append(History("b", bOn.Contains(n), failCounts, mayFail: false));
            }
            if (failCounts.Length > 0) sb.Append($"<transient_attributes id=\"t{n}\"><instance_attributes id=\"ta{n}\">{failCounts}</instance_attributes></transient_attributes>");
            sb.Append($"<lrm id=\"{n}\"><lrm_resources>{lrm}</lrm_resources></lrm></node_state>\n");
        }
        sb.Append("</status>\n</cib>\n");
        return sb.ToString();
    }

    private string Primitive(string id, bool migrates)
    {
        var meta = new StringBuilder();
        if (migrates) meta.Append($"<nvpair id=\"{id}-am\" name=\"allow-migrate\" value=\"true\"/>");
        if (random.Next(4) == 0) meta.Append($"<nvpair id=\"{id}-st\" name=\"resource-stickiness\" value=\"{Pick(0, 50, 1000)}\"/>");
        if (random.Next(10) == 0) meta.Append($"<nvpair id=\"{id}-tr\" name=\"target-role\" value=\"Stopped\"/>");
        var metaXml = meta.Length > 0 ? $"<meta_attributes id=\"{id}-m\">{meta}</meta_attributes>" : "";
        return $"<primitive id=\"{id}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">{metaXml}<operations><op id=\"{id}-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive>\n";
    }

    private string History(string rsc, bool running, StringBuilder failCounts, bool mayFail)
    {
        var sb = new StringBuilder($"<lrm_resource id=\"{rsc}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">");
        if (!running)
        {
            sb.Append(Op(rsc, "monitor", 0, 7, 7));
        }
        else
        {
            sb.Append(Op(rsc, "start", 0, 0, 0));
            var failed = mayFail && random.Next(6) == 0;
            sb.Append(Op(rsc, "monitor", 10000, failed ? 1 : 0, 0));
            if (failed) failCounts.Append($"<nvpair id=\"fc-{rsc}-{callId}\" name=\"fail-count-{rsc}#monitor_10000\" value=\"1\"/>");
        }
        return sb.Append("</lrm_resource>").ToString();
    }

    private string Op(string rsc, string task, int intervalMs, int rc, int expected) => HistoryXml.Op(rsc, task, intervalMs, rc, expected, ++callId);

    private T Pick<T>(params T[] items) => items[random.Next(items.Length)];
    private T PickFrom<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
