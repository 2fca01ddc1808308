using System.Collections.Concurrent;
using HaApi.Engine.Events;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using static HaApi.Engine.Tests.Fencing.FencingConfig;

namespace HaApi.Engine.Tests.Fencing;

public class FencerTests
{
    private sealed class Events : IEventSink
    {
        public ConcurrentQueue<ClusterEvent> Published { get; } = new();
        public void Publish(ClusterEvent e) => Published.Enqueue(e);
    }

    private static (Fencer Fencer, FencingHistory History, Events Events) Make(FakeFenceRunner runner, int historyCapacity = 10)
    {
        var history = new FencingHistory(historyCapacity);
        var events = new Events();
        var options = new FencerOptions("node9") { RetryPause = TimeSpan.FromMilliseconds(10), RunnerGrace = TimeSpan.FromMilliseconds(100) };
        return (new Fencer([runner], options, TimeProvider.System, new Random(7), history, events), history, events);
    }

    [Fact]
    public async Task First_level_failing_falls_through_to_the_next_level()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(d.Id == "ipmi" ? FakeFenceRunner.Fail(d, "BMC unreachable") : FakeFenceRunner.Ok(d)));
        var (fencer, history, events) = Make(runner);
        var config = With([Device("ipmi", retries: 1), Device("pdu1"), Device("pdu2")], Level("node1", 1, "ipmi"), Level("node1", 2, "pdu1", "pdu2"));

        var outcome = await fencer.FenceAsync(config, "node1", FenceAction.Off, "node9", CancellationToken.None);

        Assert.True(outcome.Success);
        Assert.Equal(2, outcome.SucceededLevel);
        Assert.Equal(["ipmi", "pdu1", "pdu2"], outcome.Attempts.Select(a => a.DeviceId));
        Assert.Contains("pdu1, pdu2 at level 2", outcome.Reason);
        Assert.Equal(outcome, history.LastSuccess("node1"));
        // One started/completed pair per device run, each naming its device; the request itself is the caller's to report.
        Assert.Equal(["start ipmi", "failed ipmi: BMC unreachable", "start pdu1", "ok pdu1", "start pdu2", "ok pdu2"],
            events.Published.Select(e => e switch
            {
                FencingStarted s => $"start {s.Device}",
                FencingCompleted c => $"{(c.Succeeded ? "ok" : "failed")} {c.Device}{(c.Succeeded ? "" : $": {c.Reason}")}",
                _ => e.GetType().Name,
            }));
        Assert.All(events.Published, e => Assert.Equal("node9", e.Node));
    }

    [Fact]
    public async Task A_level_fails_if_any_of_its_devices_fails_and_the_reason_names_each_level()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(d.Id == "pdu2" ? FakeFenceRunner.Fail(d, "outlet stuck") : FakeFenceRunner.Fail(d, "no power")));
        var (fencer, _, events) = Make(runner);
        var config = With([Device("ipmi", retries: 1), Device("pdu1", retries: 1), Device("pdu2", retries: 1)],
            Level("node1", 1, "ipmi"), Level("node1", 2, "pdu1", "pdu2"));

        var outcome = await fencer.FenceAsync(config, "node1", FenceAction.Off, "node9", CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.Null(outcome.SucceededLevel);
        // pdu1 failed first, so pdu2 was never tried: the level cannot succeed anyway.
        Assert.Equal(["ipmi", "pdu1"], outcome.Attempts.Select(a => a.DeviceId));
        Assert.Equal("fencing node1 (off) failed: level 1: ipmi: no power; level 2: pdu1: no power", outcome.Reason);
        Assert.Equal(["ipmi", "pdu1"], events.Published.OfType<FencingCompleted>().Where(c => !c.Succeeded).Select(c => c.Device));
    }

    [Fact]
    public async Task Reboot_across_several_devices_is_off_on_all_then_on_on_all()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);
        var config = With([Device("pdu1"), Device("pdu2")], Level("node1", 1, "pdu1", "pdu2"));

        var outcome = await fencer.FenceAsync(config, "node1", FenceAction.Reboot, "node9", CancellationToken.None);

        Assert.True(outcome.Success);
        Assert.Equal(["pdu1:Off", "pdu2:Off", "pdu1:On", "pdu2:On"], runner.Calls.Select(c => $"{c.Device}:{c.Request.Action}"));
    }

    [Fact]
    public async Task Failed_attempts_are_retried_within_the_budget_and_stop_at_the_retry_limit()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(n < 3 ? FakeFenceRunner.Fail(d, $"attempt {n} refused") : FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);

        var ok = await fencer.FenceAsync(With([Device("ipmi", hosts: ["node1"], retries: 3)]), "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.True(ok.Success);
        Assert.Equal(3, runner.Calls.Count);
        Assert.All(runner.Calls, c => Assert.True(c.Request.Timeout <= TimeSpan.FromSeconds(5)));

        var runner2 = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Fail(d, "refused")));
        var (fencer2, _, _) = Make(runner2);
        var failed = await fencer2.FenceAsync(With([Device("ipmi", hosts: ["node1"], retries: 2)]), "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.False(failed.Success);
        Assert.Equal(2, runner2.Calls.Count);
        Assert.Contains("refused (after 2 attempts)", failed.Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_runner_that_overruns_its_timeout_is_cut_off_and_not_retried(bool honoursCancellation)
    {
        var runner = new FakeFenceRunner((d, r, n, ct) => honoursCancellation
            ? Task.Delay(Timeout.InfiniteTimeSpan, ct).ContinueWith(_ => FakeFenceRunner.Ok(d), TaskScheduler.Default)
            : new TaskCompletionSource<FenceResult>().Task);
        var (fencer, _, _) = Make(runner);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await fencer.FenceAsync(With([Device("ipmi", hosts: ["node1"], retries: 3, timeout: TimeSpan.FromMilliseconds(300))]),
            "node1", FenceAction.Off, "node9", CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.True(outcome.Attempts.Single().TimedOut);
        Assert.Contains("ipmi: timed out after 300ms", outcome.Reason);
        Assert.Single(runner.Calls);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 390, 3000); // timeout 300ms + grace 100ms
    }

    [Fact]
    public async Task No_device_for_the_target_fails_with_an_actionable_reason()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);
        var none = await fencer.FenceAsync(ClusterConfig.Empty, "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.Equal("cannot fence node1: no fence device is configured", none.Reason);
        var unlisted = await fencer.FenceAsync(With([Device("a", hosts: ["node2"])]), "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.False(unlisted.Success);
        Assert.Contains("pcmk_host_list", unlisted.Reason);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task Device_with_an_agent_no_runner_handles_fails_and_the_next_device_is_tried()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);
        var config = With([Device("odd", hosts: ["node1"], agent: "fence_unknown"), Device("good", hosts: ["node1"])]);
        var outcome = await fencer.FenceAsync(config, "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.True(outcome.Success);
        Assert.Equal("no fence runner handles agent 'fence_unknown'", outcome.Attempts[0].Reason);
    }

    [Fact]
    public async Task Dynamic_list_device_is_used_only_when_its_list_names_the_target_or_its_alias()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(r.Action == FenceAction.List
            ? FakeFenceRunner.Ok(d) with { Output = d.Id == "lister1" ? "i-0aaa,\n" : "i-0bbb,\nnode1,\n" }
            : FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);
        var config = With([Device("lister1", check: HostCheck.DynamicList), Device("lister2", check: HostCheck.DynamicList)]);

        var outcome = await fencer.FenceAsync(config, "node1", FenceAction.Reboot, "node9", CancellationToken.None);

        Assert.True(outcome.Success);
        Assert.Equal(["lister1:List", "lister2:List", "lister2:Reboot"], runner.Calls.Select(c => $"{c.Device}:{c.Request.Action}"));
    }

    [Fact]
    public async Task Delay_base_is_waited_before_off_but_not_before_on()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var (fencer, _, _) = Make(runner);
        var config = With([Device("ipmi", hosts: ["node1"]) with { DelayBase = TimeSpan.FromSeconds(1) }]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await fencer.FenceAsync(config, "node1", FenceAction.On, "node9", CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.9));
        clock.Restart();
        await fencer.FenceAsync(config, "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"off took {clock.Elapsed}");
    }

    [Fact]
    public async Task History_keeps_only_the_most_recent_outcomes()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var (fencer, history, _) = Make(runner, historyCapacity: 3);
        var config = With([Device("a", check: HostCheck.None)]);
        foreach (var node in new[] { "n1", "n2", "n3", "n4", "n5" })
            await fencer.FenceAsync(config, node, FenceAction.Off, "node9", CancellationToken.None);
        Assert.Equal(["n3", "n4", "n5"], history.Snapshot().Select(o => o.Target));
        Assert.Single(history.Snapshot("n4"));
        Assert.Null(history.LastSuccess("n1"));
    }
}

public class FencerMergingAndParameterTests
{
    [Fact]
    public async Task A_duplicate_request_while_one_is_running_joins_it_instead_of_fencing_twice()
    {
        var release = new TaskCompletionSource();
        var runner = new FakeFenceRunner(async (d, r, n) => { await release.Task; return FakeFenceRunner.Ok(d); });
        var fencer = new Fencer([runner], new FencerOptions("node9"), TimeProvider.System, new Random(1), new FencingHistory());
        var config = FencingConfig.With([FencingConfig.Device("ipmi", hosts: ["node1"])]);

        var first = fencer.FenceAsync(config, "node1", FenceAction.Reboot, "node9", CancellationToken.None);
        var second = fencer.FenceAsync(config, "node1", FenceAction.Reboot, "node8", CancellationToken.None);
        var other = fencer.FenceAsync(config, "node1", FenceAction.Off, "node9", CancellationToken.None);
        release.SetResult();

        Assert.Same(await first, await second);
        Assert.True((await other).Success);
        Assert.Equal(2, runner.Calls.Count);
        Assert.Equal(2, fencer.History.Snapshot().Length);
    }

    [Fact]
    public async Task Per_action_timeout_and_retries_parameters_override_the_device_defaults()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Fail(d)));
        var fencer = new Fencer([runner], new FencerOptions("node9") { RetryPause = TimeSpan.Zero }, TimeProvider.System, new Random(1), new FencingHistory());
        var device = FencingConfig.Device("ipmi", hosts: ["node1"], retries: 2) with
        {
            Parameters = HaApi.Engine.Model.Attributes.From([new("pcmk_off_timeout", "7s"), new("pcmk_off_retries", "4")]),
        };

        await fencer.FenceAsync(FencingConfig.With([device]), "node1", FenceAction.Off, "node9", CancellationToken.None);
        Assert.Equal(4, runner.Calls.Count);
        Assert.Equal(TimeSpan.FromSeconds(7), runner.Calls.First().Request.Timeout);

        await fencer.FenceAsync(FencingConfig.With([device]), "node1", FenceAction.On, "node9", CancellationToken.None);
        Assert.Equal(6, runner.Calls.Count); // on: the device's own 2 attempts, 5s
        Assert.Equal(TimeSpan.FromSeconds(5), runner.Calls.ElementAt(4).Request.Timeout);
    }
}

public class FencerVirtualTimeTests
{
    [Fact]
    public async Task Random_delay_is_drawn_from_the_seeded_random_and_waited_in_virtual_time()
    {
        var time = new ManualTimeProvider();
        var calledAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new FakeFenceRunner((d, r, n) => { calledAt.TrySetResult(time.Elapsed); return Task.FromResult(FakeFenceRunner.Ok(d)); });
        var fencer = new Fencer([runner], new FencerOptions("node9"), time, new Random(1234), new FencingHistory());
        var device = FencingConfig.Device("ipmi", hosts: ["node1"]) with { DelayBase = TimeSpan.FromSeconds(30), DelayMax = TimeSpan.FromSeconds(90) };
        var expected = FenceDelay.Compute(device.DelayBase, device.DelayMax, new Random(1234));

        var fencing = fencer.FenceAsync(FencingConfig.With([device]), "node1", FenceAction.Reboot, "node9", CancellationToken.None);
        await WaitUntil(() => time.PendingTimers > 0);
        time.Advance(expected - TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(calledAt.Task.IsCompleted, "the device ran before its delay elapsed");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(expected, await calledAt.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True((await fencing.WaitAsync(TimeSpan.FromSeconds(5))).Success);
        Assert.InRange(expected.TotalSeconds, 30, 90);
    }

    [Fact]
    public async Task A_hung_runner_times_out_at_the_device_timeout_in_virtual_time()
    {
        var time = new ManualTimeProvider();
        var runner = new FakeFenceRunner((d, r, n) => new TaskCompletionSource<FenceResult>().Task);
        var fencer = new Fencer([runner], new FencerOptions("node9") { RunnerGrace = TimeSpan.FromSeconds(2) }, time, new Random(1), new FencingHistory());
        var device = FencingConfig.Device("ipmi", hosts: ["node1"], timeout: TimeSpan.FromSeconds(120));

        var fencing = fencer.FenceAsync(FencingConfig.With([device]), "node1", FenceAction.Off, "node9", CancellationToken.None);
        await WaitUntil(() => time.PendingTimers > 0);
        time.Advance(TimeSpan.FromSeconds(121));
        await Task.Delay(50);
        Assert.False(fencing.IsCompleted, "gave up before timeout + grace");
        time.Advance(TimeSpan.FromSeconds(1));

        var outcome = await fencing.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(outcome.Success);
        Assert.Equal(TimeSpan.FromSeconds(122), outcome.Duration);
        Assert.Contains("timed out after 2min", outcome.Reason);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 5s");
    }
}
