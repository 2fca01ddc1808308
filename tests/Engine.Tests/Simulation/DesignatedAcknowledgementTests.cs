using HaApi.Engine.Cluster;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// A proposer needs the acknowledgements of a majority less itself; only the members after it in node-id order
/// (wrapping round) send them. If one of them does not answer within the grace period, the proposer asks every member,
/// and those that applied the command answer.
/// </summary>
public class DesignatedAcknowledgementTests
{
    [Theory]
    [InlineData(3, 1u, new uint[] { 2 })]
    [InlineData(3, 3u, new uint[] { 1 })]
    [InlineData(5, 2u, new uint[] { 3, 4 })]
    [InlineData(5, 5u, new uint[] { 1, 2 })]
    public async Task Only_the_members_after_the_proposer_acknowledge(int size, uint proposer, uint[] acknowledgers)
    {
        var cluster = await SimulatedReplicas.StartAsync(size);

        var write = cluster.Submit(proposer, "web");
        cluster.DrainAllBut(proposer);

        Assert.Equal(acknowledgers, cluster.AcknowledgersQueuedAt(proposer));
        cluster.Drain();
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(cluster.Replica(proposer).Config.Primitives, p => p.Id == "web");
    }

    [Fact]
    public async Task Every_member_acknowledges_in_a_view_with_a_member_of_the_previous_release()
    {
        var cluster = await SimulatedReplicas.StartAsync(3, olderNode: 3);

        var write = cluster.Submit(1, "web");
        cluster.DrainAllBut(1);

        Assert.Equal([2u, 3u], cluster.AcknowledgersQueuedAt(1));
        cluster.Drain();
        await write.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task When_the_designated_member_is_stalled_the_others_acknowledge_once_asked()
    {
        // node1's grace period runs out at once; its writes would otherwise wait for the stalled node2.
        var cluster = await SimulatedReplicas.StartAsync(3, timeOf: n => n == 1 ? new ImpatientTime(ConfigurationReplica.AcknowledgementGrace) : new ManualTime());
        cluster.Stalled.Add(2);

        var write = cluster.Submit(1, "web");
        cluster.DrainAllBut(1);

        Assert.Equal([3u], cluster.AcknowledgersQueuedAt(1));
        cluster.Drain();
        await write.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Timers up to the given due time fire as they are created; later ones never.</summary>
    private sealed class ImpatientTime(TimeSpan upTo) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTime().CreateTimer(callback, state, dueTime, period);
            if (dueTime <= upTo) callback(state);
            return timer;
        }
    }
}
