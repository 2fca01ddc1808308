using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>Pacemaker's score arithmetic on plain ints: ±INFINITY saturate and -INFINITY wins.</summary>
internal static class Scores
{
    public const int Inf = Score.InfinityValue;

    public static int Add(int a, int b)
    {
        if (a <= -Inf || b <= -Inf) return -Inf;
        if (a >= Inf || b >= Inf) return Inf;
        var sum = (long)a + b;
        return sum >= Inf ? Inf : sum <= -Inf ? -Inf : (int)sum;
    }

    public static string Format(int v) => v >= Inf ? "INFINITY" : v <= -Inf ? "-INFINITY" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A node as the scheduler sees it after unpacking its state.</summary>
internal sealed class NodeInfo(Node config, int index)
{
    public Node Config { get; } = config;
    public string Name => Config.Name;
    public int Index { get; } = index;
    public NodeState? State { get; set; }
    public bool Online { get; set; }
    public bool Unclean { get; set; }
    public bool Pending { get; set; }
    public bool Standby { get; set; }
    public bool Maintenance { get; set; }
    public bool Shutdown { get; set; }
    public string? FenceReason { get; set; }
    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);
    /// <summary>Resources assigned so far: Pacemaker balances by it when scores tie.</summary>
    public int AssignedCount { get; set; }

    public bool CanRunResources => Online && !Shutdown && !Unclean && !Standby && !Maintenance;

    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;

    // A node records a history for every resource ever probed there, so a linear search per resource would make
    // looking up every resource's history quadratic; indexed on first use (first entry wins, as a search would).
    private Dictionary<string, ResourceHistory>? historyIndex;

    /// <summary>The node's recorded history of a resource (by its history id), if any.</summary>
    public ResourceHistory? History(string resourceId)
    {
        if (State is null) return null;
        if (historyIndex is null)
        {
            historyIndex = new Dictionary<string, ResourceHistory>(State.Resources.Length, StringComparer.Ordinal);
            foreach (var h in State.Resources) historyIndex.TryAdd(h.ResourceId, h);
        }
        return historyIndex.GetValueOrDefault(resourceId);
    }

    // Fail counts are transient attributes named after the resource; scanning them for every resource and node
    // costs resources x nodes x attributes, so they are grouped by resource once per node (see FailCounts).
    private FailCounts? failCounts;

    /// <summary>Whether the node holds a fail count of any resource.</summary>
    public bool HasFailCounts => (failCounts ??= new FailCounts(State)).Any;

    /// <summary>The node's fail count of a resource (by its history id): all its fail-count attributes added.</summary>
    public Score FailCount(string resourceId) => (failCounts ??= new FailCounts(State)).Count(resourceId);

    /// <summary>The latest of the resource's last-failure attributes on this node.</summary>
    public DateTimeOffset? LastFailure(string resourceId) => (failCounts ??= new FailCounts(State)).Last(resourceId);

    public override string ToString() => Name;
}

internal enum ResourceVariant { Primitive, Group, Clone }

/// <summary>A colocation as the scheduler applies it: Dependent is placed relative to Primary.</summary>
internal sealed record Colocation(string Id, ResourceNode Dependent, ResourceNode Primary, int Score, Role? DependentRole, Role? PrimaryRole);

/// <summary>
/// A resource in the scheduler's tree (primitive, group or clone, with clone instances as children). Mutable
/// working state for one scheduling run only; never escapes the scheduler.
/// </summary>
internal abstract class ResourceNode(string id, ResourceNode? parent)
{
    public string Id { get; } = id;
    public ResourceNode? Parent { get; } = parent;
    public abstract ResourceVariant Variant { get; }
    /// <summary>Effective meta attributes. Read-only: a resource that adds nothing to its parent's (or to
    /// rsc_defaults) shares that dictionary, so ten thousand group members do not each copy the same few entries.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; set; } = EmptyMeta;

    private static readonly Dictionary<string, string> EmptyMeta = new(StringComparer.Ordinal);
    /// <summary>Node scores (Pacemaker's allowed_nodes); a node absent from the table may not run the resource.</summary>
    public NodeScoreTable Allowed { get; set; } = new();
    public bool Provisional { get; set; } = true;
    public bool Assigning { get; set; }
    /// <summary>Set while colocation scores are merged through this resource: a colocation cycle ends there.</summary>
    public bool Merging { get; set; }
    public int Priority { get; set; }
    public int Stickiness { get; set; }
    public bool Managed { get; set; } = true;
    public bool Unique { get; set; } = true;
    public int MigrationThreshold { get; set; } = Scores.Inf;
    public Role Role { get; set; } = Role.Stopped;
    public Role NextRole { get; set; } = Role.Unknown;
    public Role? TargetRole { get; set; }
    // Most resources have no bans and no colocations: these lists are created on the first entry (a run's
    // resources are its working set, which every garbage collection during the run copies and scans).
    private List<NodeInfo>? bans;
    private List<Colocation>? thisWith;
    private List<Colocation>? withThis;

    /// <summary>Nodes the history says this resource must never use again (failed stop, agent not installed).</summary>
    public IReadOnlyList<NodeInfo> Bans => bans ?? Empty<NodeInfo>.List;
    public IReadOnlyList<Colocation> ThisWith => thisWith ?? Empty<Colocation>.List;
    public IReadOnlyList<Colocation> WithThis => withThis ?? Empty<Colocation>.List;

    // Room for one entry at first: a group member has one colocation each way (with the member before and after it).
    public void AddBan(NodeInfo node) => (bans ??= new(1)).Add(node);
    public void InsertThisWith(int index, Colocation c) => (thisWith ??= new(1)).Insert(index, c);
    public void InsertWithThis(int index, Colocation c) => (withThis ??= new(1)).Insert(index, c);
    /// <summary>The resource's actions, oldest first. Chained through the actions themselves: a list per resource was
    /// two more objects per resource, alive for the whole run, for every garbage collection to copy.</summary>
    public ResourceActions Actions => new(firstAction);
    private ActionNode? firstAction;
    private ActionNode? lastAction;

    public void AddAction(ActionNode action)
    {
        if (lastAction is null) firstAction = action;
        else lastAction.NextOfResource = action;
        lastAction = action;
    }

    /// <summary>A promotable clone instance's promotion priority (its promotion score plus promoted-role
    /// constraints); only meaningful while roles are chosen.</summary>
    public int PromotionPriority { get; set; }
    /// <summary>A promotable clone instance's final rank for promotion (Pacemaker's sort_index).</summary>
    public int PromotionSortIndex { get; set; }

    public abstract IEnumerable<ResourceNode> Children { get; }

    /// <summary>The primitives under this resource (itself for a primitive), in order. A group's are its member
    /// list itself: asked for once per group in several phases, so nothing is built for it.</summary>
    public abstract IReadOnlyList<PrimitiveNode> Primitives();

    public ResourceNode Top => Parent?.Top ?? this;

    public abstract NodeInfo? CurrentNode { get; }
    public abstract bool IsActive { get; }

    public ActionNode? FindAction(string task, NodeInfo? node = null)
    {
        // A loop, not a LINQ query: looked up for every resource in several phases.
        foreach (var a in Actions)
            if (a.Task == task && (node is null || a.Node == node)) return a;
        return null;
    }

    public override string ToString() => Id;
}

internal sealed class PrimitiveNode(string id, ResourceNode? parent, Primitive definition) : ResourceNode(id, parent)
{
    public override ResourceVariant Variant => ResourceVariant.Primitive;
    public Primitive Definition { get; } = definition;
    /// <summary>The id used in the status section's history (anonymous clone instances share the base id).</summary>
    public string HistoryId { get; set; } = id;
    public List<NodeInfo> RunningOn { get; } = [];
    public bool Failed { get; set; }
    public bool Orphan { get; set; }
    public bool Blocked { get; set; }
    public NodeInfo? AssignedTo { get; set; }
    /// <summary>Nodes where the resource's state is known (for an anonymous clone, any instance's).</summary>
    public ref NodeSet ProbedOn => ref probedOn;
    /// <summary>Nodes with history for this very instance (ProbedOn is shared by all instances of an anonymous
    /// clone): promotion scores count only where the instance's state is known.</summary>
    public ref NodeSet KnownOn => ref knownOn;

    // Fields, reached by reference: a set per primitive and node kind as objects of their own were 20,000 objects
    // in a 10,000-primitive run that every garbage collection during it copies.
    private NodeSet probedOn;
    private NodeSet knownOn;
    /// <summary>The start (or migration) that made the resource active on each node (TryGetValue): its digest tells
    /// whether the definition changed since.</summary>
    public ref readonly ActiveRecords LastStart => ref active;

    public void SetLastStart(NodeInfo node, OperationRecord start) => active.SetStart(node, start);

    // Created on first use, like the sets below: most resources never need them, and each empty collection is an
    // object that every garbage collection during the run copies.
    private HashSet<NodeInfo>? agentChangedOn;
    private HashSet<NodeInfo>? failCountExpiredOn;
    private HashSet<(NodeInfo Node, TimeSpan Interval)>? rescheduledMonitors;

    // The history that showed the resource active on each node, kept as it is read: the actions phase looks the
    // history up for every active resource, and indexing every node's whole history for that cost a dictionary
    // entry per resource and node.
    private ActiveRecords active;

    /// <summary>Notes the history (under this resource's own history id) that shows it active on the node.</summary>
    public void NoteActiveHistory(NodeInfo node, ResourceHistory history)
    {
        if (history.ResourceId == HistoryId) active.NoteHistory(node, history);
    }

    /// <summary>The node's history of this resource (by its history id), as <see cref="NodeInfo.History"/> finds it:
    /// a node records one history per id, so the one noted while unpacking is that one.</summary>
    public ResourceHistory? HistoryOn(NodeInfo node) => active.History(node) ?? node.History(HistoryId);

    /// <summary>Parameters changed in a way the agent can reload without a restart.</summary>
    public bool Reload { get; set; }
    /// <summary>Nodes whose history was recorded for a different agent: their fail counts are cleared.</summary>
    public IReadOnlySet<NodeInfo> AgentChangedOn => agentChangedOn ?? Empty<NodeInfo>.Set;
    /// <summary>Nodes holding a fail count that failure-timeout has expired: it is cleared.</summary>
    public IReadOnlySet<NodeInfo> FailCountExpiredOn => failCountExpiredOn ?? Empty<NodeInfo>.Set;
    /// <summary>Recurring monitors whose failure expired: they are scheduled again where the resource stays.</summary>
    public IReadOnlySet<(NodeInfo Node, TimeSpan Interval)> RescheduledMonitors =>
        rescheduledMonitors ?? Empty<(NodeInfo, TimeSpan)>.Set;

    public void NoteAgentChanged(NodeInfo node) => (agentChangedOn ??= []).Add(node);
    public void NoteFailCountExpired(NodeInfo node) => (failCountExpiredOn ??= []).Add(node);
    public void RescheduleMonitor(NodeInfo node, TimeSpan interval) => (rescheduledMonitors ??= []).Add((node, interval));
    /// <summary>Set while the resource is planned to move by live migration (allow-migrate) from this node.</summary>
    public NodeInfo? MigrationSource { get; set; }

    /// <summary>FailureExpiry.Timeout, kept once worked out: it is asked for every history entry and fail count, and
    /// the meta attributes and operations it depends on do not change once the resource tree is built.</summary>
    public TimeSpan? FailureTimeout { get; set; }
    public override IEnumerable<ResourceNode> Children => [];

    private PrimitiveNode[]? self;

    public override IReadOnlyList<PrimitiveNode> Primitives() => self ??= [this];
    /// <summary>Where the resource runs; a node about to be fenced counts only if there is no other.</summary>
    public override NodeInfo? CurrentNode
    {
        get
        {
            foreach (var n in RunningOn)
                if (!n.Unclean) return n;
            return RunningOn.Count > 0 ? RunningOn[0] : null;
        }
    }
    public override bool IsActive => RunningOn.Count > 0;
}

internal sealed class GroupNode(string id, ResourceNode? parent) : ResourceNode(id, parent)
{
    public override ResourceVariant Variant => ResourceVariant.Group;
    public List<PrimitiveNode> Members { get; } = [];
    public override IEnumerable<ResourceNode> Children => Members;
    public override IReadOnlyList<PrimitiveNode> Primitives() => Members;
    public override NodeInfo? CurrentNode
    {
        get
        {
            foreach (var m in Members)
                if (m.CurrentNode is { } n) return n;
            return null;
        }
    }
    public override bool IsActive => Members.Any(m => m.IsActive);
    /// <summary>Set once the group is being placed: from then on Pacemaker counts "X with the group" as "X with
    /// the last member" (its expansion of group colocations), so the members' scores take X's wishes in.</summary>
    public bool ColocationsExpanded { get; set; }
}

internal sealed class CloneNode(string id, ResourceNode? parent) : ResourceNode(id, parent)
{
    public override ResourceVariant Variant => ResourceVariant.Clone;
    public List<ResourceNode> Instances { get; } = [];
    public int CloneMax { get; set; }
    public int CloneNodeMax { get; set; } = 1;
    public bool Promotable { get; set; }
    /// <summary>Orderings and colocations with another clone pair instances on the same node instead of waiting
    /// for the whole other clone.</summary>
    public bool Interleave { get; set; }
    public int PromotedMax { get; set; } = 1;
    public int PromotedNodeMax { get; set; } = 1;
    public override IEnumerable<ResourceNode> Children => Instances;

    public override IReadOnlyList<PrimitiveNode> Primitives()
    {
        var all = new List<PrimitiveNode>(Instances.Count);
        foreach (var instance in Instances) all.AddRange(instance.Primitives());
        return all;
    }
    public override NodeInfo? CurrentNode => Instances.Select(i => i.CurrentNode).FirstOrDefault(n => n is not null);
    public override bool IsActive => Instances.Any(i => i.IsActive);
}

/// <summary>An action being planned, with Pacemaker's flags: Optional (not needed unless something requires
/// it) and Runnable (it can be executed).</summary>
internal sealed class ActionNode(int id, ResourceNode? resource, string task, NodeInfo? node)
{
    public int Id { get; } = id;
    public ResourceNode? Resource { get; } = resource;
    public string Task { get; } = task;
    public NodeInfo? Node { get; } = node;
    public bool Optional { get; set; } = true;
    public bool Runnable { get; set; } = true;
    public bool Pseudo { get; set; }
    public TimeSpan Interval { get; set; }
    public string? Reason { get; set; }
    public string? FenceAction { get; set; }
    /// <summary>A clone's "running": runnable when any instance can run (not all of them).</summary>
    public bool RequiresAny { get; set; }
    /// <summary>The next action of the same resource (see ResourceNode.Actions).</summary>
    public ActionNode? NextOfResource { get; set; }

    public void SetReason(string reason, bool overwrite)
    {
        if (Reason is null || overwrite) Reason = reason;
    }

    public override string ToString() => $"{Resource?.Id ?? "-"}_{Task} {Node?.Name}{(Optional ? " (optional)" : "")}{(Runnable ? "" : " (unrunnable)")}";
}

/// <summary>A resource's actions, oldest first; enumerated without allocating (LINQ over it boxes, as over any struct).</summary>
internal readonly struct ResourceActions(ActionNode? first) : IEnumerable<ActionNode>
{
    public Enumerator GetEnumerator() => new(first);
    IEnumerator<ActionNode> IEnumerable<ActionNode>.GetEnumerator() => GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(ActionNode? first) : IEnumerator<ActionNode>
    {
        private ActionNode? next = first;
        public ActionNode Current { get; private set; } = null!;
        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (next is null) return false;
            Current = next;
            next = next.NextOfResource;
            return true;
        }

        public readonly void Reset() => throw new NotSupportedException();
        public readonly void Dispose() { }
    }
}

[Flags]
internal enum OrderFlags
{
    None = 0,
    /// <summary>If First is required, Then becomes required.</summary>
    ImpliesThen = 1,
    /// <summary>If Then is required, First becomes required.</summary>
    ImpliesFirst = 2,
    /// <summary>If First cannot run, Then cannot run.</summary>
    RunnableLeft = 4,
    /// <summary>Stop before start of one resource: a required or blocked start forces the stop.</summary>
    Restart = 8,
    /// <summary>A mandatory order that is not symmetrical: First cannot run blocks Then only if Then's resource is
    /// not active (an active resource is left alone).</summary>
    Asymmetric = 16,
    /// <summary>If First is required but cannot run, Then cannot run.</summary>
    BlockedLeft = 32,
}

/// <summary>
/// "First before Then". A value, not an object: a large cluster has several orderings per action, and all of them
/// live until the run ends, so as objects they were most of what every garbage collection during a run had to copy.
/// </summary>
internal readonly record struct OrderEdge(ActionNode First, ActionNode Then, OrderFlags Flags)
{
    /// <summary>An ordering on a group's own action also orders each member's action after First, applied member by
    /// member whenever this edge is (Pacemaker's group update of ordered actions). They are not edges of the graph:
    /// the group's own ordering chain already sequences the members.</summary>
    public IReadOnlyList<OrderEdge> MemberEdges { get; init; } = [];
}

/// <summary>All mutable state of one scheduling run.</summary>
internal sealed class WorkingSet(SchedulerInput input)
{
    public SchedulerInput Input { get; } = input;
    public ClusterConfig Config => Input.Config;

    /// <summary>
    /// The earliest "now" at which a time comparison made during this run (failure-timeout expiry) would come out
    /// differently; null while nothing compared against the clock. Lets readers reuse an unpacked state until then.
    /// </summary>
    public DateTimeOffset? StableUntil { get; private set; }

    /// <summary>A comparison against "now" changes its outcome at <paramref name="at"/>; instants already passed change nothing.</summary>
    public void NoteTimeBoundary(DateTimeOffset at)
    {
        if (at > Input.Now && (StableUntil is null || at < StableUntil)) StableUntil = at;
    }

    private ConfigIndex? configIndex;
    private ConfigIndex ConfigIndex => configIndex ??= ConfigIndex.Of(Config);

    public Primitive? FindPrimitive(string id) => ConfigIndex.FindPrimitive(id);

    public Group? FindGroup(string id) => ConfigIndex.FindGroup(id);

    public Clone? FindClone(string id) => ConfigIndex.FindClone(id);

    private Dictionary<string, string>? defaultMeta;

    /// <summary>rsc_defaults as the meta of a top-level resource with none of its own; one dictionary per run,
    /// shared by every such resource (and, through them, by their children).</summary>
    public IReadOnlyDictionary<string, string> DefaultMeta() =>
        defaultMeta ??= new Dictionary<string, string>(Config.ResourceDefaults, StringComparer.Ordinal);

    private Dictionary<object, string>? parameterDigests;

    /// <summary>The operation digest of a definition's parameters, worked out once per parameter set: clone instances
    /// share their definition's, and every resource without parameters shares the empty set.</summary>
    public string ParametersDigest(Primitive definition)
    {
        parameterDigests ??= new(ReferenceEqualityComparer.Instance);
        if (!parameterDigests.TryGetValue(definition.Parameters, out var digest))
            parameterDigests.Add(definition.Parameters, digest = OperationDigest.Compute(definition.Parameters));
        return digest;
    }

    public List<NodeInfo> Nodes { get; } = [];
    public List<ResourceNode> Resources { get; } = [];
    // Sized for the configured resources (clone instances and orphans may still add a few).
    public Dictionary<string, ResourceNode> ById { get; } = new(ConfigIndex.Of(input.Config).ResourceCount, StringComparer.Ordinal);

    /// <summary>Changes whenever <see cref="ById"/> does: a lookup remembered at one version still holds at it.</summary>
    public int ByIdVersion { get; private set; }

    /// <summary>Indexes a resource by its id (the last one registered under an id wins).</summary>
    public void Register(ResourceNode rsc)
    {
        ById[rsc.Id] = rsc;
        ByIdVersion++;
    }
    public List<ActionNode> Actions { get; } = [];
    public List<OrderEdge> Orderings { get; } = [];
    public bool StonithEnabled { get; set; }
    public bool SymmetricCluster { get; set; }
    public bool HaveStonithResource { get; set; }
    public bool StopEverything { get; set; }
    public bool MaintenanceMode { get; set; }
    public NoQuorumPolicy NoQuorumPolicy { get; set; }
    public List<ActionNode> FenceActions { get; } = [];

    public NodeInfo? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>Every primitive (group members and clone instances included), in resource order. Several phases walk
    /// them all; collected in one list, without an iterator per group and per primitive.</summary>
    public List<PrimitiveNode> AllPrimitives()
    {
        var all = new List<PrimitiveNode>(ById.Count);
        foreach (var r in Resources) CollectPrimitives(r, all);
        return all;
    }

    private static void CollectPrimitives(ResourceNode rsc, List<PrimitiveNode> into)
    {
        switch (rsc)
        {
            case PrimitiveNode p:
                into.Add(p);
                break;
            case GroupNode g:
                into.AddRange(g.Members);
                break;
            default:
                foreach (var child in rsc.Children) CollectPrimitives(child, into);
                break;
        }
    }

    public ActionNode NewAction(ResourceNode? rsc, string task, NodeInfo? node, bool optional)
    {
        var a = new ActionNode(Actions.Count + 1, rsc, task, node) { Optional = optional };
        Actions.Add(a);
        rsc?.AddAction(a);
        return a;
    }

    public void Order(ActionNode first, ActionNode then, OrderFlags flags) => Orderings.Add(new OrderEdge(first, then, flags));

    /// <summary>An ordering on a group's own action, with the members' actions it also updates (see OrderEdge.MemberEdges).</summary>
    public void Order(ActionNode first, ActionNode then, OrderFlags flags, IEnumerable<ActionNode> members) =>
        Orderings.Add(new OrderEdge(first, then, flags) { MemberEdges = members.Select(m => new OrderEdge(first, m, flags)).ToList() });
}
