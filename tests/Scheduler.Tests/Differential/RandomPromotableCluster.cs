using System.Text;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>
/// Generates a small random cluster around promotable clones from a seed: one promotable clone "ms" (Stateful,
/// with Promoted and Unpromoted monitors; random promoted-max or master-max, clone-max, target-role, stickiness),
/// sometimes a second one "ms2", a primitive "vip", promotion scores (master-RSC transient attributes), standby,
/// histories with stopped, unpromoted and promoted instances, and constraints: promoted-role locations, colocations
/// with and of the promoted role, "promote then start" orders. Left out because HaApi does not reproduce them
/// exactly: failed instances and colocation loops (vip with the promoted ms and the promoted ms with vip).
/// </summary>
public sealed class RandomPromotableCluster(int seed)
{
    private readonly Random random = new(seed);
    private int callId;

    public string Generate()
    {
        var nodes = Enumerable.Range(1, random.Next(2, 5)).Select(i => $"node{i}").ToList();
        var sb = new StringBuilder();
        sb.Append("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"1\" have-quorum=\"1\" validate-with=\"pacemaker-3.9\" crm_feature_set=\"3.16.1\">\n<configuration>\n");
        sb.Append("<crm_config><cluster_property_set id=\"o\"><nvpair id=\"o-stonith\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set></crm_config>\n<nodes>");
        foreach (var (n, i) in nodes.Select((n, i) => (n, i))) sb.Append($"<node id=\"{i + 1}\" uname=\"{n}\"/>");
        sb.Append("</nodes>\n<resources>\n");

        var meta = new StringBuilder();
        if (random.NextDouble() < 0.3) meta.Append($"<nvpair id=\"ms-pm\" name=\"{Pick("promoted-max", "master-max")}\" value=\"{Pick(1, 2)}\"/>");
        if (random.NextDouble() < 0.2) meta.Append($"<nvpair id=\"ms-cm\" name=\"clone-max\" value=\"{random.Next(1, nodes.Count + 1)}\"/>");
        if (random.NextDouble() < 0.1) meta.Append($"<nvpair id=\"ms-tr\" name=\"target-role\" value=\"{Pick("Unpromoted", "Stopped", "Promoted")}\"/>");
        if (random.NextDouble() < 0.3) meta.Append($"<nvpair id=\"ms-st\" name=\"resource-stickiness\" value=\"{Pick(0, 10, 100)}\"/>");
        sb.Append(Promotable("ms", "st", meta.ToString()));
        var two = random.NextDouble() < 0.3;
        if (two) sb.Append(Promotable("ms2", "st2", ""));
        var vipMeta = random.NextDouble() < 0.1 ? "<meta_attributes id=\"vip-m\"><nvpair id=\"vip-tr\" name=\"target-role\" value=\"Stopped\"/></meta_attributes>" : "";
        sb.Append($"<primitive id=\"vip\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">{vipMeta}<operations><op id=\"vip-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive>\n");
        sb.Append("</resources>\n<constraints>\n");
        sb.Append(Constraints(nodes, two));
        sb.Append("</constraints>\n</configuration>\n<status>\n");

        var vipOn = random.Next(nodes.Count + 1) is var v && v < nodes.Count ? nodes[v] : null;
        foreach (var (n, i) in nodes.Select((n, i) => (n, i)))
        {
            var attributes = new List<(string, string)>();
            if (random.NextDouble() < 0.7) attributes.Add(("master-st", Pick("5", "10", "100", "-INFINITY", "INFINITY", "1")));
            if (two && random.NextDouble() < 0.7) attributes.Add(("master-st2", Pick("5", "10", "100")));
            if (random.NextDouble() < 0.12) attributes.Add(("standby", "on"));
            var lrm = new StringBuilder();
            lrm.Append(Pick("stopped", "unpromoted", "promoted", "none", "unpromoted") switch
            {
                "stopped" => Stopped("st", "Stateful"),
                "unpromoted" => Unpromoted("st"),
                "promoted" => Promoted("st"),
                _ => "",
            });
            if (two) lrm.Append(Pick("stopped", "unpromoted", "promoted") switch { "stopped" => Stopped("st2", "Stateful"), "unpromoted" => Unpromoted("st2"), _ => Promoted("st2") });
            if (vipOn == n) lrm.Append(History("vip", "Dummy", Op("vip", "start", 0, 0, 0), Op("vip", "monitor", 10000, 0, 0)));
            else if (random.NextDouble() < 0.7) lrm.Append(Stopped("vip", "Dummy"));
            sb.Append($"<node_state id=\"{i + 1}\" uname=\"{n}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">");
            if (attributes.Count > 0)
                sb.Append($"<transient_attributes id=\"t{n}\"><instance_attributes id=\"ta{n}\">{string.Concat(attributes.Select(a => $"<nvpair id=\"{n}-{a.Item1}\" name=\"{a.Item1}\" value=\"{a.Item2}\"/>"))}</instance_attributes></transient_attributes>");
            sb.Append($"<lrm id=\"{n}\"><lrm_resources>{lrm}</lrm_resources></lrm></node_state>\n");
        }
        sb.Append("</status>\n</cib>\n");
        return sb.ToString();
    }

    private string Constraints(List<string> nodes, bool two)
    {
        var sb = new StringBuilder();
        var vipWithPromoted = false;
        var promotedWithVip = false;
        for (var k = random.Next(0, 4); k > 0; k--)
        {
            var id = $"c{k}";
            switch (random.Next(0, 7))
            {
                case 0:
                    sb.Append($"<rsc_location id=\"{id}\" rsc=\"ms\" role=\"Promoted\" node=\"{PickFrom(nodes)}\" score=\"{Pick("-INFINITY", "50", "100", "INFINITY")}\"/>");
                    break;
                case 1 when !promotedWithVip:
                    vipWithPromoted = true;
                    sb.Append($"<rsc_colocation id=\"{id}\" rsc=\"vip\" with-rsc=\"ms\" with-rsc-role=\"{Pick("Promoted", "Promoted", "Unpromoted")}\" score=\"{Pick("INFINITY", "100", "-INFINITY")}\"/>");
                    break;
                case 2 when !vipWithPromoted:
                    promotedWithVip = true;
                    sb.Append($"<rsc_colocation id=\"{id}\" rsc=\"ms\" rsc-role=\"Promoted\" with-rsc=\"vip\" score=\"{Pick("INFINITY", "100")}\"/>");
                    break;
                case 3:
                    sb.Append($"<rsc_order id=\"{id}\" first=\"ms\" first-action=\"promote\" then=\"vip\" then-action=\"start\" kind=\"{Pick("Mandatory", "Optional")}\"/>");
                    break;
                case 4:
                    sb.Append($"<rsc_location id=\"{id}\" rsc=\"ms\" node=\"{PickFrom(nodes)}\" score=\"{Pick("-INFINITY", "50", "INFINITY")}\"/>");
                    break;
                case 5 when two:
                    sb.Append($"<rsc_colocation id=\"{id}\" rsc=\"ms2\" rsc-role=\"Promoted\" with-rsc=\"ms\" with-rsc-role=\"Promoted\" score=\"{Pick("INFINITY", "100")}\"/>");
                    break;
                case 6:
                    sb.Append($"<rsc_location id=\"{id}\" rsc=\"vip\" node=\"{PickFrom(nodes)}\" score=\"{Pick("-INFINITY", "50", "200")}\"/>");
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Promotable(string id, string child, string meta) =>
        $"<clone id=\"{id}\"><meta_attributes id=\"{id}-m\"><nvpair id=\"{id}-p\" name=\"promotable\" value=\"true\"/>{meta}</meta_attributes>" +
        $"<primitive id=\"{child}\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>" +
        $"<op id=\"{child}-mon-p\" name=\"monitor\" interval=\"10s\" role=\"Promoted\"/><op id=\"{child}-mon-u\" name=\"monitor\" interval=\"11s\" role=\"Unpromoted\"/>" +
        "</operations></primitive></clone>\n";

    private string Stopped(string rsc, string type) => History(rsc, type, Op(rsc, "monitor", 0, 7, 7));

    private string Unpromoted(string rsc) => History(rsc, "Stateful", Op(rsc, "start", 0, 0, 0), Op(rsc, "monitor", 11000, 0, 0));

    private string Promoted(string rsc) => History(rsc, "Stateful", Op(rsc, "start", 0, 0, 0), Op(rsc, "promote", 0, 0, 0), Op(rsc, "monitor", 10000, 8, 8));

    private static string History(string rsc, string type, params string[] ops) =>
        $"<lrm_resource id=\"{rsc}\" class=\"ocf\" provider=\"pacemaker\" type=\"{type}\">{string.Concat(ops)}</lrm_resource>";

    private string Op(string rsc, string task, int intervalMs, int rc, int expected) => HistoryXml.Op(rsc, task, intervalMs, rc, expected, ++callId);

    private T Pick<T>(params T[] items) => items[random.Next(items.Length)];
    private T PickFrom<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
