using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.SchedulerInternals;

public sealed class NodeScoreTableTests
{
    private static readonly NodeInfo[] Nodes =
        [.. Enumerable.Range(0, 3).Select(i => new NodeInfo(new Node($"n{i}", (uint)i + 1, [], ImmutableSortedDictionary<string, string>.Empty), i))];

    [Fact]
    public void A_copy_and_its_original_change_independently_in_either_direction()
    {
        var original = new NodeScoreTable();
        original[Nodes[0]] = 10;
        var copy = new NodeScoreTable(original);
        var copyOfCopy = new NodeScoreTable(copy);

        copy[Nodes[0]] = 20;
        copy.TryAdd(Nodes[1], 5);
        original[Nodes[2]] = -1;

        Assert.Equal([(Nodes[0], 10), (Nodes[2], -1)], original.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal([(Nodes[0], 20), (Nodes[1], 5)], copy.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal([(Nodes[0], 10)], copyOfCopy.Select(kv => (kv.Key, kv.Value)));
    }
}
