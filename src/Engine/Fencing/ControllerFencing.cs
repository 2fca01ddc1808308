using HaApi.Engine.Controller;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging;

namespace HaApi.Engine.Fencing;

/// <summary>
/// The controller's fencing port (<see cref="IFencing"/>) and the API's manual fencing, both on one <see cref="Fencer"/>.
/// Each request runs on its own background task under an overall budget (the order's timeout, else stonith-timeout);
/// the outcome goes to the host's completion callback, which posts it to the controller loop. Nothing here throws into
/// the caller or calls back on the caller's thread: the controller loop must never wait on a fence device.
/// <para>
/// Requests that take a node down merge per target, whatever their action or origin: while node2 is being fenced, a
/// second order (a new transition, a manual fence) completes with the first one's outcome. Fencing the same node again
/// meanwhile would at best waste the budget and at worst power it back on between two reboots.
/// </para>
/// Events: the request is one FencingStarted/FencingCompleted pair without a device (the alert and pm_logconv
/// convention for "the cluster fenced node2"); the <see cref="Fencer"/> publishes one pair per device run. Every reason
/// that is logged or published is masked against the secrets of all fence devices.
/// </summary>
/// <param name="completed">(transitionKey, target, succeeded, reason): called once per order, on a pool thread.</param>
public sealed class ControllerFencing(Fencer fencer, Func<ClusterConfig> currentConfig, string localNode, IEventSink events, TimeProvider time,
    ILogger log, Action<string, string, bool, string?> completed) : IFencing
{
    private readonly Lock _gate = new();
    private readonly List<Operation> _running = [];

    /// <summary>The requests still running, oldest first.</summary>
    public IReadOnlyList<PendingFencing> Pending
    {
        get { lock (_gate) return [.. _running.Select(o => o.Snapshot())]; }
    }

    public void Fence(FencingOrder order)
    {
        Operation operation;
        try
        {
            if (!FenceActions.TryParse(order.Action, out var action) || !action.IsDestructive())
                throw new ArgumentException($"'{order.Action}' is not a fencing action (stonith-action is reboot or off)");
            operation = Start(order.Target, action, localNode, order.Timeout, $"transition action {order.TransitionKey}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = $"cannot fence {order.Target}: {Scrub(ex.Message)}";
            log.LogError("Fencing order {TransitionKey} refused: {Reason}", order.TransitionKey, reason);
            _ = Task.Run(() => Report(order, false, reason));
            return;
        }
        // Done completes with RunContinuationsAsynchronously: the callback never runs inline on the fencing task.
        _ = operation.Done.Task.ContinueWith(t => Report(order, t.Result.Success, t.Result.Success ? null : t.Result.Reason),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>
    /// POST /stonith/fence/{node}: the same path as the controller's orders, under stonith-timeout. Cancelling only
    /// stops waiting: a fencing request abandoned half-way because an HTTP client went away would leave the node in an
    /// unknown state, so the request runs to its end and is recorded in the history.
    /// </summary>
    public Task<FencingOutcome> FenceManuallyAsync(string target, FenceAction action, string origin, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        return Start(target, action, origin, budget: null, $"a manual request from {origin}").Done.Task.WaitAsync(cancellationToken);
    }

    private Operation Start(string target, FenceAction action, string origin, TimeSpan? budget, string requester)
    {
        lock (_gate)
        {
            if (action.IsDestructive() && _running.FirstOrDefault(o => o.Target == target && o.Action.IsDestructive()) is { } running)
            {
                log.LogInformation("{Target} is already being fenced ({Action}, asked by {Origin} at {Started:O}); {Requester} gets that outcome",
                    target, running.Action.ToAgentName(), running.Origin, running.StartedAt, requester);
                return running;
            }
            var operation = new Operation(target, action, origin, time.GetUtcNow());
            _running.Add(operation);
            _ = Task.Run(() => RunAsync(operation, budget, requester));
            return operation;
        }
    }

    private async Task RunAsync(Operation op, TimeSpan? requestedBudget, string requester)
    {
        var clock = time.GetTimestamp();
        var actionName = op.Action.ToAgentName();
        var config = ClusterConfig.Empty;
        FencingOutcome outcome;
        try
        {
            config = currentConfig();
            var budget = requestedBudget is { } b && b > TimeSpan.Zero ? b : config.Properties.StonithTimeout;
            var devices = FencingTopology.Plan(config, op.Target).Levels.SelectMany(l => l.Devices).Select(d => d.Id).Distinct().ToList();
            events.Publish(new FencingStarted(op.StartedAt, localNode, op.Target, actionName, null));
            log.LogWarning("Fencing {Target} ({Action}) for {Requester}: candidate devices in order: {Devices}; budget {Budget}",
                op.Target, actionName, requester, devices.Count == 0 ? "none" : string.Join(", ", devices), Duration.Format(budget));

            using var deadline = new CancellationTokenSource(budget, time);
            try
            {
                outcome = await fencer.FenceAsync(config, op.Target, op.Action, op.Origin, deadline.Token, d => DeviceStarting(op, d));
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // The fencer cancelled the device in progress (runners kill their agent's process group on cancellation).
                var device = op.Device is null ? "" : $" while {op.Device} was running";
                outcome = Failed(op, $"fencing {op.Target} ({actionName}) did not finish within its budget of {Duration.Format(budget)}{device}", clock);
                fencer.History.Record(outcome);
            }
        }
        catch (Exception ex)
        {
            // A bug must still end the request: the controller waits for the callback before recovering anything.
            outcome = Failed(op, $"fencing {op.Target} ({actionName}) failed: internal error {ex.GetType().Name}: {Scrub(ex.Message, config)}", clock);
            log.LogError("Fencing {Target} ({Action}) crashed: {Error}", op.Target, actionName, Scrub(ex.ToString(), config));
            fencer.History.Record(outcome);
        }

        Finish(op, outcome, config);
    }

    private void Finish(Operation op, FencingOutcome outcome, ClusterConfig config)
    {
        var actionName = op.Action.ToAgentName();
        var reason = Scrub(outcome.Reason, config);
        try
        {
            foreach (var attempt in outcome.Attempts)
                log.Log(attempt.Success ? LogLevel.Information : LogLevel.Warning,
                    "Fencing {Target} ({Action}): device {Device} {Result} after {Duration}: {Reason}",
                    op.Target, actionName, attempt.DeviceId, attempt.Success ? "succeeded" : attempt.TimedOut ? "timed out" : "failed",
                    Duration.Format(attempt.Duration), Scrub(attempt.Reason ?? "no details", config));
            if (outcome.Success)
                log.LogWarning("Fenced {Target} ({Action}) in {Duration}: {Reason}", op.Target, actionName, Duration.Format(outcome.Duration), reason);
            else
                log.LogError("Fencing {Target} ({Action}) FAILED after {Duration}: {Reason}", op.Target, actionName, Duration.Format(outcome.Duration), reason);
            events.Publish(new FencingCompleted(time.GetUtcNow(), localNode, op.Target, actionName, null, outcome.Success, reason, outcome.Duration));
        }
        finally
        {
            // Whatever a sink or logger does, the request ends: the controller recovers nothing until it hears back.
            lock (_gate) _running.Remove(op);
            op.Done.SetResult(outcome with { Reason = reason });
        }
    }

    private void DeviceStarting(Operation op, FenceDevice device)
    {
        op.Device = device.Id;
        log.LogInformation("Fencing {Target} ({Action}): running device {Device} ({Agent})", op.Target, op.Action.ToAgentName(), device.Id, device.Agent);
    }

    private void Report(FencingOrder order, bool succeeded, string? reason)
    {
        try
        {
            completed(order.TransitionKey, order.Target, succeeded, reason);
        }
        catch (Exception ex)
        {
            log.LogError("Reporting the fencing outcome of {Target} for {TransitionKey} failed: {Error}", order.Target, order.TransitionKey, ex.Message);
        }
    }

    private FencingOutcome Failed(Operation op, string reason, long clock) =>
        new(op.Target, op.Action, op.Origin, false, null, [], reason, op.StartedAt, time.GetElapsedTime(clock));

    private string Scrub(string text) => Scrub(text, SafeConfig());

    private static string Scrub(string text, ClusterConfig config) => FenceSecrets.Redact(text, config);

    private ClusterConfig SafeConfig()
    {
        try { return currentConfig(); }
        catch (Exception) { return ClusterConfig.Empty; }
    }

    /// <summary>One running request; Done completes once, after it left the pending list.</summary>
    private sealed class Operation(string target, FenceAction action, string origin, DateTimeOffset startedAt)
    {
        public string Target { get; } = target;
        public FenceAction Action { get; } = action;
        public string Origin { get; } = origin;
        public DateTimeOffset StartedAt { get; } = startedAt;
        private volatile string? _device;
        public string? Device { get => _device; set => _device = value; }
        public TaskCompletionSource<FencingOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PendingFencing Snapshot() => new(Target, Action, Origin, StartedAt, Device);
    }
}
