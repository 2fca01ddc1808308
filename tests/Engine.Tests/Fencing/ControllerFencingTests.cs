using System.Collections.Concurrent;
using HaApi.Engine.Controller;
using HaApi.Engine.Events;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using static HaApi.Engine.Tests.Fencing.FencingConfig;
using static HaApi.Engine.Tests.Fencing.FencerVirtualTimeTests;

namespace HaApi.Engine.Tests.Fencing;

public class ControllerFencingTests
{
    /// <summary>OnCallersThread: the callback ran on the thread that called Fence, while it was inside Fence.</summary>
    private sealed record Report(string TransitionKey, string Target, bool Succeeded, string? Reason, bool OnCallersThread);

    /// <summary>A ControllerFencing over a FakeFenceRunner, with its callback reports and published events.</summary>
    private sealed class Harness : IEventSink
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<Report>> _reports = new();
        private readonly ThreadLocal<bool> _insideFence = new();

        public Harness(FakeFenceRunner runner, ClusterConfig config, TimeProvider? time = null)
        {
            Time = time ?? TimeProvider.System;
            Fencer = new Fencer([runner], new FencerOptions("node9") { RetryPause = TimeSpan.Zero, RunnerGrace = TimeSpan.FromSeconds(1) },
                Time, new Random(3), new FencingHistory(), this);
            Fencing = new ControllerFencing(Fencer, () => config, "node9", this, Time, NullLogger.Instance,
                (key, target, ok, reason) => ReportFor(key).TrySetResult(new Report(key, target, ok, reason, _insideFence.Value)));
        }

        public TimeProvider Time { get; }
        public Fencer Fencer { get; }
        public ControllerFencing Fencing { get; }
        public ConcurrentQueue<ClusterEvent> Events { get; } = new();

        public void Publish(ClusterEvent clusterEvent) => Events.Enqueue(clusterEvent);

        public void Fence(FencingOrder order)
        {
            _insideFence.Value = true;
            try { Fencing.Fence(order); }
            finally { _insideFence.Value = false; }
        }

        public Task<Report> ReportOf(string key) => ReportFor(key).Task.WaitAsync(TimeSpan.FromSeconds(10));

        private TaskCompletionSource<Report> ReportFor(string key) =>
            _reports.GetOrAdd(key, _ => new TaskCompletionSource<Report>(TaskCreationOptions.RunContinuationsAsynchronously));

        /// <summary>Request-level events (no device) and device runs, as short strings in publication order.</summary>
        public IEnumerable<string> Timeline() => Events.Select(e => e switch
        {
            FencingStarted { Device: null } s => $"request {s.Target} {s.Action}",
            FencingStarted s => $"device {s.Device}",
            FencingCompleted { Device: null } c => $"request {(c.Succeeded ? "ok" : "failed")}",
            FencingCompleted c => $"device {c.Device} {(c.Succeeded ? "ok" : "failed")}",
            _ => e.GetType().Name,
        });
    }

    private static FencingOrder Order(string key, string target = "node1", string action = "reboot", double timeoutSeconds = 60) =>
        new(key, target, action, TimeSpan.FromSeconds(timeoutSeconds));

    [Fact]
    public async Task An_order_runs_in_the_background_shows_as_pending_and_reports_through_the_callback()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new FakeFenceRunner(async (d, r, n) => { await release.Task; return FakeFenceRunner.Ok(d); });
        var h = new Harness(runner, With([Device("ipmi", hosts: ["node1"])]));

        h.Fence(Order("t1:5"));

        // Fence returned while the device is still running: the controller loop never waits on a fence device.
        await WaitUntil(() => h.Fencing.Pending.Any(p => p.Device == "ipmi"));
        var pending = Assert.Single(h.Fencing.Pending);
        Assert.Equal(("node1", FenceAction.Reboot, "node9"), (pending.Target, pending.Action, pending.Origin));
        Assert.False(h.ReportOf("t1:5").IsCompleted);

        release.SetResult();
        var report = await h.ReportOf("t1:5");

        Assert.Equal(("t1:5", "node1", true, (string?)null), (report.TransitionKey, report.Target, report.Succeeded, report.Reason));
        Assert.False(report.OnCallersThread);
        Assert.Empty(h.Fencing.Pending);
        Assert.Equal(["request node1 reboot", "device ipmi", "device ipmi ok", "request ok"], h.Timeline());
        Assert.True(Assert.Single(h.Fencer.History.Snapshot()).Success);
    }

    [Fact]
    public async Task A_second_order_for_a_node_being_fenced_completes_with_the_first_outcome_without_fencing_again()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new FakeFenceRunner(async (d, r, n) => { await release.Task; return FakeFenceRunner.Fail(d, "BMC unreachable"); });
        var h = new Harness(runner, With([Device("ipmi", hosts: ["node1"], retries: 1)]));

        h.Fence(Order("t1:5"));
        await WaitUntil(() => !runner.Calls.IsEmpty);
        h.Fence(Order("t2:3", action: "off"));
        var manual = h.Fencing.FenceManuallyAsync("node1", FenceAction.Reboot, "node8", CancellationToken.None);
        Assert.Single(h.Fencing.Pending);
        release.SetResult();

        var first = await h.ReportOf("t1:5");
        var second = await h.ReportOf("t2:3");
        Assert.False(first.Succeeded);
        Assert.Equal("fencing node1 (reboot) failed: ipmi: BMC unreachable", first.Reason);
        Assert.Equal((first.Succeeded, first.Reason), (second.Succeeded, second.Reason));
        Assert.Equal(first.Reason, (await manual).Reason);
        Assert.Single(runner.Calls);
        Assert.Equal(["request node1 reboot", "device ipmi", "device ipmi failed", "request failed"], h.Timeline());
    }

    [Fact]
    public async Task The_order_timeout_bounds_the_whole_request_and_cancels_the_device_in_progress()
    {
        var time = new ManualTimeProvider();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new FakeFenceRunner(async (d, r, n, ct) =>
        {
            await using var _ = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return FakeFenceRunner.Ok(d);
        });
        // The device alone may take 120s; the order allows 30s for everything.
        var h = new Harness(runner, With([Device("ipmi", hosts: ["node1"], timeout: TimeSpan.FromSeconds(120))]), time);

        h.Fence(Order("t1:5", timeoutSeconds: 30));
        await WaitUntil(() => !runner.Calls.IsEmpty && time.PendingTimers >= 2);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(h.ReportOf("t1:5").IsCompleted, "gave up before the order's timeout");
        time.Advance(TimeSpan.FromSeconds(1));

        var report = await h.ReportOf("t1:5");
        Assert.False(report.Succeeded);
        Assert.Equal("fencing node1 (reboot) did not finish within its budget of 30s while ipmi was running", report.Reason);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(h.Fencing.Pending);
        var recorded = Assert.Single(h.Fencer.History.Snapshot());
        Assert.Equal((false, TimeSpan.FromSeconds(30)), (recorded.Success, recorded.Duration));
        Assert.Equal(["request node1 reboot", "device ipmi", "device ipmi failed", "request failed"], h.Timeline());
    }

    [Fact]
    public async Task Manual_fencing_takes_the_same_path_and_returns_the_outcome()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(d.Id == "ipmi" ? FakeFenceRunner.Fail(d, "no route to BMC") : FakeFenceRunner.Ok(d)));
        var h = new Harness(runner, With([Device("ipmi", retries: 1), Device("pdu")], Level("node2", 1, "ipmi"), Level("node2", 2, "pdu")));

        var outcome = await h.Fencing.FenceManuallyAsync("node2", FenceAction.Off, "node3", CancellationToken.None);

        Assert.True(outcome.Success);
        Assert.Equal(("node2", FenceAction.Off, "node3", 2), (outcome.Target, outcome.Action, outcome.Origin, outcome.SucceededLevel));
        Assert.Equal(["ipmi", "pdu"], outcome.Attempts.Select(a => a.DeviceId));
        Assert.Equal(["node3", "node3"], runner.Calls.Select(c => c.Request.Origin));
        Assert.Equal(["request node2 off", "device ipmi", "device ipmi failed", "device pdu", "device pdu ok", "request ok"], h.Timeline());
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_does_not_stop_the_fencing()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new FakeFenceRunner(async (d, r, n) => { await release.Task; return FakeFenceRunner.Ok(d); });
        var h = new Harness(runner, With([Device("ipmi", hosts: ["node1"])]));
        using var abandon = new CancellationTokenSource();

        var waiting = h.Fencing.FenceManuallyAsync("node1", FenceAction.Off, "node9", abandon.Token);
        await WaitUntil(() => !runner.Calls.IsEmpty);
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Single(h.Fencing.Pending);

        release.SetResult();
        await WaitUntil(() => h.Fencer.History.Snapshot().Length == 1);
        Assert.True(h.Fencer.History.Snapshot()[0].Success);
    }

    [Fact]
    public async Task An_order_that_is_not_a_fencing_action_fails_through_the_callback_without_running_a_device()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var h = new Harness(runner, With([Device("ipmi", hosts: ["node1"])]));

        h.Fence(Order("t1:5", action: "on"));

        var report = await h.ReportOf("t1:5");
        Assert.False(report.Succeeded);
        Assert.Equal("cannot fence node1: 'on' is not a fencing action (stonith-action is reboot or off)", report.Reason);
        Assert.False(report.OnCallersThread);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task A_throwing_completion_callback_does_not_leave_the_request_pending()
    {
        var runner = new FakeFenceRunner((d, r, n) => Task.FromResult(FakeFenceRunner.Ok(d)));
        var config = With([Device("ipmi", hosts: ["node1", "node2"])]);
        var fencer = new Fencer([runner], new FencerOptions("node9"), TimeProvider.System, new Random(1), new FencingHistory());
        var calls = 0;
        var fencing = new ControllerFencing(fencer, () => config, "node9", new Simulation.NoEvents(), TimeProvider.System, NullLogger.Instance,
            (_, _, _, _) => { Interlocked.Increment(ref calls); throw new InvalidOperationException("controller loop stopped"); });

        fencing.Fence(Order("t1:1"));
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        fencing.Fence(Order("t2:1", target: "node2"));
        await WaitUntil(() => Volatile.Read(ref calls) == 2);

        Assert.Empty(fencing.Pending);
        Assert.Equal(["node1", "node2"], fencer.History.Snapshot().Select(o => o.Target));
    }
}
