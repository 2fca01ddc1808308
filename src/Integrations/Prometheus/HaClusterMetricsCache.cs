using HaApi.Engine.Events;

namespace HaApi.Integrations.Prometheus;

/// <summary>
/// The ha_cluster_* families last rendered, kept for as long as scrapes bring the same snapshot instance (snapshot
/// sources such as ClusterSnapshotCache hand out one instance until something in it changes). A large cluster's
/// families are close to a megabyte of text: rendering them on every scrape was most of the scrape's cost.
/// Safe for concurrent scrapes: at worst two render the same snapshot.
/// </summary>
public sealed class HaClusterMetricsCache
{
    internal sealed record Collectors(ClusterSnapshot Snapshot, RenderedFamilies Pacemaker, RenderedFamilies Corosync, RenderedFamilies? Sbd);

    private volatile Collectors? _last;

    internal Collectors? Find(ClusterSnapshot snapshot) => _last is { } last && ReferenceEquals(last.Snapshot, snapshot) ? last : null;

    internal void Keep(Collectors collectors) => _last = collectors;
}
