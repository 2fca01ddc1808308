using System.Collections.Immutable;
using HaApi.Engine.Execution;

namespace HaApi.Engine.Controller;

/// <summary>
/// The executing side of a dispatched action, on the node named in the request: runs it through this node's
/// <see cref="LocalExecutor"/> and turns the outcome into the <see cref="OperationResultRecorded"/> to multicast.
/// A recurring monitor is registered with the executor instead; its first result and every later change arrive
/// through the executor's report callback, which the host routes to <see cref="OnRecurringResult"/>.
/// </summary>
public sealed class NodeOperationRunner
{
    /// <summary>Bound on remembered recurring monitors, matching the executor's own bound.</summary>
    public const int MaxRecurring = RecurringMonitorSchedule.DefaultCapacity;

    private readonly string _localNode;
    private readonly LocalExecutor _executor;
    private readonly Func<bool> _startFailureIsFatal;
    private readonly TimeProvider _time;
    private readonly Action<ImmutableArray<AttributeUpdate>>? _publishAttributes;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActionRequest> _recurring = new(StringComparer.Ordinal);

    /// <param name="startFailureIsFatal">Reads start-failure-is-fatal from the current configuration.</param>
    /// <param name="publishAttributes">Receives the node attributes an agent set (promotion scores through
    /// crm_attribute), before the result they came with is returned, so they reach the DC first.</param>
    public NodeOperationRunner(string localNode, LocalExecutor executor, Func<bool> startFailureIsFatal, TimeProvider time,
        Action<ImmutableArray<AttributeUpdate>>? publishAttributes = null)
    {
        _publishAttributes = publishAttributes;
        _localNode = localNode;
        _executor = executor;
        _startFailureIsFatal = startFailureIsFatal;
        _time = time;
    }

    /// <summary>Runs a one-shot action and returns the record to multicast; null when the request is for another node
    /// or is a recurring monitor (its results come through <see cref="OnRecurringResult"/>).</summary>
    public async Task<OperationResultRecorded?> RunAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Node != _localNode) return null;
        var operation = new OperationRequest(request.ResourceId, request.Resource, request.Operation, request.Interval, request.Timeout,
            _localNode, request.ExtraMeta ?? ImmutableSortedDictionary<string, string>.Empty);
        if (request.Operation == OperationNames.Cancel) return Cancel(request);
        if (request.Interval > TimeSpan.Zero)
        {
            lock (_gate)
            {
                if (_recurring.Count >= MaxRecurring && !_recurring.ContainsKey(operation.Key))
                    throw new InvalidOperationException($"cannot register monitor '{operation.Key}': {MaxRecurring} recurring monitors already");
                _recurring[operation.Key] = request;
            }
            _executor.StartRecurring(operation);
            return null;
        }
        if (request.Operation == OperationNames.Stop)
            lock (_gate)
                foreach (var key in _recurring.Where(kv => kv.Value.ResourceId == request.ResourceId).Select(kv => kv.Key).ToList())
                    _recurring.Remove(key);
        var result = await _executor.ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
        if (result.AttributeUpdates.Length > 0) _publishAttributes?.Invoke(result.AttributeUpdates);
        return OperationReports.Create(request, result, _startFailureIsFatal(), _time.GetUtcNow());
    }

    /// <summary>
    /// Ends a recurring monitor and reports it cancelled (op-status 1), which removes it from the status history; a
    /// monitor already gone (the resource stopped, the node restarted) is reported the same way, so the cancel settles.
    /// </summary>
    private OperationResultRecorded Cancel(ActionRequest request)
    {
        var key = $"{request.ResourceId}_{OperationNames.Monitor}_{(long)request.Interval.TotalMilliseconds}";
        lock (_gate) _recurring.Remove(key);
        _executor.CancelRecurringMonitor(key);
        var monitor = request with { Operation = OperationNames.Monitor };
        var cancelled = new OperationResult((int)OcfExitCode.Success, ExecutionStatus.Cancelled, null, TimeSpan.Zero);
        return OperationReports.Create(monitor, cancelled, _startFailureIsFatal(), _time.GetUtcNow());
    }

    /// <summary>The record for a recurring monitor's changed result; null for a monitor this runner did not register.</summary>
    public OperationResultRecorded? OnRecurringResult(RecurringResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ActionRequest? request;
        lock (_gate) _recurring.TryGetValue(result.Request.Key, out request);
        if (request is not null && result.Result.AttributeUpdates.Length > 0) _publishAttributes?.Invoke(result.Result.AttributeUpdates);
        return request is null ? null : OperationReports.Create(request, result.Result, _startFailureIsFatal(), result.CompletedAt);
    }
}
