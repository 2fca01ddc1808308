using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Status;

namespace HaApi.Engine.Tests.Status;

/// <summary>Small clusters written the way HaApi's StatusStore records them (compacted histories).</summary>
internal static class StatusFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static Node Node(string name, uint id, params (string Key, string Value)[] attributes) =>
        new(name, id, [], Attributes.From(attributes.Select(a => KeyValuePair.Create(a.Key, a.Value))));

    public static Primitive Primitive(string id, string type = "IPaddr2", params (string Key, string Value)[] meta) =>
        new(id, ResourceClass.Ocf, "heartbeat", type, Attributes.Empty, Attributes.From(meta.Select(a => KeyValuePair.Create(a.Key, a.Value))),
            [new Operation("monitor", TimeSpan.FromSeconds(10))]);

    public static ClusterConfig Configuration(IEnumerable<Node> nodes, IEnumerable<Primitive> primitives, IEnumerable<Group>? groups = null,
        IEnumerable<Clone>? clones = null) =>
        ClusterConfig.Empty with
        {
            Nodes = [.. nodes],
            Primitives = [.. primitives],
            Groups = [.. groups ?? []],
            Clones = [.. clones ?? []],
            Properties = new ClusterProperties(Attributes.From([KeyValuePair.Create("stonith-enabled", "false")])),
        };

    public static NodeState Member(string name, string id, IEnumerable<ResourceHistory> resources, params (string Key, string Value)[] transient) =>
        new(id, name, true, true, "member", "member", Attributes.From(transient.Select(a => KeyValuePair.Create(a.Key, a.Value))), [.. resources]);

    public static NodeState Down(string name, string id) =>
        new(id, name, false, false, "down", "down", Attributes.Empty, []);

    /// <summary>Started by call <paramref name="call"/> and monitored since.</summary>
    public static ResourceHistory Running(string rsc, int call = 1, params OperationRecord[] more) =>
        new(rsc, "ocf", "heartbeat", "IPaddr2", [
            new OperationRecord($"{rsc}_last_0", "start", TimeSpan.Zero, call, 0, 0, 0, Now.AddMinutes(-10)),
            new OperationRecord($"{rsc}_monitor_10000", "monitor", TimeSpan.FromSeconds(10), call + 1, 0, 0, 0, Now.AddMinutes(-10)),
            .. more]);

    public static ResourceHistory NotRunning(string rsc, int call = 1) =>
        new(rsc, "ocf", "heartbeat", "IPaddr2", [new OperationRecord($"{rsc}_last_0", "monitor", TimeSpan.Zero, call, 7, 0, 7, Now.AddMinutes(-10))]);

    public static StatusReport Report(ClusterConfig config, IEnumerable<NodeState> nodes, string? dc = "node1", bool quorate = true,
        IReadOnlyList<InFlightAction>? inFlight = null, IReadOnlyList<PendingFencing>? fencing = null) =>
        StatusReport.Build(new StatusInput(config, new ClusterStatus([.. nodes]), quorate, dc, "node1", Now, inFlight ?? [], fencing ?? []));

    public static string[] Lines(StatusReport report, bool failureDetail = false) =>
        StatusText.Format(report, failureDetail).Split('\n');
}
