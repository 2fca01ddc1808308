using System.Collections.Immutable;

namespace HaApi.Engine.Events;

/// <summary>
/// A point-in-time view of the whole cluster as this node's engine sees it: what monitoring reads (the
/// ha_cluster_exporter-compatible metrics, status endpoints). Every node can build one; the values mirror what
/// crm_mon, corosync-quorumtool and corosync-cfgtool would report, without running them.
/// </summary>
public sealed record ClusterSnapshot(
    string LocalNode,
    ImmutableArray<NodeState> Nodes,
    ImmutableArray<ResourceState> Resources,
    ImmutableArray<ResourceHistory> History,
    ImmutableArray<LocationConstraintState> LocationConstraints,
    ImmutableArray<NodeAttributeState> NodeAttributes,
    bool StonithEnabled,
    bool MaintenanceMode,
    string ConfigVersion,
    DateTimeOffset ConfigLastChange,
    QuorumState Quorum,
    ImmutableArray<RingState> Rings)
{
    /// <summary>SBD devices, for clusters that fence with SBD; empty otherwise.</summary>
    public ImmutableArray<SbdDeviceState> SbdDevices { get; init; } = [];
}

/// <summary>crm_mon's node types.</summary>
public enum ClusterNodeType
{
    Member,
    Remote,
    Ping,
}

/// <summary>A node and the crm_mon status flags of it.</summary>
public sealed record NodeState(
    string Name,
    uint Id,
    ClusterNodeType Type,
    bool Online,
    bool Standby = false,
    bool StandbyOnFail = false,
    bool Maintenance = false,
    bool Pending = false,
    bool Unclean = false,
    bool Shutdown = false,
    bool ExpectedUp = true,
    bool IsDc = false);

/// <summary>
/// One primitive instance (a clone instance per node it runs on; a stopped instance has Node null).
/// Role uses crm_mon's words: Started, Stopped, Promoted, Unpromoted, or a transitional Starting/Stopping/...
/// Agent is crm_mon's form: "ocf::heartbeat:IPaddr2", "stonith:fence_aws", "systemd:nginx".
/// </summary>
public sealed record ResourceState(
    string Id,
    string Agent,
    string Role,
    string? Node,
    bool Managed = true,
    bool Active = false,
    bool Orphaned = false,
    bool Blocked = false,
    bool Failed = false,
    bool FailureIgnored = false,
    string? GroupId = null,
    string? CloneId = null);

/// <summary>crm_mon's per node and resource history: the fail count (≥ 1,000,000 means INFINITY) and migration-threshold.</summary>
public sealed record ResourceHistory(string Node, string Resource, int FailCount, int MigrationThreshold);

/// <summary>A location constraint; Node is null for rule-based ones. Score ±1,000,000 means ±INFINITY.</summary>
public sealed record LocationConstraintState(string Id, string Resource, string? Node, int Score, string? Role = null);

public sealed record NodeAttributeState(string Node, string Name, string Value);

/// <summary>votequorum's view (corosync-quorumtool -p).</summary>
public sealed record QuorumState(
    bool Quorate,
    int ExpectedVotes,
    int HighestExpected,
    int TotalVotes,
    int Quorum,
    ImmutableArray<QuorumMember> Members);

/// <summary>A member's contribution to the quorum; a quorum device appears as Name "Qdevice" with NodeId 0.</summary>
public sealed record QuorumMember(uint NodeId, string Name, int Votes, bool Local);

/// <summary>A Corosync ring/knet link as corosync-cfgtool -s shows it from the local node.</summary>
public sealed record RingState(string RingId, uint NodeId, int Number, string Address, bool Healthy);

public sealed record SbdDeviceState(string Device, bool Healthy, int WatchdogTimeoutSeconds, int MsgwaitTimeoutSeconds);
