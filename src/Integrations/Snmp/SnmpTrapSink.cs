using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Snmp.Pacemaker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Integrations.Snmp;

/// <summary>
/// The built-in SNMP alert agent: sends a PACEMAKER-MIB pacemakerNotificationTrap for every engine event that
/// Pacemaker would hand its SNMP alert agent, to every recipient of every alert whose Agent is
/// <see cref="Alert.SnmpAgent"/>. Parameters are documented on <see cref="SnmpAlertParameters"/>.
/// <para>
/// Publish only enqueues (bounded; drops and counts when full). One dispatcher maps events to notifications and
/// hands them to one bounded queue per receiver, each drained by its own worker, so a receiver that times out
/// informs delays nobody else. Problems per receiver are logged at most once per
/// <see cref="SnmpTrapSinkOptions.LogInterval"/> (event ids in <see cref="SnmpSinkEventId"/>) and counted in the
/// public counters, which a metrics sink can read.
/// </para>
/// </summary>
public sealed class SnmpTrapSink : IEventSink, IAsyncDisposable
{
    private readonly SnmpTrapSinkOptions _options;
    private readonly ILogger _logger;
    private readonly SnmpNotificationSender _sender;
    private readonly Channel<ClusterEvent> _events;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _dispatcher;
    private readonly ConcurrentDictionary<(SnmpSinkEventId, string?, string?), RateLimit> _rateLimits = new();
    private readonly Lock _configGate = new();
    private ImmutableArray<RecipientWorker> _workers = [];

    private bool _disposed;
    private long _eventsPublished;
    private long _eventsDropped;
    private long _notificationsDropped;
    private long _trapsSent;
    private long _informsAcknowledged;
    private long _notificationsFailed;
    private long _resolutionFailures;

    /// <param name="alerts">The configured alerts; those whose Agent is not "haapi:snmp" are ignored.</param>
    /// <param name="options">Queue sizes, log interval, local engine id …; null for defaults.</param>
    /// <param name="logger">Receives rate-limited warnings; null discards them.</param>
    /// <exception cref="SnmpConfigurationException">An SNMP alert has an invalid parameter.</exception>
    public SnmpTrapSink(IEnumerable<Alert> alerts, SnmpTrapSinkOptions? options = null, ILogger<SnmpTrapSink>? logger = null)
    {
        _options = options ?? new SnmpTrapSinkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RecipientQueueCapacity, 1);
        _logger = logger ?? NullLogger<SnmpTrapSink>.Instance;
        _sender = new SnmpNotificationSender(new SnmpLocalEngine(
            _options.LocalEngineId ?? SnmpLocalEngine.TextEngineId(Environment.MachineName)));
        _events = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite only: "full" is reported, nothing is evicted
            SingleReader = true,
        });
        Configure(alerts);
        _dispatcher = Task.Run(DispatchAsync);
    }

    /// <summary>Our SNMPv3 engine id (hex) that receivers need for <c>createUser -e</c> to accept v3 traps.</summary>
    public string LocalEngineIdHex => _sender.LocalEngine.EngineIdHex;

    public long EventsPublished => Interlocked.Read(ref _eventsPublished);

    /// <summary>Events refused by Publish because the event queue was full.</summary>
    public long EventsDropped => Interlocked.Read(ref _eventsDropped);

    /// <summary>Notifications not sent because a receiver's queue was full.</summary>
    public long NotificationsDropped => Interlocked.Read(ref _notificationsDropped);

    public long TrapsSent => Interlocked.Read(ref _trapsSent);

    public long InformsAcknowledged => Interlocked.Read(ref _informsAcknowledged);

    /// <summary>Notifications that failed: inform timeouts, refusals, USM rejections, socket errors, unresolvable names.</summary>
    public long NotificationsFailed => Interlocked.Read(ref _notificationsFailed);

    /// <summary>Receiver names that could not be resolved (also counted in NotificationsFailed).</summary>
    public long ResolutionFailures => Interlocked.Read(ref _resolutionFailures);

    public int QueueLength => _events.Reader.Count;

    public IReadOnlyList<SnmpRecipientSettings> Recipients => _workers.Select(w => w.Settings).ToList();

    /// <summary>
    /// Replaces the alert configuration atomically (validated first; on error the old one stays). Receivers whose
    /// settings were replaced finish what is already queued for them.
    /// </summary>
    /// <exception cref="SnmpConfigurationException">An SNMP alert has an invalid parameter.</exception>
    public void Configure(IEnumerable<Alert> alerts)
    {
        var settings = alerts.Where(a => a.Agent == Alert.SnmpAgent).SelectMany(SnmpRecipientSettings.FromAlert).ToList();
        var workers = settings.Select(s => new RecipientWorker(this, s)).ToImmutableArray();
        ImmutableArray<RecipientWorker> old;
        lock (_configGate)
        {
            old = _workers;
            _workers = workers;
        }
        foreach (var w in old) w.Complete();
        SnmpSinkLog.ConfigurationApplied(_logger, workers.Length);
    }

    public void Publish(ClusterEvent clusterEvent)
    {
        Interlocked.Increment(ref _eventsPublished);
        if (_events.Writer.TryWrite(clusterEvent)) return;
        Interlocked.Increment(ref _eventsDropped);
        if (Volatile.Read(ref _disposed)) return; // shutting down: dropping is expected, not a full queue
        if (ShouldLog(SnmpSinkEventId.EventQueueFull, null, null, out long suppressed))
            SnmpSinkLog.EventQueueFull(_logger, _options.QueueCapacity, suppressed);
    }

    private async Task DispatchAsync()
    {
        await foreach (var clusterEvent in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Dispatch(clusterEvent);
            }
            catch (Exception e)
            {
                // A bug in mapping one event must not silence every later trap: log it loudly and go on.
                Interlocked.Increment(ref _notificationsFailed);
                if (ShouldLog(SnmpSinkEventId.MappingFailed, null, clusterEvent.GetType().Name, out long suppressed))
                    SnmpSinkLog.MappingFailed(_logger, e, clusterEvent.GetType().Name, suppressed);
            }
        }
    }

    private void Dispatch(ClusterEvent clusterEvent)
    {
        var notification = PacemakerNotificationMapper.Map(clusterEvent);
        if (notification is null) return;
        var workers = _workers;
        uint upTime = _options.UpTime?.Invoke() ?? (uint)(Environment.TickCount64 / 10 % (1L << 32));
        foreach (var worker in workers)
        {
            if (!worker.Settings.Filter.Allows(notification)) continue;
            var varBinds = worker.Settings.Builder.Build(notification, upTime, _options.TimeZone);
            if (worker.TryEnqueue(varBinds)) continue;
            Interlocked.Increment(ref _notificationsDropped);
            if (ShouldLog(SnmpSinkEventId.RecipientQueueFull, worker.Settings.AlertId, worker.EndpointText, out long suppressed))
                SnmpSinkLog.RecipientQueueFull(_logger, worker.EndpointText, worker.Settings.AlertId, _options.RecipientQueueCapacity, suppressed);
        }
    }

    /// <summary>At most one message per problem, alert and receiver per LogInterval, so a dead receiver cannot flood the log.</summary>
    private bool ShouldLog(SnmpSinkEventId id, string? alertId, string? recipient, out long suppressed)
    {
        var limit = _rateLimits.GetOrAdd((id, alertId, recipient), static _ => new RateLimit());
        return limit.ShouldReport(_options.LogInterval, out suppressed);
    }

    /// <summary>Sends what is queued (bounded: about 2 s per stage), then stops the workers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, true)) return;
        _events.Writer.TryComplete();
        await WaitBounded(_dispatcher).ConfigureAwait(false);
        var workers = _workers;
        foreach (var w in workers) w.Complete();
        var finished = Task.WhenAll(workers.Select(w => w.Completion));
        await WaitBounded(finished).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await WaitBounded(finished).ConfigureAwait(false);
        _sender.Dispose();
    }

    private static async Task WaitBounded(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Bounded shutdown: whatever is still running is cancelled next or abandoned.
        }
    }

    /// <summary>At most one report per key and interval; counts what it swallowed in between.</summary>
    private sealed class RateLimit
    {
        private readonly Lock _gate = new();
        private long _lastReported = long.MinValue;
        private long _suppressed;

        public bool ShouldReport(TimeSpan interval, out long suppressed)
        {
            lock (_gate)
            {
                long now = Stopwatch.GetTimestamp();
                if (_lastReported != long.MinValue && Stopwatch.GetElapsedTime(_lastReported, now) < interval)
                {
                    _suppressed++;
                    suppressed = 0;
                    return false;
                }
                _lastReported = now;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }
        }
    }

    /// <summary>Owns one receiver: its queue, its resolved address and the worker that sends to it.</summary>
    private sealed class RecipientWorker
    {
        private readonly SnmpTrapSink _sink;
        private readonly Channel<ImmutableArray<VarBind>> _queue;
        private IPEndPoint? _resolved;
        private long _resolvedAt;

        public RecipientWorker(SnmpTrapSink sink, SnmpRecipientSettings settings)
        {
            _sink = sink;
            Settings = settings;
            EndpointText = settings.Endpoint.ToString();
            _queue = Channel.CreateBounded<ImmutableArray<VarBind>>(new BoundedChannelOptions(sink._options.RecipientQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
            Completion = Task.Run(RunAsync);
        }

        public SnmpRecipientSettings Settings { get; }

        public string EndpointText { get; }

        public Task Completion { get; }

        public bool TryEnqueue(ImmutableArray<VarBind> varBinds) => _queue.Writer.TryWrite(varBinds);

        public void Complete() => _queue.Writer.TryComplete();

        private async Task RunAsync()
        {
            var ct = _sink._stopping.Token;
            try
            {
                await foreach (var varBinds in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    await SendAsync(varBinds, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down.
            }
        }

        private async Task SendAsync(ImmutableArray<VarBind> varBinds, CancellationToken ct)
        {
            var endpoint = EndpointText;
            var target = await ResolveAsync(ct).ConfigureAwait(false);
            if (target is null) return;
            SnmpSendResult result;
            try
            {
                result = await _sink._sender.SendAsync(target, Settings.Security, varBinds, Settings.Inform,
                    Settings.InformTimeout, Settings.InformRetries, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // Exception messages here come from sockets and crypto, never from our secrets; the type is enough.
                Interlocked.Increment(ref _sink._notificationsFailed);
                if (_sink.ShouldLog(SnmpSinkEventId.SendError, Settings.AlertId, endpoint, out long suppressed))
                    SnmpSinkLog.SendError(_sink._logger, endpoint, Settings.AlertId, e.GetType().Name, suppressed);
                return;
            }

            switch (result.Outcome)
            {
                case SnmpSendOutcome.Sent:
                    Interlocked.Increment(ref _sink._trapsSent);
                    break;
                case SnmpSendOutcome.Acknowledged:
                    Interlocked.Increment(ref _sink._informsAcknowledged);
                    break;
                case SnmpSendOutcome.Rejected:
                    Interlocked.Increment(ref _sink._notificationsFailed);
                    if (_sink.ShouldLog(SnmpSinkEventId.ReceiverRejected, Settings.AlertId, endpoint, out long rejectedSuppressed))
                        SnmpSinkLog.ReceiverRejected(_sink._logger, endpoint, Settings.AlertId, result.Detail, rejectedSuppressed);
                    break;
                default:
                    Interlocked.Increment(ref _sink._notificationsFailed);
                    _resolved = null; // the name may point elsewhere by now
                    if (_sink.ShouldLog(SnmpSinkEventId.ReceiverUnreachable, Settings.AlertId, endpoint, out long unreachableSuppressed))
                    {
                        SnmpSinkLog.ReceiverUnreachable(_sink._logger, endpoint, target.ToString(), Settings.AlertId, result.Outcome,
                            result.Detail, result.Attempts, unreachableSuppressed);
                    }
                    break;
            }
        }

        private async Task<IPEndPoint?> ResolveAsync(CancellationToken ct)
        {
            var options = _sink._options;
            if (_resolved is not null && Stopwatch.GetElapsedTime(_resolvedAt) < options.ResolveCacheTime) return _resolved;
            var literal = Settings.Endpoint.Literal;
            if (literal is not null) return _resolved = new IPEndPoint(literal, Settings.Endpoint.Port);

            string problem;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.ResolveTimeout);
                var resolve = options.Resolve ?? ((host, token) => Dns.GetHostAddressesAsync(host, token));
                var addresses = await resolve(Settings.Endpoint.Host, timeout.Token).ConfigureAwait(false);
                var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
                if (address is not null)
                {
                    _resolvedAt = Stopwatch.GetTimestamp();
                    return _resolved = new IPEndPoint(address, Settings.Endpoint.Port);
                }
                problem = "no addresses";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = $"resolution timed out after {options.ResolveTimeout.TotalMilliseconds:0} ms";
            }
            catch (SocketException e)
            {
                problem = e.SocketErrorCode.ToString();
            }
            catch (ArgumentException)
            {
                problem = "not a valid host name";
            }
            Interlocked.Increment(ref _sink._resolutionFailures);
            Interlocked.Increment(ref _sink._notificationsFailed);
            if (_sink.ShouldLog(SnmpSinkEventId.ReceiverUnresolvable, Settings.AlertId, EndpointText, out long suppressed))
                SnmpSinkLog.ReceiverUnresolvable(_sink._logger, Settings.Endpoint.Host, Settings.AlertId, problem, suppressed);
            return null;
        }
    }
}
