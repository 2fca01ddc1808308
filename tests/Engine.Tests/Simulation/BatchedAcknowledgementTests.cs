using HaApi.Engine.Cluster;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// A peer that syncs several commands at once acknowledges them with one CommandsApplied, but only in a view whose
/// every member announced it understands that message; with an older member it sends one CommandApplied per command.
/// </summary>
public class BatchedAcknowledgementTests
{
    [Fact]
    public async Task Commands_synced_together_are_acknowledged_with_one_message()
    {
        var cluster = await SimulatedReplicas.StartAsync(3);

        var writes = await SubmitThreeOnNode1AndDeliverThemToNode2(cluster);

        var batch = Assert.IsType<CommandsApplied>(Assert.Single(cluster.AcknowledgementsQueuedAt(1, sender: 2)));
        Assert.Equal(3, batch.CommandIds.Count);
        cluster.Drain();
        // Completed by the delivery of the acknowledgements; the writers' continuations run on the thread pool.
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_view_with_a_member_that_does_not_know_the_batch_message_gets_one_acknowledgement_per_command()
    {
        var cluster = await SimulatedReplicas.StartAsync(3, olderNode: 3);

        var writes = await SubmitThreeOnNode1AndDeliverThemToNode2(cluster);

        var fromNode2 = cluster.AcknowledgementsQueuedAt(1, sender: 2);
        Assert.Equal(3, fromNode2.Count);
        Assert.All(fromNode2, m => Assert.IsType<CommandApplied>(m));
        cluster.Drain();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Three writes on node1, then node2 handles all three in one run.</summary>
    private static async Task<List<Task<HaApi.Engine.Model.ChangeRecord>>> SubmitThreeOnNode1AndDeliverThemToNode2(SimulatedReplicas cluster)
    {
        var writes = Enumerable.Range(1, 3).Select(i => cluster.Submit(1, $"r{i}")).ToList();
        await cluster.HandleQueuedAsync(2);
        return writes;
    }
}
