using System.Collections.Immutable;
using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Tests.Fencing;

namespace HaApi.Engine.Tests.Controller;

/// <summary>
/// Several controllers in one process over a simulated agreed-order bus. The test plays the executors and the
/// fencer: dispatched operations and fence orders wait until the test completes them, and every status record
/// is delivered to every member in the same order, as the group transport does. Simulated agents track where
/// each resource really runs, so tests check the cluster's effect, not the controller's bookkeeping.
/// </summary>
internal sealed class ControllerCluster : IActionDispatcher, IFencing, IStatusPublisher
{
    public static readonly string[] Names = ["node1", "node2", "node3"];

    private readonly Dictionary<string, TransitionEngine> _engines = new(StringComparer.Ordinal);
    private readonly Queue<ClusterMessage> _bus = new();
    private ImmutableArray<GroupMember> _members = [];

    public ManualTimeProvider Time { get; } = new();
    public List<ActionRequest> Pending { get; } = [];
    public List<FencingOrder> PendingFencing { get; } = [];
    /// <summary>Every completed operation, in completion order: "rsc op node" (probes as "rsc probe node").</summary>
    public List<string> Executed { get; } = [];
    public List<string> Fenced { get; } = [];
    /// <summary>Where each resource really runs (the simulated agents' truth).</summary>
    public HashSet<(string Resource, string Node)> Running { get; } = [];
    public ClusterConfig Config { get; private set; } = ClusterConfig.Empty;

    public ControllerCluster()
    {
        foreach (var name in Names) _engines[name] = new TransitionEngine(name, this, this, this, Time);
    }

    public TransitionEngine Engine(string node) => _engines[node];

    /// <summary>All three nodes up, the configuration applied and every probe answered truthfully.</summary>
    public static ControllerCluster Probed(ClusterConfig config)
    {
        var c = new ControllerCluster();
        c.SetMembers(Names);
        c.Configure(config);
        foreach (var probe in c.Pending.Where(p => p.IsProbe).ToList()) c.Complete(probe);
        return c;
    }

    public TransitionEngine Dc => Members.Select(m => _engines[m]).Single(e => e.IsDc);

    public IEnumerable<string> Members => _members.Select(m => m.Name);

    /// <summary>The agreed view changes: the members' controllers see it; nodes outside it hear nothing further.</summary>
    public void SetMembers(params string[] names)
    {
        _members = [.. names.Select(n => new GroupMember((uint)Array.IndexOf(Names, n) + 1, 1, n)).OrderBy(m => m.NodeId)];
        var dc = _members.First().Name;
        var quorate = _members.Length * 2 > Names.Length;
        foreach (var m in _members) _engines[m.Name].MembershipChanged(_members, dc, quorate);
        // Work of nodes that left never completes.
        Pending.RemoveAll(p => !Members.Contains(p.Node));
        Flush();
    }

    public void Configure(ClusterConfig config)
    {
        Config = config;
        foreach (var m in Members) _engines[m].ConfigurationChanged(config);
        Flush();
    }

    /// <summary>Like the real controller, the request also goes over the bus, so every node records pending starts.</summary>
    public void Dispatch(ActionRequest request)
    {
        Pending.Add(request);
        _bus.Enqueue(request);
    }

    /// <summary>A new view is delivered and its members are still synchronising (no DC named yet).</summary>
    public void DeliverView(params string[] names)
    {
        _members = [.. names.Select(n => new GroupMember((uint)Array.IndexOf(Names, n) + 1, 1, n)).OrderBy(m => m.NodeId)];
        foreach (var m in _members) _engines[m.Name].ViewChanged(_members, _members.Length * 2 > Names.Length);
        Pending.RemoveAll(p => !Members.Contains(p.Node));
        Flush();
    }

    public void Fence(FencingOrder order) => PendingFencing.Add(order);

    public void Publish(ClusterMessage record) => _bus.Enqueue(record);

    /// <summary>Delivers queued records to every member, in order (records a delivery produces go to the back).</summary>
    public void Flush()
    {
        for (var guard = 0; _bus.Count > 0; guard++)
        {
            Assert.True(guard < 10_000, "the bus never drained");
            var record = _bus.Dequeue();
            foreach (var m in Members) _engines[m].Deliver(record);
        }
    }

    public ActionRequest Find(string resource, string operation, string? node = null, TimeSpan? interval = null) =>
        Pending.Single(p => p.ResourceId == resource && p.Operation == operation && (node is null || p.Node == node)
                            && (interval is null || p.Interval == interval) && (interval is not null || operation != "monitor" || p.Interval > TimeSpan.Zero));

    public bool IsPending(string resource, string operation) =>
        Pending.Any(p => p.ResourceId == resource && p.Operation == operation && (operation != "monitor" || p.Interval > TimeSpan.Zero));

    /// <summary>The simulated agent runs the request: rc null means the truthful answer (probe: running or not;
    /// start/stop/monitor: success).</summary>
    public void Complete(ActionRequest request, int? rc = null, ExecutionStatus status = ExecutionStatus.Done)
    {
        Assert.True(Pending.Remove(request), $"{Describe(request)} was not pending");
        var running = Running.Contains((request.ResourceId, request.Node));
        var code = rc ?? (request.IsProbe ? (running ? 0 : 7) : request.Operation == "monitor" ? (running ? 0 : 7) : 0);
        if (status == ExecutionStatus.Done && code == 0)
        {
            if (request.Operation is "start" or "migrate_from") Running.Add((request.ResourceId, request.Node));
            if (request.Operation == "stop") Running.Remove((request.ResourceId, request.Node));
        }
        Executed.Add(Describe(request));
        var result = new OperationResult(code, status, null, TimeSpan.FromMilliseconds(5));
        Publish(OperationReports.Create(request, result, Config.Properties.StartFailureIsFatal, Time.GetUtcNow()));
        Flush();
    }

    /// <summary>A recurring monitor noticed a change on its own (not dispatched now): reported like any result.</summary>
    public void MonitorReports(string resource, string node, int rc)
    {
        var primitive = Config.FindPrimitive(resource)!;
        var monitor = primitive.Operations.First(o => o.Name == "monitor" && o.IsRecurring);
        var request = new ActionRequest("", node, resource, primitive, "monitor", monitor.Interval, monitor.Timeout ?? TimeSpan.FromSeconds(20), 0);
        if (rc != 0) Running.Remove((resource, node));
        Executed.Add($"{resource} monitor-report {node} rc={rc}");
        var record = OperationReports.Create(request, new OperationResult(rc, ExecutionStatus.Done, "simulated", TimeSpan.Zero), true, Time.GetUtcNow());
        Publish(record with { TransitionKey = null });
        Flush();
    }

    public void CompleteFencing(FencingOrder order, bool success)
    {
        Assert.True(PendingFencing.Remove(order));
        if (success)
        {
            Fenced.Add(order.Target);
            Running.RemoveWhere(r => r.Node == order.Target);
        }
        foreach (var m in Members) _engines[m].FencingCompleted(order.TransitionKey, order.Target, success, success ? null : "simulated device failure");
        Flush();
    }

    /// <summary>Completes every dispatched operation truthfully until the DC has nothing more to do.</summary>
    public void Settle()
    {
        for (var guard = 0; Pending.Count > 0; guard++)
        {
            Assert.True(guard < 1000, "the cluster never settled");
            Complete(Pending[0]);
        }
        Assert.Empty(PendingFencing);
        Assert.False(Dc.Busy, "the DC still has a transition running with nothing pending");
    }

    public static string Describe(ActionRequest r) =>
        $"{r.ResourceId} {(r.IsProbe ? "probe" : r.Operation)} {r.Node}";

    /// <summary>The recorded history of a node, as text (records hold arrays, which compare by reference).</summary>
    public static string Dump(NodeState? node) => node is null ? "(none)" :
        $"{node.Name} {node.InMembership} {node.Join} {node.Expected} [{string.Join(",", node.TransientAttributes)}] " +
        string.Join("; ", node.Resources.Select(r => $"{r.ResourceId}: {string.Join(", ", r.Operations)}"));

    public string? NodeOf(string resource) => Running.Where(r => r.Resource == resource).Select(r => r.Node).SingleOrDefault();

    public static Primitive Dummy(string id) => new(id, ResourceClass.Ocf, "heartbeat", "Dummy", Attributes.Empty, Attributes.Empty,
        [new Operation("monitor", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20))]);

    /// <summary>Three nodes and a group "grp" of "ip" then "web".</summary>
    public static ClusterConfig GroupConfig(bool stonith, params LocationConstraint[] locations) => ClusterConfig.Empty with
    {
        Nodes = [.. Names.Select((n, i) => new Node(n, (uint)i + 1, [], Attributes.Empty))],
        // The scheduler counts fencing devices among the primitives (class stonith), as Pacemaker does: without one it
        // starts nothing while fencing is enabled.
        Primitives = stonith
            ? [Dummy("ip"), Dummy("web"), new Primitive("fence", ResourceClass.Stonith, null, "fence_dummy", Attributes.Empty, Attributes.Empty, [])]
            : [Dummy("ip"), Dummy("web")],
        Groups = [new Group("grp", ["ip", "web"], Attributes.Empty)],
        Locations = [.. locations],
        Properties = new ClusterProperties(Attributes.From(new Dictionary<string, string> { ["stonith-enabled"] = stonith ? "true" : "false" })),
    };

    public static LocationConstraint Prefer(string resource, string node, int score = 100) =>
        new($"prefer-{resource}-{node}", resource, node, new Score(score), []);
}
