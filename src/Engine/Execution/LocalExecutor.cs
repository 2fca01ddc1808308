using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Engine.Execution;

/// <summary>A recurring monitor's result that differs from its previous one (or is its first).</summary>
public sealed record RecurringResult(OperationRequest Request, OperationResult Result, DateTimeOffset CompletedAt);

/// <summary>Limits of one node's executor.</summary>
/// <param name="MaxConcurrentOperations">Agent processes running at once on this node (Pacemaker's node-action-limit
/// defaults to twice the cores).</param>
/// <param name="MaxRecurringMonitors">Bound on registered recurring monitors.</param>
public sealed record LocalExecutorOptions(int MaxConcurrentOperations = 8, int MaxRecurringMonitors = RecurringMonitorSchedule.DefaultCapacity);

/// <summary>
/// This node's executor (Pacemaker's pacemaker-execd): runs one-shot operations on request and recurring monitors
/// on their schedule through the agent runner port.
/// Invariants: operations on one resource never overlap (a monitor never races its own start or stop), the
/// recurring monitors of a resource are cancelled before it is stopped, and at most MaxConcurrentOperations agents
/// run at once. Recurring results are reported only when they change, as execd does, so a healthy resource
/// produces no traffic.
/// </summary>
public sealed class LocalExecutor : IAsyncDisposable
{
    private readonly IResourceAgentRunner _runner;
    private readonly TimeProvider _time;
    private readonly Func<RecurringResult, CancellationToken, ValueTask> _report;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<string, SemaphoreSlim> _lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationRequest> _recurring = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int ExitCode, ExecutionStatus Status)> _lastReported = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private RecurringMonitorSchedule _schedule;
    private Task? _loop;

    public LocalExecutor(IResourceAgentRunner runner, TimeProvider time, Func<RecurringResult, CancellationToken, ValueTask> reportRecurring,
        LocalExecutorOptions? options = null, ILogger<LocalExecutor>? log = null)
    {
        options ??= new LocalExecutorOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxConcurrentOperations);
        _runner = runner;
        _time = time;
        _report = reportRecurring;
        _log = (ILogger?)log ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrentOperations, options.MaxConcurrentOperations);
        _schedule = RecurringMonitorSchedule.Empty(options.MaxRecurringMonitors);
    }

    public RecurringMonitorSchedule Schedule { get { lock (_gate) return _schedule; } }

    /// <summary>Starts the loop that launches due recurring monitors.</summary>
    public void Start()
    {
        lock (_gate) _loop ??= Task.Run(() => LoopAsync(_stopping.Token));
    }

    /// <summary>Runs a one-shot operation after any operation already running on the same resource. A stop first
    /// cancels the resource's recurring monitors, so none reports the stopped resource as failed.</summary>
    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        if (request.Action == OperationNames.Stop) CancelRecurring(request.ResourceId);
        return await RunInLaneAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a recurring monitor (Interval &gt; 0); its first run is due after startDelay.</summary>
    public void StartRecurring(OperationRequest request, TimeSpan startDelay = default)
    {
        if (request.Interval <= TimeSpan.Zero) throw new ArgumentException($"{request.Key} is not recurring", nameof(request));
        lock (_gate)
        {
            _schedule = _schedule.Add(request.Key, request.ResourceId, request.Interval, _time.GetUtcNow(), startDelay);
            _recurring[request.Key] = request;
            _lastReported.Remove(request.Key);
        }
        Wake();
    }

    /// <summary>Stops one recurring monitor (by its operation key); false if none was registered under the key.</summary>
    public bool CancelRecurringMonitor(string key)
    {
        lock (_gate)
        {
            if (_schedule.Find(key) is null) return false;
            _recurring.Remove(key);
            _lastReported.Remove(key);
            _schedule = _schedule.Remove(key);
            return true;
        }
    }

    public void CancelRecurring(string resourceId)
    {
        lock (_gate)
        {
            foreach (var m in _schedule.Monitors.Where(m => m.ResourceId == resourceId))
            {
                _recurring.Remove(m.Key);
                _lastReported.Remove(m.Key);
            }
            _schedule = _schedule.RemoveResource(resourceId);
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            List<OperationRequest> due;
            DateTimeOffset? next;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                due = [];
                foreach (var m in _schedule.Due(now))
                {
                    _schedule = _schedule.Started(m.Key);
                    due.Add(_recurring[m.Key]);
                }
                next = _schedule.NextDueAt();
            }
            foreach (var request in due) _ = RunRecurringAsync(request, ct);
            // Nothing scheduled: sleep until woken. (Infinite is -1 ms: it must not be clamped to zero like an
            // overdue monitor's wait, or the loop spins.)
            var wait = next is null ? Timeout.InfiniteTimeSpan : next.Value - _time.GetUtcNow();
            if (next is not null && wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            // Sleep on the injected clock (simulations drive it), or until the schedule changes.
            using var nap = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(wait, _time, nap.Token);
            var woken = _wake.WaitAsync(nap.Token);
            await Task.WhenAny(delay, woken).ConfigureAwait(false);
            await nap.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(delay, woken).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private async Task RunRecurringAsync(OperationRequest request, CancellationToken ct)
    {
        OperationResult result;
        try { result = await RunInLaneAsync(request, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        catch (Exception e)
        {
            // An adapter bug must not silently freeze the monitor in flight: count it as a failed run.
            _log.LogError(e, "Agent runner threw for {Operation}", request.Key);
            result = new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Error, $"agent runner failed: {e.GetType().Name}", TimeSpan.Zero);
        }
        var completedAt = _time.GetUtcNow();
        bool report;
        lock (_gate)
        {
            // Cancelled while it ran: the resource is being stopped, so this result is stale.
            if (!_recurring.TryGetValue(request.Key, out var current)) return;
            _schedule = _schedule.Completed(request.Key, completedAt);
            // Redefined while it ran: the new definition's own runs report.
            if (!ReferenceEquals(current, request)) report = false;
            else
            {
                var outcome = (result.ExitCode, result.Status);
                report = !_lastReported.TryGetValue(request.Key, out var last) || last != outcome;
                _lastReported[request.Key] = outcome;
            }
        }
        Wake();
        if (!report) return;
        try { await _report(new RecurringResult(request, result, completedAt), ct).ConfigureAwait(false); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) { _log.LogError(e, "Reporting the result of {Operation} failed", request.Key); }
    }

    private async Task<OperationResult> RunInLaneAsync(OperationRequest request, CancellationToken ct)
    {
        SemaphoreSlim lane;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(request.ResourceId, out lane!)) _lanes[request.ResourceId] = lane = new SemaphoreSlim(1, 1);
        }
        await lane.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
            try { return await _runner.ExecuteAsync(request, ct).ConfigureAwait(false); }
            finally { _slots.Release(); }
        }
        finally { lane.Release(); }
    }

    private void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { } // already awake
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
