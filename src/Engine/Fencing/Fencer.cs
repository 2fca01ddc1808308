using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Fencing;

/// <summary>
/// Fences one target: plans the levels (FencingTopology), then runs each level's devices through the runner that
/// handles them, with the device's delay, timeout budget and retries, until a level succeeds. Every outcome goes to
/// the history. Each device run is published as a FencingStarted/FencingCompleted pair carrying the device id; the
/// request as a whole (Device null) is the caller's to publish (<see cref="ControllerFencing"/>), because only the
/// caller knows when a request ends (its overall budget) and which requests were merged. Fencing failures are
/// results, not exceptions; only cancellation throws. All waiting and timing goes through the injected TimeProvider
/// and randomness through the injected Random, so a simulation replays fencing exactly.
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
    /// deviceStarting is told each device as it is run for the fencing action itself (not for host-check probes); a
    /// request that joins a running one is not told.
    /// </summary>
    public Task<FencingOutcome> FenceAsync(ClusterConfig config, string target, FenceAction action, string origin,
        CancellationToken cancellationToken, Action<FenceDevice>? deviceStarting = null)
    {
        var key = (target, action);
        lock (_inFlight)
        {
            if (_inFlight.TryGetValue(key, out var running)) return running.WaitAsync(cancellationToken);
            var task = FenceOnceAsync(new Request(config, target, origin, deviceStarting), action, cancellationToken);
            if (task.IsCompleted) return task;
            _inFlight[key] = task;
            _ = task.ContinueWith(_ => { lock (_inFlight) _inFlight.Remove(key); }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return task;
        }
    }

    private readonly Dictionary<(string Target, FenceAction Action), Task<FencingOutcome>> _inFlight = [];

    /// <summary>What every step of one request needs to know.</summary>
    private sealed record Request(ClusterConfig Config, string Target, string Origin, Action<FenceDevice>? DeviceStarting);

    private async Task<FencingOutcome> FenceOnceAsync(Request request, FenceAction action, CancellationToken cancellationToken)
    {
        var (config, target, origin, _) = request;
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        var plan = FencingTopology.Plan(config, target);

        var attempts = ImmutableArray.CreateBuilder<FenceResult>();
        var levelFailures = new List<string>();
        int? succeeded = null;
        foreach (var level in plan.Levels)
        {
            var failure = await RunLevelAsync(request, level, plan.Explicit, action, attempts, cancellationToken);
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

        // Runners mask their own device's secrets already; the history is served by the API, so mask once more against
        // every device in case a reason or output quotes another device's credentials.
        var scrubbed = attempts.Select(a => a with
        {
            Reason = a.Reason is null ? null : FenceSecrets.Redact(a.Reason, config),
            Output = a.Output is null ? null : FenceSecrets.Redact(a.Output, config),
        });
        var outcome = new FencingOutcome(target, action, origin, succeeded is not null, succeeded, [.. scrubbed],
            FenceSecrets.Redact(reason, config), started, _time.GetElapsedTime(clock));
        _history.Record(outcome);
        return outcome;
    }

    /// <summary>Returns null when every device of the level succeeded, else why the level failed.</summary>
    private async Task<string?> RunLevelAsync(Request request, FencingPlanLevel level, bool explicitLevel, FenceAction action,
        ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        if (level.Missing.Length > 0)
            return $"device(s) {string.Join(", ", level.Missing)} not configured";
        if (level.Devices.Length == 0)
            return "level has no devices";

        if (!explicitLevel)
        {
            // Derived plans may hold devices whose host check needs the agent; ask before fencing with them.
            var capable = await CanFenceAsync(request, level.Devices[0], attempts, ct);
            if (capable is not null) return capable;
        }

        // Pacemaker turns a reboot across several devices into off on all, then on on all: rebooting them one by one
        // would let the first device's power come back while the second still holds the node up, or vice versa.
        if (action == FenceAction.Reboot && level.Devices.Length > 1)
        {
            var offFailure = await RunDevicesAsync(request, level.Devices, FenceAction.Off, attempts, ct);
            if (offFailure is not null) return offFailure;
            await RunDevicesAsync(request, level.Devices, FenceAction.On, attempts, ct);
            return null; // a reboot counts once the off part succeeded, as with fence agents
        }
        return await RunDevicesAsync(request, level.Devices, action, attempts, ct);
    }

    private async Task<string?> RunDevicesAsync(Request request, ImmutableArray<FenceDevice> devices, FenceAction action,
        ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        foreach (var device in devices)
        {
            var result = await RunReportedAsync(request, device, action, ct);
            attempts.Add(result);
            if (!result.Success) return $"{device.Id}: {result.Reason ?? "failed"}";
        }
        return null;
    }

    /// <summary>
    /// Runs the fencing action itself on one device and publishes it as one device attempt (pm_logconv's "Try to execute
    /// STONITH device X" / "Succeeded|Failed to execute STONITH device X"), also when the caller's budget cuts it off.
    /// </summary>
    private async Task<FenceResult> RunReportedAsync(Request request, FenceDevice device, FenceAction action, CancellationToken ct)
    {
        request.DeviceStarting?.Invoke(device);
        var actionName = action.ToAgentName();
        _events?.Publish(new FencingStarted(_time.GetUtcNow(), _options.LocalNode, request.Target, actionName, device.Id));
        var clock = _time.GetTimestamp();
        FenceResult? result = null;
        try
        {
            result = await RunDeviceAsync(request, device, action, ct);
            return result;
        }
        finally
        {
            var reason = result is null ? "cancelled: the fencing request ran out of time" : result.Reason;
            _events?.Publish(new FencingCompleted(_time.GetUtcNow(), _options.LocalNode, request.Target, actionName, device.Id,
                result?.Success ?? false, reason is null ? null : FenceSecrets.Redact(reason, request.Config), _time.GetElapsedTime(clock)));
        }
    }

    private async Task<string?> CanFenceAsync(Request request, FenceDevice device, ImmutableArray<FenceResult>.Builder attempts, CancellationToken ct)
    {
        var target = request.Target;
        switch (DeviceTargeting.Capability(device, target))
        {
            case TargetCapability.Yes:
                return null;
            case TargetCapability.AskList:
            {
                var list = await RunDeviceAsync(request, device, FenceAction.List, ct, probe: true);
                attempts.Add(list);
                if (!list.Success) return $"{device.Id}: cannot list its targets: {list.Reason ?? "failed"}";
                return DeviceTargeting.ListNames(device, target, list.Output) ? null : $"{device.Id}: its list does not include {target}";
            }
            case TargetCapability.AskStatus:
            {
                var status = await RunDeviceAsync(request, device, FenceAction.Status, ct, probe: true);
                attempts.Add(status);
                return status.ExitCode is 0 or 2 ? null : $"{device.Id}: status for {target} failed: {status.Reason ?? "no answer"}";
            }
            default:
                return $"{device.Id}: cannot fence {target}";
        }
    }

    /// <summary>A probe (list or status for a host check) gets neither the random delay nor retries.</summary>
    private async Task<FenceResult> RunDeviceAsync(Request request, FenceDevice device, FenceAction action, CancellationToken ct, bool probe = false)
    {
        var runner = _runners.FirstOrDefault(r => r.Handles(device));
        if (runner is null)
            return new FenceResult(false, device.Id, $"no fence runner handles agent '{device.Agent}'", TimeSpan.Zero);

        if (!probe && action.IsDestructive())
        {
            var delay = FenceDelay.Compute(device.DelayBase, device.DelayMax, _random);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct);
        }

        var budget = DeviceTimeout(request.Config, device, action);
        var policy = FenceRetryPolicy.For(probe ? 1 : DeviceRetries(device, action), budget, _options.RetryPause);
        var clock = _time.GetTimestamp();
        var attempt = 0;
        while (true)
        {
            attempt++;
            var remaining = attempt == 1 ? policy.Budget : policy.Remaining(_time.GetElapsedTime(clock));
            var result = await AttemptAsync(runner, device, new FenceRequest(request.Target, action, request.Origin, remaining), ct);
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
