using System.Collections.Immutable;

namespace HaApi.Engine.Status;

/// <summary>
/// The cluster's status as one node sees it, in the terms of crm_mon / pcs status: nodes, quorum and DC, every
/// resource instance with its role, nodes and fail counts, failed actions, what is in flight and which fencing is
/// pending. Plain records with string roles and states, so it serialises to JSON as it is.
/// </summary>
/// <param name="Stack">The cluster-infrastructure property ("corosync" unless set otherwise).</param>
/// <param name="ConfigLastChange">When the configuration last changed, by whom (ConfigChangedBy) through which node
/// (ConfigChangedVia); null for a configuration never changed.</param>
/// <param name="Resources">Every primitive instance, in crm_mon's order (see <see cref="Scheduler.CurrentState"/>).</param>
/// <param name="Collections">The groups and clones holding them.</param>
/// <param name="FailedActions">Failed operations still recorded in the history of nodes whose history counts, in
/// the order crm_mon lists them.</param>
public sealed record StatusReport(
    string LocalNode,
    DateTimeOffset LastUpdated,
    string Stack,
    string? Dc,
    string? DcVersion,
    bool Quorate,
    string ConfigVersion,
    DateTimeOffset? ConfigLastChange,
    string? ConfigChangedBy,
    string? ConfigChangedVia,
    bool MaintenanceMode,
    ImmutableArray<NodeReport> Nodes,
    ImmutableArray<ResourceReport> Resources,
    ImmutableArray<CollectionReport> Collections,
    ImmutableArray<FailedAction> FailedActions,
    ImmutableArray<InFlightAction> ActionsInFlight,
    ImmutableArray<PendingFencing> PendingFencing)
{
    public static StatusReport Build(StatusInput input) => StatusReportBuilder.Build(input);

    /// <summary>crm_mon's "resource instances configured": every instance, orphans only while active.</summary>
    public int ConfiguredInstances => Resources.Count(r => !r.Orphaned || r.Active);

    public int DisabledInstances => Resources.Count(r => r.Disabled);

    public int BlockedInstances => Resources.Count(r => r.Blocked);

    /// <summary>crm_mon's "Failed Fencing Actions".</summary>
    public ImmutableArray<FailedFencing> FailedFencing { get; init; } = [];
}

/// <summary>A node. State is crm_mon's word for it: "online", "OFFLINE", "standby", "standby (on-fail)",
/// "standby (with active resources)", "OFFLINE (standby)", "maintenance", "OFFLINE (maintenance)", "pending",
/// "UNCLEAN (online)", "UNCLEAN (offline)" or "UNCLEAN (pending)".</summary>
public sealed record NodeReport(
    string Name,
    string Id,
    string State,
    bool Online,
    bool Unclean,
    bool Pending,
    bool Standby,
    bool StandbyOnFail,
    bool Maintenance,
    bool Shutdown,
    bool IsDc,
    bool IsLocal,
    string? FenceReason);

/// <summary>One primitive instance.</summary>
/// <param name="DisplayId">The id crm_mon shows (anonymous clone instances show the primitive's id).</param>
/// <param name="Agent">"ocf:heartbeat:IPaddr2".</param>
/// <param name="Role">"Started", "Stopped", "Promoted" or "Unpromoted"; Failed says whether it failed.</param>
/// <param name="PendingOperation">The operation in flight on it, if any ("start", "monitor"...).</param>
/// <param name="FailCounts">Per node with a non-zero fail count.</param>
public sealed record ResourceReport(
    string Id,
    string DisplayId,
    string? GroupId,
    string? CloneId,
    string Agent,
    string Role,
    ImmutableArray<string> Nodes,
    bool Managed,
    bool Blocked,
    bool Failed,
    bool Orphaned,
    bool Disabled,
    bool Maintenance,
    string? PendingOperation,
    string? PendingNode,
    ImmutableArray<FailCount> FailCounts,
    string? Description)
{
    public bool Active => Nodes.Length > 0;
    public bool MultiplyActive => Nodes.Length > 1;
}

/// <summary>A fail count (1,000,000 means INFINITY) and when the last failure counted happened.</summary>
public sealed record FailCount(string Node, int Count, DateTimeOffset? LastFailure);

/// <summary>A group or a clone. Kind is "group" or "clone".</summary>
/// <param name="CloneId">For a group instance inside a clone of a group: the clone.</param>
/// <param name="Child">A clone's configured child.</param>
/// <param name="StoppedOn">For a clone: the nodes it may run on where no instance is active.</param>
public sealed record CollectionReport(
    string Id,
    string Kind,
    string? CloneId,
    string? Child,
    bool Unique,
    bool Promotable,
    int CloneMax,
    bool Managed,
    bool Maintenance,
    bool Disabled,
    ImmutableArray<string> Children,
    ImmutableArray<string> StoppedOn);
