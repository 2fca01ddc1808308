using System.Collections.Immutable;
using System.Threading.Channels;
using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging;

namespace HaApi.Engine.Controller;

/// <summary>
/// One node's controller and executor, joined to the replica's delivery order: the replica's notifications become
/// inputs of the <see cref="TransitionEngine"/> (through the <see cref="ControllerLoop"/>), action requests addressed
/// to this node run on its <see cref="LocalExecutor"/>, and everything the engine sends (requests, status records)
/// is multicast in agreed order, so every node's status changes at the same point.
/// </summary>
public sealed class ClusterController : IReplicaObserver, IActionDispatcher, IStatusPublisher, IAsyncDisposable
{
    private readonly IGroupTransport _transport;
    private readonly IResourceAgentRunner _agents;
    private readonly Func<FencingCallback, IFencing> _fencing;
    private readonly IEventSink _events;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    private readonly ControllerOptions? _options;
    private readonly LocalExecutorOptions? _executorOptions;
    private readonly Channel<ClusterMessage> _outgoing = Channel.CreateUnbounded<ClusterMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource> _cleanups = new();
    // Requests delivered and not yet answered, as every node sees them in the agreed order (owned by the loop).
    private readonly Dictionary<string, DeliveredAction> _inFlight = new(StringComparer.Ordinal);
    // Built once the transport has started (this node's name comes from it): see EnsureStarted.
    private string _localNode = "";
    private ControllerLoop? _loop;
    private LocalExecutor? _executor;
    private NodeOperationRunner? _runner;
    private FailoverTracker? _failovers;
    private Task? _sender;
    private int _disposed;
    private volatile ClusterConfig _config = ClusterConfig.Empty;
    private volatile ControllerView _view = ControllerView.Empty;

    /// <param name="fencing">Builds the fencing port, given the callback through which it reports outcomes.</param>
    public ClusterController(IGroupTransport transport, IResourceAgentRunner agents,
        Func<FencingCallback, IFencing> fencing, IEventSink events, TimeProvider time, ILoggerFactory logs,
        ControllerOptions? options = null, LocalExecutorOptions? executorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(fencing);
        ArgumentNullException.ThrowIfNull(logs);
        _transport = transport;
        _agents = agents;
        _fencing = fencing;
        _events = events;
        _time = time;
        _logs = logs;
        _log = logs.CreateLogger<ClusterController>();
        _options = options;
        _executorOptions = executorOptions;
    }

    /// <summary>What this node's controller knows, as of its last processed input (safe to read from any thread).</summary>
    public ControllerView View => _view;

    /// <summary>Builds and starts the engine, executor and sender on the first notification, which the replica sends
    /// once the transport has started (called on the replica's single delivery path, so never concurrently).</summary>
    private ControllerLoop EnsureStarted()
    {
        if (_loop is not null) return _loop;
        _localNode = _transport.Local.Name;
        var engine = new TransitionEngine(_localNode, this, _fencing(ReportFencing), this, _time, _options, _logs.CreateLogger<TransitionEngine>());
        _executor = new LocalExecutor(_agents, _time, OnRecurringAsync, _executorOptions, _logs.CreateLogger<LocalExecutor>());
        _runner = new NodeOperationRunner(_localNode, _executor, () => _config.Properties.StartFailureIsFatal, _time,
            updates => { foreach (var u in updates) _outgoing.Writer.TryWrite(new TransientAttributeSet(_localNode, u.Name, u.Value)); });
        _failovers = new FailoverTracker(_localNode, _events);
        _executor.Start();
        _sender = Task.Run(() => SendAsync(_stopping.Token));
        var loop = new ControllerLoop(engine, _time, afterEach: Publish, log: _logs.CreateLogger<ControllerLoop>());
        loop.Start();
        return _loop = loop;
    }

    /// <summary>Asks every node to forget the resource's failures and history (a cleanup) in agreed order; completes
    /// once this node has applied it and <see cref="View"/> shows it.</summary>
    public async Task CleanupAsync(string? resourceId, string? node, string author, CancellationToken cancellationToken)
    {
        var cleanup = new ResourceCleanup(Guid.NewGuid(), resourceId, node, author, _time.GetUtcNow());
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cleanups[cleanup.Id] = applied;
        try
        {
            await _transport.MulticastAsync(cleanup.Encode(), cancellationToken).ConfigureAwait(false);
            await applied.Task.WaitAsync(TimeSpan.FromSeconds(30), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the cleanup of {resourceId ?? "all resources"} was not delivered back within 30s; the cluster may be re-forming");
        }
        finally
        {
            _cleanups.TryRemove(cleanup.Id, out _);
        }
    }

    /// <summary>
    /// The operator confirms Target is down (pcs stonith confirm): recorded in agreed order exactly as a successful
    /// fencing, so recovery waiting on that node's fencing proceeds. Only for a node outside the membership.
    /// </summary>
    public ValueTask ConfirmFencedAsync(string target, CancellationToken cancellationToken) =>
        _transport.MulticastAsync(new NodeFenced(target, "off", _time.GetUtcNow()).Encode(), cancellationToken);

    public async ValueTask ObserveAsync(ReplicaNotification notification, CancellationToken cancellationToken)
    {
        var loop = EnsureStarted();
        switch (notification)
        {
            case ConfigurationApplied c:
                _config = c.Config;
                await loop.PostAsync(e => e.ConfigurationChanged(c.Config), cancellationToken).ConfigureAwait(false);
                break;
            case ViewDelivered v:
                await loop.PostAsync(e =>
                {
                    // Work on a node that left will never report.
                    foreach (var key in _inFlight.Where(kv => !v.Members.Any(m => m.Name == kv.Value.Request.Node)).Select(kv => kv.Key).ToList())
                        _inFlight.Remove(key);
                    e.ViewChanged(v.Members, v.Quorate);
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ViewSynchronised v:
                await loop.PostAsync(e => e.MembershipChanged(v.Members, v.Dc, v.Quorate), cancellationToken).ConfigureAwait(false);
                break;
            case QuorumNotified q:
                await loop.PostAsync(e => e.QuorumChanged(q.Quorate), cancellationToken).ConfigureAwait(false);
                break;
            case TransientAttributesChanged a:
                await loop.PostAsync(e => e.AttributesChanged(a.Node, a.Attributes), cancellationToken).ConfigureAwait(false);
                break;
            case RecordDelivered { Message: ActionRequest request }:
                await loop.PostAsync(e =>
                {
                    e.Deliver(request);
                    _inFlight[request.TransitionKey] = new DeliveredAction(request, _time.GetUtcNow());
                }, cancellationToken).ConfigureAwait(false);
                if (request.Node == _localNode) _ = RunAsync(request);
                break;
            case RecordDelivered { Message: ResourceCleanup cleanup }:
                await loop.PostAsync(e => e.Deliver(cleanup), cancellationToken).ConfigureAwait(false);
                // A separate input: it runs after the cleanup's view has been published.
                if (_cleanups.TryGetValue(cleanup.Id, out var applied))
                    await loop.PostAsync(_ => applied.TrySetResult(), cancellationToken).ConfigureAwait(false);
                break;
            case RecordDelivered { Message: OperationResultRecorded result }:
                await loop.PostAsync(e =>
                {
                    if (result.TransitionKey is { } key) _inFlight.Remove(key);
                    e.Deliver(result);
                }, cancellationToken).ConfigureAwait(false);
                break;
            case RecordDelivered { Message: NodeFenced or FailCountsCleared or NodeLeaving } r:
                await loop.PostAsync(e => e.Deliver(r.Message), cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    void IActionDispatcher.Dispatch(ActionRequest request) => _outgoing.Writer.TryWrite(request);

    void IStatusPublisher.Publish(ClusterMessage record) => _outgoing.Writer.TryWrite(record);

    private void ReportFencing(string transitionKey, string target, bool succeeded, string? reason) =>
        _ = PostQuietlyAsync(e => e.FencingCompleted(transitionKey, target, succeeded, reason));

    private async Task PostQuietlyAsync(Action<TransitionEngine> input)
    {
        try { await _loop!.PostAsync(input, _stopping.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (ChannelClosedException) { }
        catch (ObjectDisposedException) { } // a fencing that ends after the node stopped: nobody to tell
    }

    /// <summary>Runs on the controller loop after every input: publishes the view readers see.</summary>
    private void Publish(TransitionEngine engine)
    {
        var history = engine.History;
        // A recurring monitor stays registered after its first result; only one-shot work and first monitor runs count.
        _view = new ControllerView(engine.Status.Current, engine.Status.Version, engine.IsDc,
            [.. _inFlight.Values.OrderBy(a => a.DeliveredAt).ThenBy(a => a.Request.TransitionKey, StringComparer.Ordinal)],
            history.Count == 0 ? null : history[^1]);
        if (engine.IsDc && history.Count > 0) _failovers!.Observe(history[^1], engine.Status.Current, _time.GetUtcNow());
    }

    private async Task RunAsync(ActionRequest request)
    {
        var agent = $"{request.Resource.Class.ToWire()}:{(request.Resource.Provider is null ? "" : request.Resource.Provider + ":")}{request.Resource.Type}";
        if (request.Interval == TimeSpan.Zero)
            _events.Publish(new ResourceOperationStarted(_time.GetUtcNow(), _localNode, _localNode, request.ResourceId, agent, request.Operation, request.Interval));
        OperationResultRecorded? record;
        try
        {
            record = await _runner!.RunAsync(request, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Never leave the DC waiting for a result that will not come: report the failure as the result.
            _log.LogError(e, "Running {Operation} of {Resource} failed in the executor", request.Operation, request.ResourceId);
            record = OperationReports.Create(request, new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Error,
                $"executor failure: {e.Message}", TimeSpan.Zero), _config.Properties.StartFailureIsFatal, _time.GetUtcNow());
        }
        if (record is null) return;
        Report(record, agent);
    }

    private ValueTask OnRecurringAsync(RecurringResult result, CancellationToken cancellationToken)
    {
        if (_runner!.OnRecurringResult(result) is { } record)
            Report(record, $"{result.Request.Resource.Class.ToWire()}:{result.Request.Resource.Type}");
        return ValueTask.CompletedTask;
    }

    private void Report(OperationResultRecorded record, string agent)
    {
        _events.Publish(new ResourceOperationCompleted(record.Time, _localNode, _localNode, record.ResourceId, agent, record.Operation, record.Interval,
            record.RcCode, record.ExpectedRc, OperationReports.ExecutionStatusOf(record.OpStatus).ToString(), record.ExitReason, TimeSpan.FromMilliseconds(record.ExecTimeMs)));
        if (record.IsFailure)
            _log.LogWarning("{Operation} of {Resource} on {Node} failed: {Result}{Reason}", OperationLabel(record), record.ResourceId, _localNode,
                ExitCodeText.Format(record.RcCode), record.ExitReason is null ? "" : $" ({record.ExitReason})");
        else if (!record.IsProbe)
            _log.LogInformation("{Operation} of {Resource} on {Node}: {Result} in {Ms} ms", OperationLabel(record), record.ResourceId, _localNode,
                ExitCodeText.Format(record.RcCode), record.ExecTimeMs);
        _outgoing.Writer.TryWrite(record);
    }

    private static string OperationLabel(OperationResultRecorded r) =>
        r.IsProbe ? "probe" : r.Interval > TimeSpan.Zero ? $"{r.Operation} ({r.Interval.TotalSeconds:0}s)" : r.Operation;

    /// <summary>Multicasts in the order the engine and executor produced messages; a failed send is retried, since a
    /// lost result would leave the DC waiting until cluster-delay.</summary>
    private async Task SendAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var payload = message.Encode();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await _transport.MulticastAsync(payload, ct).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException && attempt < 20)
                    {
                        _log.LogWarning("Multicasting {Message} failed (attempt {Attempt}): {Reason}", message.GetType().Name, attempt, e.Message);
                        await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), _time, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogCritical(e, "The controller can no longer multicast; this node's results will not reach the DC");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host stops the controller and then the container disposes it: the second call must be harmless.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _outgoing.Writer.TryComplete();
        if (_loop is not null) await _loop.DisposeAsync().ConfigureAwait(false);
        if (_executor is not null) await _executor.DisposeAsync().ConfigureAwait(false);
        if (_sender is not null) await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}

/// <summary>An action request as delivered to every node, awaiting its result.</summary>
public sealed record DeliveredAction(ActionRequest Request, DateTimeOffset DeliveredAt);

/// <summary>How the fencing port reports an outcome back to the controller.</summary>
public delegate void FencingCallback(string transitionKey, string target, bool succeeded, string? reason);

/// <summary>The controller's state for readers: the replicated status, whether this node is DC, the actions dispatched
/// and not yet answered (every node sees the requests) and the latest transition (DC only).</summary>
public sealed record ControllerView(ClusterStatus Status, long StatusVersion, bool IsDc, ImmutableArray<DeliveredAction> InFlight, TransitionRecord? LastTransition)
{
    public static readonly ControllerView Empty = new(ClusterStatus.Empty, 0, false, [], null);
}
