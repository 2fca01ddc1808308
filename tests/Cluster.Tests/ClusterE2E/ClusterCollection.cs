namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>Every end-to-end class shares one namespace cluster and runs one after the other: two 3-node clusters at
/// once would compete for this machine's two cores and blur the timings the tests check.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "namespace cluster";
}
