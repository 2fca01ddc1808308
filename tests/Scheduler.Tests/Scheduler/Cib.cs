using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>Small CIB documents for scheduler tests: nodes, resources, constraints and a status section.</summary>
internal static class Cib
{
    public static string Document(string resources, string constraints = "", string status = "", string nodes = "node1 node2 node3",
        string properties = "", bool quorum = true, string nodeAttributes = "", string rscDefaults = "", bool stonith = false) =>
        $"""
        <cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="{(quorum ? "1" : "0")}">
          <configuration>
            <crm_config>
              <cluster_property_set id="opts">
                <nvpair id="opt-stonith" name="stonith-enabled" value="{(stonith ? "true" : "false")}"/>
                <nvpair id="opt-quorum" name="no-quorum-policy" value="stop"/>
                {properties}
              </cluster_property_set>
            </crm_config>
            <nodes>
              {string.Join("\n", nodes.Split(' ').Select((n, i) => $"<node id=\"{i + 1}\" uname=\"{n}\">{(nodeAttributes.StartsWith(n + ":") ? $"<instance_attributes id=\"{n}-a\">{nodeAttributes[(n.Length + 1)..]}</instance_attributes>" : "")}</node>"))}
            </nodes>
            <resources>{resources}</resources>
            <constraints>{constraints}</constraints>
            {(rscDefaults.Length > 0 ? $"<rsc_defaults><meta_attributes id=\"rd\">{rscDefaults}</meta_attributes></rsc_defaults>" : "")}
          </configuration>
          <status>{status}</status>
        </cib>
        """;

    public static string Dummy(string id, string meta = "") =>
        $"<primitive id=\"{id}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">{(meta.Length > 0 ? $"<meta_attributes id=\"{id}-m\">{meta}</meta_attributes>" : "")}</primitive>";

    public static string Pair(string name, string value) => $"<nvpair id=\"{name}-{value}-{Guid.NewGuid():N}\" name=\"{name}\" value=\"{value}\"/>";

    /// <summary>A member node's state with resource histories (rsc, operation, rc, call id).</summary>
    public static string Online(string node, params (string Rsc, string Op, int Rc, int Call)[] ops) => State(node, "in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"", ops);

    public static string Lost(string node, params (string Rsc, string Op, int Rc, int Call)[] ops) => State(node, "in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"member\"", ops);

    private static string State(string node, string flags, (string Rsc, string Op, int Rc, int Call)[] ops)
    {
        var byRsc = ops.GroupBy(o => o.Rsc).Select(g =>
            (g.Key.StartsWith("fence", StringComparison.Ordinal) ? $"<lrm_resource id=\"{g.Key}\" class=\"stonith\" type=\"fence_dummy\">" : $"<lrm_resource id=\"{g.Key}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">") +
            string.Concat(g.Select(o =>
            {
                var interval = o.Op.StartsWith("monitor_", StringComparison.Ordinal) ? o.Op["monitor_".Length..] : "0";
                var task = o.Op.StartsWith("monitor", StringComparison.Ordinal) ? "monitor" : o.Op;
                var expected = task == "monitor" && interval == "0" ? 7 : 0;
                return $"<lrm_rsc_op id=\"{g.Key}_{o.Op}_{o.Call}\" operation=\"{task}\" interval=\"{interval}\" call-id=\"{o.Call}\" rc-code=\"{o.Rc}\" op-status=\"0\" transition-key=\"1:1:{expected}:x\" op-digest=\"f2317cad3d54cec5d7d7aa7d0bf35cf8\"/>";
            })) + "</lrm_resource>");
        return $"<node_state id=\"{node}\" uname=\"{node}\" {flags}><lrm id=\"{node}\"><lrm_resources>{string.Concat(byRsc)}</lrm_resources></lrm></node_state>";
    }

    public static string WithFailCount(string nodeState, string rsc, string value) =>
        nodeState.Replace("><lrm ", $"><transient_attributes id=\"t\"><instance_attributes id=\"ta\"><nvpair id=\"fc\" name=\"fail-count-{rsc}#monitor_10000\" value=\"{value}\"/></instance_attributes></transient_attributes><lrm ", StringComparison.Ordinal);

    /// <summary>A member node's state with transient attributes (promotion scores, fail counts) and raw history
    /// entries (see <see cref="History"/>).</summary>
    public static string Member(string node, IEnumerable<(string Name, string Value)> attributes, params string[] histories)
    {
        var transient = string.Concat(attributes.Select(a => $"<nvpair id=\"{node}-{a.Name}\" name=\"{a.Name}\" value=\"{a.Value}\"/>"));
        var attributesXml = transient.Length > 0 ? $"<transient_attributes id=\"t-{node}\"><instance_attributes id=\"ta-{node}\">{transient}</instance_attributes></transient_attributes>" : "";
        return $"<node_state id=\"{node}\" uname=\"{node}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">{attributesXml}<lrm id=\"{node}\"><lrm_resources>{string.Concat(histories)}</lrm_resources></lrm></node_state>";
    }

    /// <summary>An lrm_resource entry of an ocf:pacemaker agent with its operations (see HistoryXml.Op).</summary>
    public static string History(string rsc, string type, params string[] ops) =>
        $"<lrm_resource id=\"{rsc}\" class=\"ocf\" provider=\"pacemaker\" type=\"{type}\">{string.Concat(ops)}</lrm_resource>";

    public static Transition Schedule(string xml, DateTimeOffset? now = null)
    {
        // Developer aid: HAAPI_DUMP_CIB=dir writes each test input there to replay it with crm_simulate.
        if (Environment.GetEnvironmentVariable("HAAPI_DUMP_CIB") is { Length: > 0 } dir)
            File.WriteAllText(Path.Combine(dir, Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(xml)))[..10] + ".xml"), xml);
        var doc = CibImporter.Import(xml);
        return HaApi.Engine.Scheduler.Scheduler.Schedule(new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, now ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    /// <summary>The summary lines with whitespace collapsed, e.g. "* Move rsc1 ( node1 -> node2 )".</summary>
    public static IReadOnlyList<string> Summary(string xml, DateTimeOffset? now = null) =>
        TransitionSummary.Format(Schedule(xml, now)).Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s+", " ").Trim()).ToList();
}
