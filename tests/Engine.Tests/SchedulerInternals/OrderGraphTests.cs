using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.SchedulerInternals;

public sealed class OrderGraphTests
{
    private static ActionNode[] Actions(int count) =>
        [.. Enumerable.Range(1, count).Select(id => new ActionNode(id, null, $"a{id}", null))];

    private static List<(int First, int Then)> Pairs(OrderGraph.Edges edges)
    {
        var pairs = new List<(int, int)>();
        foreach (var e in edges) pairs.Add((e.First.Id, e.Then.Id));
        return pairs;
    }

    [Fact]
    public void Each_action_has_the_orderings_into_and_out_of_it_in_the_order_they_were_added()
    {
        var a = Actions(4);
        List<OrderEdge> orderings =
        [
            new(a[2], a[0], OrderFlags.None),
            new(a[1], a[0], OrderFlags.ImpliesThen),
            new(a[0], a[3], OrderFlags.None),
            new(a[1], a[3], OrderFlags.RunnableLeft),
            new(a[3], a[0], OrderFlags.None),
        ];

        var graph = new OrderGraph(orderings, a.Length);

        Assert.Equal([(3, 1), (2, 1), (4, 1)], Pairs(graph.Into(a[0])));
        Assert.Equal([(1, 4), (2, 4)], Pairs(graph.Into(a[3])));
        Assert.Equal([(2, 1), (2, 4)], Pairs(graph.OutOf(a[1])));
        Assert.Equal(OrderFlags.RunnableLeft, graph.OutOf(a[1])[1].Flags);
        Assert.Empty(Pairs(graph.Into(a[1])));
        Assert.Empty(Pairs(graph.Into(a[2])));
        Assert.Equal([(3, 1)], Pairs(graph.OutOf(a[2])));
    }

    [Fact]
    public void A_resource_enumerates_its_actions_oldest_first()
    {
        var group = new GroupNode("g", null);
        Assert.Empty(group.Actions);

        var a = Actions(3);
        foreach (var action in a) group.AddAction(action);

        Assert.Equal(["a1", "a2", "a3"], group.Actions.Select(x => x.Task));
    }
}
