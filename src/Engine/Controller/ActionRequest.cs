using System.Collections.Immutable;
using HaApi.Engine.Cluster;
using HaApi.Engine.Model;

namespace HaApi.Engine.Controller;

/// <summary>
/// One resource operation the DC asks Node to run. Resource is the definition the DC scheduled with (for a resource
/// no longer configured, one rebuilt from its recorded agent, so it can still be stopped). ExpectedRc is what counts
/// as success (7 for a probe). TransitionKey ("transition:action") comes back with the result. A cluster message, so
/// the DC can multicast it; only Node acts on it.
/// </summary>
public sealed record ActionRequest(
    string TransitionKey,
    string Node,
    string ResourceId,
    Primitive Resource,
    string Operation,
    TimeSpan Interval,
    TimeSpan Timeout,
    int ExpectedRc) : ClusterMessage
{
    /// <summary>Operation meta attributes beyond the definition's, e.g. migrate_source/migrate_target for a live
    /// migration (the agent sees them as OCF_RESKEY_CRM_meta_*).</summary>
    public ImmutableSortedDictionary<string, string>? ExtraMeta { get; init; }

    public bool IsProbe => Operation == "monitor" && Interval == TimeSpan.Zero;
}
