using System.Text;

namespace HaApi.Bench.Scheduler;

/// <summary>
/// Writes a large synthetic cluster as a Pacemaker 2.1 CIB (configuration and status): ocf:pacemaker:Dummy
/// primitives in groups of five, a location preference for every 10th group, advisory colocations and optional
/// orders between some groups. Fencing is disabled so a lost node needs no fence device.
/// The status says where each group runs (placement); every resource has a "not running" probe recorded on every
/// other online node, because without one the scheduler (like Pacemaker) would plan a probe per resource and node.
/// </summary>
public sealed class SyntheticCluster(int primitives, int nodes)
{
    public const int GroupSize = 5;
    // Pacemaker 2.1.5 (Debian's, the crm_simulate compared against) speaks feature set 3.16.1; a CIB claiming a newer
    // one (3.16.2 is Pacemaker 2.1.6+) loads, but crm_simulate -S then refuses to record the simulated results in it.
    public const string FeatureSet = "3.16.1";
    private const string Uuid = "00000000-0000-0000-0000-000000000000";

    // Digests Pacemaker computes for a parameterless Dummy (the monitor's includes its default 20s timeout).
    private const string StartDigest = "f2317cad3d54cec5d7d7aa7d0bf35cf8";
    private const string MonitorDigest = "4811cef7f7f94e3a35a70be7916cb2fd";

    public int Primitives { get; } = primitives;
    public int Nodes { get; } = nodes;
    public int Groups => (Primitives + GroupSize - 1) / GroupSize;

    public static string NodeName(int index) => $"node{index + 1}";
    public static string GroupId(int g) => $"grp{g}";
    public static string PrimitiveId(int i) => $"rsc{i}";

    public IEnumerable<string> Members(int g)
    {
        for (var i = g * GroupSize; i < Math.Min(Primitives, (g + 1) * GroupSize); i++) yield return PrimitiveId(i);
    }

    /// <param name="placement">Group id to the node it runs on; groups absent from it are stopped everywhere.</param>
    public string ToCib(IReadOnlyDictionary<string, string> placement, Scenario scenario, int epoch = 1)
    {
        var sb = new StringBuilder(capacity: 256 * Primitives * Nodes + 4096);
        sb.Append($"<cib crm_feature_set=\"{FeatureSet}\" validate-with=\"pacemaker-3.9\" epoch=\"").Append(epoch)
          .Append("\" num_updates=\"0\" admin_epoch=\"0\" have-quorum=\"1\" dc-uuid=\"1\">\n<configuration>\n");
        sb.Append("<crm_config><cluster_property_set id=\"cib-bootstrap-options\">")
          .Append("<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>")
          .Append("<nvpair id=\"opt-name\" name=\"cluster-name\" value=\"bench\"/>")
          .Append("</cluster_property_set></crm_config>\n<nodes>\n");
        for (var n = 0; n < Nodes; n++)
        {
            var name = NodeName(n);
            sb.Append($"<node id=\"{n + 1}\" uname=\"{name}\">");
            if (scenario.StandbyNode == name)
                sb.Append($"<instance_attributes id=\"{name}-attrs\"><nvpair id=\"{name}-standby\" name=\"standby\" value=\"on\"/></instance_attributes>");
            sb.Append("</node>\n");
        }
        sb.Append("</nodes>\n<resources>\n");
        for (var g = 0; g < Groups; g++)
        {
            sb.Append($"<group id=\"{GroupId(g)}\">");
            foreach (var r in Members(g))
                sb.Append($"<primitive id=\"{r}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"><operations><op id=\"{r}-monitor-10s\" name=\"monitor\" interval=\"10s\"/></operations></primitive>");
            sb.Append("</group>\n");
        }
        sb.Append("</resources>\n<constraints>\n");
        for (var g = 0; g < Groups; g++)
        {
            if (g % 10 == 0)
                sb.Append($"<rsc_location id=\"loc-{GroupId(g)}\" rsc=\"{GroupId(g)}\" node=\"{NodeName(g / 10 % Nodes)}\" score=\"100\"/>\n");
            if (g % 20 == 5 && g + 1 < Groups)
                sb.Append($"<rsc_colocation id=\"col-{GroupId(g + 1)}\" rsc=\"{GroupId(g + 1)}\" with-rsc=\"{GroupId(g)}\" score=\"100\"/>\n");
            if (g % 25 == 7 && g + 2 < Groups)
                sb.Append($"<rsc_order id=\"ord-{GroupId(g)}\" first=\"{GroupId(g)}\" then=\"{GroupId(g + 2)}\" kind=\"Optional\"/>\n");
        }
        sb.Append("</constraints>\n<rsc_defaults><meta_attributes id=\"rsc-defaults\">")
          .Append("<nvpair id=\"rsc-defaults-stickiness\" name=\"resource-stickiness\" value=\"1\"/>")
          .Append("</meta_attributes></rsc_defaults>\n</configuration>\n<status>\n");

        for (var n = 0; n < Nodes; n++)
        {
            var name = NodeName(n);
            var failed = scenario.FailedNode == name;
            // A node that left without a clean shutdown: out of membership but still expected as a member.
            sb.Append(failed
                ? $"<node_state id=\"{n + 1}\" uname=\"{name}\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"member\">"
                : $"<node_state id=\"{n + 1}\" uname=\"{name}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">");
            sb.Append($"<lrm id=\"{n + 1}\"><lrm_resources>\n");
            var callId = 0;
            for (var g = 0; g < Groups; g++)
            {
                var here = placement.TryGetValue(GroupId(g), out var on) && on == name;
                foreach (var r in Members(g))
                {
                    sb.Append($"<lrm_resource id=\"{r}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">");
                    if (here)
                    {
                        Op(sb, r, "start", 0, 0, ++callId, StartDigest);
                        Op(sb, r, "monitor", 10000, 0, ++callId, MonitorDigest);
                    }
                    else
                    {
                        Op(sb, r, "monitor", 0, 7, ++callId, StartDigest);
                    }
                    sb.Append("</lrm_resource>\n");
                }
            }
            sb.Append("</lrm_resources></lrm></node_state>\n");
        }
        sb.Append("</status>\n</cib>\n");
        return sb.ToString();
    }

    private static void Op(StringBuilder sb, string rsc, string task, int intervalMs, int rc, int callId, string digest)
    {
        var expected = task == "monitor" && intervalMs == 0 ? 7 : 0;
        var key = intervalMs > 0 ? $"{rsc}_{task}_{intervalMs}" : $"{rsc}_last_0";
        sb.Append($"<lrm_rsc_op id=\"{key}\" operation_key=\"{rsc}_{task}_{intervalMs}\" operation=\"{task}\" interval=\"{intervalMs}\" call-id=\"{callId}\" rc-code=\"{rc}\" op-status=\"0\" ")
          .Append($"transition-key=\"{callId}:1:{expected}:{Uuid}\" transition-magic=\"0:{rc};{callId}:1:{expected}:{Uuid}\" ")
          .Append($"last-rc-change=\"1700000000\" exec-time=\"10\" queue-time=\"0\" op-digest=\"{digest}\" crm_feature_set=\"{FeatureSet}\"/>");
    }
}
