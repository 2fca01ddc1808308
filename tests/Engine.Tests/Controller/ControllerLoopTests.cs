using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Ports;
using HaApi.Engine.Tests.Fencing;

namespace HaApi.Engine.Tests.Controller;

public sealed class ControllerLoopTests
{
    private sealed class Recorder : IActionDispatcher, IFencing, IStatusPublisher
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<ActionRequest> Dispatched = new();
        public void Dispatch(ActionRequest request) => Dispatched.Enqueue(request);
        public void Fence(FencingOrder order) { }
        public void Publish(ClusterMessage record) { }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Posted_inputs_drive_the_engine_and_the_recheck_timer_fires_on_the_loop()
    {
        var time = new ManualTimeProvider();
        var recorder = new Recorder();
        var engine = new TransitionEngine("node1", recorder, recorder, recorder, time);
        await using var loop = new ControllerLoop(engine, time, capacity: 4);
        loop.Start();

        await loop.PostAsync(e => e.MembershipChanged([new GroupMember(1, 1, "node1")], "node1", true), CancellationToken.None);
        await loop.PostAsync(e => e.ConfigurationChanged(ControllerCluster.GroupConfig(stonith: false) with
        {
            Nodes = [new HaApi.Engine.Model.Node("node1", 1, [], HaApi.Engine.Model.Attributes.Empty)],
        }), CancellationToken.None);
        await Eventually(() => recorder.Dispatched.Count == 2, "the two probes");
        Assert.All(recorder.Dispatched, r => Assert.True(r.IsProbe));

        // The loop sleeps until the engine's wake-up time (the probes' deadline: 20s timeout + 60s cluster-delay) on the
        // TimeProvider. The first expiry records the timeouts; the second, with nothing delivered back here, fails the
        // probes, and the scheduler runs again and probes anew.
        await Eventually(() => time.PendingTimers > 0, "the loop to wait for the deadline");
        time.Advance(TimeSpan.FromSeconds(80));
        await Task.Delay(50);
        await Eventually(() => time.PendingTimers > 0, "the loop to wait for the extended deadline");
        Assert.Equal(2, recorder.Dispatched.Count);
        time.Advance(TimeSpan.FromSeconds(60));
        await Eventually(() => recorder.Dispatched.Count == 4, "the probes to be dispatched again");
    }
}
