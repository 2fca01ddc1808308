using HaApi.Engine.Model;

namespace HaApi.Engine.Cib;

/// <summary>
/// Everything a CIB holds that the scheduler needs: the configuration, the status section, whether the partition
/// had quorum, and the execution date recorded for replay (crm_simulate uses it as "now").
/// </summary>
public sealed record CibDocument(
    ClusterConfig Config,
    ClusterStatus Status,
    bool HaveQuorum,
    DateTimeOffset? ExecutionDate,
    string? DcNodeId);
