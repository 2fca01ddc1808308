using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>
/// The cluster status as the CIB records it: one entry per node that has reported, each with membership flags,
/// transient attributes and the raw resource operation history. Nothing here is derived: the scheduler works out
/// each resource's current role from the history, as Pacemaker's unpack does, so a saved status replays exactly.
/// </summary>
public sealed record ClusterStatus(ImmutableArray<NodeState> Nodes)
{
    public static readonly ClusterStatus Empty = new(ImmutableArray<NodeState>.Empty);

    public NodeState? Find(string nodeName) => Nodes.FirstOrDefault(n => n.Name == nodeName);
}

/// <summary>
/// A node_state entry. <see cref="InMembership"/> is corosync membership (in_ccm), <see cref="ControllerOnline"/>
/// is the controller's process group (crmd="online"); InMembershipKnown is false when in_ccm was never recorded
/// (the node has not been seen by the cluster); Join and Expected are the controller's join state
/// ("member", "down", "pending", "banned") and the state the DC expects the node to be in.
/// </summary>
public sealed record NodeState(
    string Id,
    string Name,
    bool InMembership,
    bool ControllerOnline,
    string? Join,
    string? Expected,
    ImmutableSortedDictionary<string, string> TransientAttributes,
    ImmutableArray<ResourceHistory> Resources,
    bool InMembershipKnown = true)
{
    public ResourceHistory? FindResource(string resourceId) => Resources.FirstOrDefault(r => r.ResourceId == resourceId);
}

/// <summary>The operation history of one resource on one node (an lrm_resource entry).</summary>
public sealed record ResourceHistory(
    string ResourceId,
    string? Class,
    string? Provider,
    string? Type,
    ImmutableArray<OperationRecord> Operations);

/// <summary>
/// One recorded operation result (lrm_rsc_op). RcCode is the agent's exit code (OCF: 0 ok, 7 not running,
/// 8 running promoted...); OpStatus is the executor's status (0 done, -1 pending, 1 cancelled, 2 timed out,
/// 3 not supported, 4 error, ...). ExpectedRc is the result the DC asked for (from the transition key), which is
/// how a probe returning 7 is told apart from a monitor that found the resource gone. Digest is the MD5 of the
/// parameters the operation ran with; RestartDigest covers only ForceRestartParameters (the parameters the agent
/// cannot reload), so a change elsewhere can be applied by a reload.
/// </summary>
public sealed record OperationRecord(
    string Id,
    string Operation,
    TimeSpan Interval,
    int CallId,
    int RcCode,
    int OpStatus,
    int? ExpectedRc = null,
    DateTimeOffset? LastRcChange = null,
    long? ExecTimeMs = null,
    string? Digest = null,
    string? MigrateSource = null,
    string? MigrateTarget = null,
    string? RestartDigest = null,
    string? ForceRestartParameters = null)
{
    /// <summary>The agent's one-line explanation of a failure (OCF exit-reason), shown with failed actions.</summary>
    public string? ExitReason { get; init; }

    public const int StatusPending = -1;
    public const int StatusDone = 0;
    public const int StatusCancelled = 1;

    public bool IsProbe => Operation == "monitor" && Interval == TimeSpan.Zero;
    public bool IsRecurring => Interval > TimeSpan.Zero;
}
