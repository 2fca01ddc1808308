using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Where every resource runs right now and what condition every node is in, exactly as the scheduler sees it before
/// it plans anything: the result of its unpack phases (nodes, resource tree, operation history), made public and
/// immutable. crm_mon and crm_simulate's "Current cluster status" print this view; status pages and metrics read it
/// here so that they can never disagree with the scheduler about where a resource is.
/// </summary>
/// <param name="Nodes">Configured nodes, in configuration order.</param>
/// <param name="Resources">Every primitive instance (clone instances and group members included) in the order
/// crm_mon lists them: top-level resources in configuration order, members and instances in order, then
/// resources found only in the history (orphans).</param>
/// <param name="Collections">Groups (clone instances of a group too) and clones, for showing the tree.</param>
/// <param name="SymmetricCluster">Whether any node may run a resource unless told otherwise.</param>
public sealed record CurrentState(
    ImmutableArray<NodeCondition> Nodes,
    ImmutableArray<ResourceInstance> Resources,
    ImmutableArray<ResourceCollection> Collections,
    bool SymmetricCluster)
{
    /// <summary>
    /// Until when (exclusive) unpacking the same configuration and status gives this same state as time passes: the
    /// earliest failure-timeout expiry it depends on; null when it does not depend on the time at all.
    /// </summary>
    public DateTimeOffset? StableUntil { get; init; }

    /// <summary>
    /// Unpacks the input as <see cref="Scheduler.Schedule"/> does, without planning. Unlike Schedule it accepts
    /// every configuration (promotable clones included): showing where things run needs no placement logic.
    /// </summary>
    public static CurrentState Unpack(SchedulerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ws = new WorkingSet(input);
        UnpackNodesPhase.Run(ws);
        // Which histories are read is decided from the node states before the history can change them
        // (a failure with on-fail=fence makes an online node unclean).
        var historyRead = ws.Nodes.Where(n => n.Online || (n.Unclean && ws.StonithEnabled)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var standbyByAttribute = ws.Nodes.Where(n => n.Standby).ToHashSet();
        UnpackResourcesPhase.Run(ws);
        UnpackHistoryPhase.Run(ws);

        var resources = ImmutableArray.CreateBuilder<ResourceInstance>();
        var collections = ImmutableArray.CreateBuilder<ResourceCollection>();
        // Pacemaker lists configured resources by priority (a stable sort, so configuration order breaks ties), then
        // the orphans in the order the history revealed them.
        var configured = ws.Resources.Where(r => r is not PrimitiveNode { Orphan: true }).OrderByDescending(r => r.Priority);
        var orphans = ws.Resources.Where(r => r is PrimitiveNode { Orphan: true });
        foreach (var top in configured.Concat(orphans)) Collect(ws, top, resources, collections);

        var active = resources.SelectMany(r => r.Nodes).ToHashSet(StringComparer.Ordinal);
        var nodes = ws.Nodes.Select(n => new NodeCondition(
            n.Name,
            n.State?.Id ?? n.Config.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A member that must be fenced is still online as far as anyone can tell.
            n.Online || (n.Unclean && n.State is { InMembership: true, InMembershipKnown: true }),
            n.Unclean,
            n.Pending,
            // A node with no recorded state has no standby or maintenance state yet (Pacemaker reads both only with
            // the node's state entry).
            n.Standby && n.State is not null,
            // The history turned standby on (a failure with on-fail=standby): the attribute or a pending join did not.
            StandbyOnFail: n.Standby && !standbyByAttribute.Contains(n),
            n.Maintenance && n.State is not null,
            n.Shutdown,
            n.FenceReason,
            RunsResources: active.Contains(n.Name),
            HistoryRead: historyRead.Contains(n.Name))).ToImmutableArray();
        return new CurrentState(nodes, resources.ToImmutable(), collections.ToImmutable(), ws.SymmetricCluster)
        {
            StableUntil = ws.StableUntil,
        };
    }

    public NodeCondition? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    public ResourceInstance? FindResource(string id) => Resources.FirstOrDefault(r => r.Id == id);

    private static void Collect(WorkingSet ws, ResourceNode rsc, ImmutableArray<ResourceInstance>.Builder resources,
        ImmutableArray<ResourceCollection>.Builder collections)
    {
        switch (rsc)
        {
            case PrimitiveNode p:
                resources.Add(Instance(ws, p));
                break;
            case GroupNode g:
                collections.Add(new ResourceCollection(g.Id, ResourceCollectionKind.Group, g.Parent?.Id, null, g.Unique,
                    Promotable: false, CloneMax: 0, g.Managed, IsMaintenance(ws, g), IsDisabled(g), [.. g.Members.Select(m => m.Id)]));
                foreach (var m in g.Members) Collect(ws, m, resources, collections);
                break;
            case CloneNode c:
                collections.Add(new ResourceCollection(c.Id, ResourceCollectionKind.Clone, null, ws.FindClone(c.Id)?.Child, c.Unique,
                    c.Promotable, c.CloneMax, c.Managed, IsMaintenance(ws, c), IsDisabled(c), [.. c.Instances.Select(i => i.Id)]));
                foreach (var i in c.Instances) Collect(ws, i, resources, collections);
                break;
        }
    }

    private static ResourceInstance Instance(WorkingSet ws, PrimitiveNode p)
    {
        var clone = p.Top as CloneNode;
        var role = p.IsActive ? p.Role : Role.Stopped;
        if (p.IsActive && role < Role.Started) role = Role.Started;
        // crm_mon shows an instance of a promotable clone that is merely started as unpromoted.
        if (role == Role.Started && clone is { Promotable: true }) role = Role.Unpromoted;
        var d = p.Definition;
        return new ResourceInstance(
            p.Id,
            clone is null || clone.Unique ? p.Id : p.HistoryId,
            p.HistoryId,
            p.Parent as GroupNode is { } g ? g.Id : null,
            clone?.Id,
            d.AgentSpec,
            d.Provider is null ? d.AgentSpec : $"{d.Class.ToWire()}::{d.Provider}:{d.Type}",
            [.. p.RunningOn.Select(n => n.Name)],
            role,
            p.Managed,
            p.Blocked,
            // A blocked resource is stuck on a failure nobody will recover from: crm_mon shows it failed.
            p.Failed || (p.Blocked && p.IsActive),
            p.Orphan,
            IsDisabled(p),
            IsMaintenance(ws, p),
            [.. p.ProbedOn.In(ws.Nodes).Select(n => n.Name)],
            d.Description);
    }

    private static bool IsDisabled(ResourceNode rsc) =>
        rsc.Meta.TryGetValue(MetaNames.TargetRole, out var tr) && RoleNames.TryParse(tr, out var r) && r == Role.Stopped;

    /// <summary>Pacemaker's resource maintenance flag: the cluster is in maintenance mode or the resource is (a node in
    /// maintenance only makes its resources unmanaged).</summary>
    private static bool IsMaintenance(WorkingSet ws, ResourceNode rsc) =>
        ws.MaintenanceMode || Attributes.IsTrue(rsc.Meta.GetValueOrDefault(MetaNames.Maintenance));
}

/// <summary>A node's condition as the scheduler works it out (crm_mon's node states).</summary>
/// <param name="Online">In the membership with its controller joined; an unclean node still in the membership
/// is online too (though it may not run resources).</param>
/// <param name="Unclean">Its state is unknown and it must be fenced before its resources can be recovered.</param>
/// <param name="Pending">Joining, or leaving, the cluster.</param>
/// <param name="Standby">May not run resources: the standby attribute, a pending join or a failure with
/// on-fail=standby.</param>
/// <param name="StandbyOnFail">Standby because a resource failed there with on-fail=standby.</param>
/// <param name="Shutdown">Asked to shut down.</param>
/// <param name="FenceReason">Why it must be fenced, when it must.</param>
/// <param name="RunsResources">At least one resource instance is active there.</param>
/// <param name="HistoryRead">Its resource history was read (online nodes, and unclean ones when fencing is
/// enabled); the history of any other node says nothing about the present.</param>
public sealed record NodeCondition(
    string Name,
    string Id,
    bool Online,
    bool Unclean,
    bool Pending,
    bool Standby,
    bool StandbyOnFail,
    bool Maintenance,
    bool Shutdown,
    string? FenceReason,
    bool RunsResources,
    bool HistoryRead);

/// <summary>One primitive instance: a primitive, a group member, or one instance of a clone.</summary>
/// <param name="Id">The scheduler's id: clone instances are numbered ("ping:1").</param>
/// <param name="DisplayId">The id crm_mon prints: the primitive's own id for instances of anonymous clones.</param>
/// <param name="HistoryId">The id its history and fail counts are recorded under.</param>
/// <param name="GroupId">The group holding it (for a clone of a group, the numbered group instance).</param>
/// <param name="CloneId">The clone it is an instance of.</param>
/// <param name="Agent">Pacemaker notation: "ocf:heartbeat:IPaddr2".</param>
/// <param name="CrmMonAgent">crm_mon's XML notation: "ocf::heartbeat:IPaddr2" ("systemd:nginx" without provider).</param>
/// <param name="Nodes">Where it is active; more than one means it is multiply active.</param>
/// <param name="Role">Its current role: Stopped when active nowhere.</param>
/// <param name="Managed">The cluster may act on it (not is-managed=false, not in maintenance, not blocked).</param>
/// <param name="Blocked">A failure (on-fail=block, or a failed stop without fencing) stopped all action on it.</param>
/// <param name="Failed">A failure is waiting for recovery.</param>
/// <param name="Orphaned">Found in the history but no longer configured.</param>
/// <param name="Disabled">target-role=Stopped.</param>
/// <param name="KnownOn">Nodes whose history records it, active or not.</param>
public sealed record ResourceInstance(
    string Id,
    string DisplayId,
    string HistoryId,
    string? GroupId,
    string? CloneId,
    string Agent,
    string CrmMonAgent,
    ImmutableArray<string> Nodes,
    Role Role,
    bool Managed,
    bool Blocked,
    bool Failed,
    bool Orphaned,
    bool Disabled,
    bool Maintenance,
    ImmutableArray<string> KnownOn,
    string? Description)
{
    public bool Active => Nodes.Length > 0;
    public bool MultiplyActive => Nodes.Length > 1;
}

public enum ResourceCollectionKind { Group, Clone }

/// <summary>A group or a clone. For a clone of a group, each numbered group instance is a group whose Clone is set.</summary>
/// <param name="CloneId">The clone a group instance belongs to.</param>
/// <param name="Child">A clone's configured child (primitive or group) id.</param>
/// <param name="Unique">globally-unique clone (instances are distinct), or a member of one.</param>
/// <param name="Children">Member or instance ids, in order.</param>
public sealed record ResourceCollection(
    string Id,
    ResourceCollectionKind Kind,
    string? CloneId,
    string? Child,
    bool Unique,
    bool Promotable,
    int CloneMax,
    bool Managed,
    bool Maintenance,
    bool Disabled,
    ImmutableArray<string> Children);
