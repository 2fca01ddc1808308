using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Fencing;

/// <summary>
/// Fences one target: plans the levels (FencingTopology), then runs each level's devices through the runner that
/// handles them, with the device's delay, timeout budget and retries, until a level succeeds. Every outcome goes to
/// the history and the event sink. Fencing failures are results, not exceptions; only cancellation throws. All waiting
/// and timing goes through the injected TimeProvider and randomness through the injected Random, so a simulation
/// replays fencing exactly.
/// </summary>
public sealed class Fencer
{
    private readonly ImmutableArray<IFenceDeviceRunner> _runners;
    private readonly FencerOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly FencingHistory _history;
    private readonly IEventSink? _events;

    public Fencer(IEnumerable<IFenceDeviceRunner> runners, FencerOptions options, TimeProvider time, Random random,
        FencingHistory history, IEventSink? events = null)
    {
        _runners = [.. runners];
        _options = options;
        _time = time;
        _random = random;
        _history = history;
        _events = events;
    }

    public FencingHistory History => _history;

    /// <summary>
    /// Fences target. A request identical (target and action) to one already running joins it instead of fencing
    /// again, as Pacemaker merges duplicate requests: two reboots in a row would bring the node back up and down.
    /// </summary>
    public Task<FencingOutcome> FenceAsync(ClusterConfig config, string target, FenceAction action, string origin,
        CancellationToken cancellationToken)
    {
        var key = (target, action);
        lock (_inFlight)
        {
            if (_inFlight.TryGetValue(key, out var running)) return running.WaitAsync(cancellationToken);
            var task = FenceOnceAsync(config, target, action, origin, cancellationToken);
            if (task.IsCompleted) return task;
            _inFlight[key] = task;
            _ = task.ContinueWith(_ => { lock (_inFlight) _inFlight.Remove(key); }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return task;
        }
    }

    private readonly Dictionary<(string Target, FenceAction Action), Task<FencingOutcome>> _inFlight = [];

    private async Task<FencingOutcome> FenceOnceAsync(ClusterConfig config, string target, FenceAction action, string origin,
        CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        var plan = FencingTopology.Plan(config, target);
        _events?.Publish(new FencingStarted(started, _options.LocalNode, target, action.ToAgentName(),
            string.Join(',', plan.Levels.SelectMany(l => l.Devices).Select(d => d.Id).Distinct())));

        var attempts = ImmutableArray.CreateBuilder<FenceResult>();
        var levelFailures = new List<string>();
        int? succeeded = null;
        foreach (var level in plan.Levels)
        {
            var failure = await RunLevelAsync(config, level, plan.Explicit, target, action, origin, attempts, cancellationToken);
            if (failure is null) { succeeded = level.Index; break; }
            levelFailures.Add(plan.Explicit ? $"level {level.Index}: {failure}" : failure);
        }

        string reason;
        if (succeeded is int index)
        {
            var level = plan.Levels.First(l => l.Index == index);
            reason = $"{target} fenced ({action.ToAgentName()}) by {string.Join(", ", level.Devices.Select(d => d.Id))}"
                     + (plan.Explicit ? $" at level {index}" : "");
        }
        else if (plan.Levels.Length == 0)
            reason = config.FenceDevices.Length == 0
                ? $"cannot fence {target}: no fence device is configured"
                : $"cannot fence {target}: no fence device lists it (check pcmk_host_list / pcmk_host_map)";
        else
            reason = $"fencing {target} ({action.ToAgentName()}) failed: {string.Join("; ", levelFailures)}";

        var outcome = new FencingOutcome(target, action, origin, succeeded is not null, succeeded, attempts.ToImmutable(),
            reason, started, _time.GetElapsedTime(clock));
        _history.Record(outcome);
        _events?.Publish(new FencingCompleted(_time.GetUtcNow(), _options.LocalNode, target, action.ToAgentName(),
            succeeded is null ? null : string.Join(',', plan.Levels.First(l => l.Index == succeeded).Devices.Select(d => d.Id)),
            outcome.Success, reason, outcome.Duration));
        return outcome;
    }

    /// <summary>Returns null when every device of the level succeeded, else why the level failed.</summary>
    private async Task<string?> RunLevelAsync(ClusterConfig config, FencingPlanLevel level, bool explicitLevel, string target,
        FenceAction action, string origin, ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        if (level.Missing.Length > 0)
            return $"device(s) {string.Join(", ", level.Missing)} not configured";
        if (level.Devices.Length == 0)
            return "level has no devices";

        if (!explicitLevel)
        {
            // Derived plans may hold devices whose host check needs the agent; ask before fencing with them.
            var device = level.Devices[0];
            var capable = await CanFenceAsync(config, device, target, origin, attempts, ct);
            if (capable is not null) return capable;
        }

        // Pacemaker turns a reboot across several devices into off on all, then on on all: rebooting them one by one
        // would let the first device's power come back while the second still holds the node up, or vice versa.
        if (action == FenceAction.Reboot && level.Devices.Length > 1)
        {
            var offFailure = await RunDevicesAsync(config, level.Devices, target, FenceAction.Off, origin, attempts, ct);
            if (offFailure is not null) return offFailure;
            await RunDevicesAsync(config, level.Devices, target, FenceAction.On, origin, attempts, ct);
            return null; // a reboot counts once the off part succeeded, as with fence agents
        }
        return await RunDevicesAsync(config, level.Devices, target, action, origin, attempts, ct);
    }

    private async Task<string?> RunDevicesAsync(ClusterConfig config, ImmutableArray<FenceDevice> devices, string target,
        FenceAction action, string origin, ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        foreach (var device in devices)
        {
            var result = await RunDeviceAsync(config, device, target, action, origin, ct);
            attempts.Add(result);
            if (!result.Success) return $"{device.Id}: {result.Reason ?? "failed"}";
        }
        return null;
    }

    private async Task<string?> CanFenceAsync(ClusterConfig config, FenceDevice device, string target, string origin,
        ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        switch (DeviceTargeting.Capability(device, target))
        {
            case TargetCapability.Yes:
                return null;
            case TargetCapability.AskList:
            {
                var list = await RunDeviceAsync(config, device, target, FenceAction.List, origin, ct, applyDelay: false, retry: false);
                attempts.Add(list);
                if (!list.Success) return $"{device.Id}: cannot list its targets: {list.Reason ?? "failed"}";
                return DeviceTargeting.ListNames(device, target, list.Output) ? null : $"{device.Id}: its list does not include {target}";
            }
            case TargetCapability.AskStatus:
            {
                var status = await RunDeviceAsync(config, device, target, FenceAction.Status, origin, ct, applyDelay: false, retry: false);
                attempts.Add(status);
                return status.ExitCode is 0 or 2 ? null : $"{device.Id}: status for {target} failed: {status.Reason ?? "no answer"}";
            }
            default:
                return $"{device.Id}: cannot fence {target}";
        }
    }

    private async Task<FenceResult> RunDeviceAsync(ClusterConfig config, FenceDevice device, string target, FenceAction action,
        string origin, CancellationToken ct, bool applyDelay = true, bool retry = true)
    {
        var runner = _runners.FirstOrDefault(r => r.Handles(device));
        if (runner is null)
            return new FenceResult(false, device.Id, $"no fence runner handles agent '{device.Agent}'", TimeSpan.Zero);

        if (applyDelay && action.IsDestructive())
        {
            var delay = FenceDelay.Compute(device.DelayBase, device.DelayMax, _random);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct);
        }

        var budget = DeviceTimeout(config, device, action);
        var policy = FenceRetryPolicy.For(retry ? DeviceRetries(device, action) : 1, budget, _options.RetryPause);
        var clock = _time.GetTimestamp();
        var attempt = 0;
        while (true)
        {
            attempt++;
            var remaining = attempt == 1 ? policy.Budget : policy.Remaining(_time.GetElapsedTime(clock));
            var result = await AttemptAsync(runner, device, new FenceRequest(target, action, origin, remaining), ct);
            if (!policy.ShouldRetry(attempt, result, _time.GetElapsedTime(clock)))
                return attempt == 1 || result.Success ? result : result with { Reason = $"{result.Reason} (after {attempt} attempts)" };
            await Task.Delay(policy.Pause, _time, ct);
        }
    }

    /// <summary>pcmk_&lt;action&gt;_timeout when set, else the device's timeout, else stonith-timeout.</summary>
    private static TimeSpan DeviceTimeout(ClusterConfig config, FenceDevice device, FenceAction action) =>
        device.Parameters.TryGetValue($"pcmk_{action.ToAgentName()}_timeout", out var text) && Duration.TryParse(text, out var t) && t > TimeSpan.Zero
            ? t
            : device.Timeout ?? config.Properties.StonithTimeout;

    /// <summary>pcmk_&lt;action&gt;_retries when set, else the device's retries (pcmk_off_retries etc. default 2).</summary>
    private static int DeviceRetries(FenceDevice device, FenceAction action) =>
        device.Parameters.TryGetValue($"pcmk_{action.ToAgentName()}_retries", out var text) && int.TryParse(text, out var n) && n >= 0
            ? Math.Max(1, n)
            : device.Retries;

    private async Task<FenceResult> AttemptAsync(IFenceDeviceRunner runner, FenceDevice device, FenceRequest request, CancellationToken ct)
    {
        var clock = _time.GetTimestamp();
        // Runners enforce request.Timeout themselves (killing agents); this is the backstop for one that does not.
        using var timer = new CancellationTokenSource(request.Timeout + _options.RunnerGrace, _time);
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            // WaitAsync: a runner that ignores cancellation must not hold fencing hostage either.
            return await runner.FenceAsync(device, request, backstop.Token).WaitAsync(backstop.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new FenceResult(false, device.Id, $"timed out after {Duration.Format(request.Timeout)}", _time.GetElapsedTime(clock), TimedOut: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A runner bug must not stop fencing from trying the next level; the message is the runner's, which by
            // contract holds no credentials.
            return new FenceResult(false, device.Id, $"runner error: {ex.Message}", _time.GetElapsedTime(clock));
        }
    }
}
