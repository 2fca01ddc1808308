using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// The engine's group transport over corosync: CPG (CPG_MODEL_V1, agreed order) for messages and views, votequorum
/// for quorum, cmap for node names and the effective token timeout. HaApi must run in corosync's network namespace
/// and share its /dev/shm (libqb's IPC lives there), as root or as a uid allowed by corosync's uidgid settings.
/// </summary>
public sealed class CorosyncTransport : IGroupTransport
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OpenGrace = TimeSpan.FromSeconds(1);

    private readonly CorosyncTransportOptions _options;
    private readonly ILogger _log;
    private readonly Channel<TransportEvent> _events;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _header = new byte[FragmentHeader.Size];
    private CorosyncConnection? _connection;
    private DispatchLoop? _dispatch;
    private GroupMember? _local;
    private ulong _nextMessageId;
    private int _state; // 0 new, 1 starting or started, 2 disposed

    public CorosyncTransport(CorosyncTransportOptions? options = null, ILogger<CorosyncTransport>? log = null)
    {
        _options = options ?? new CorosyncTransportOptions();
        _log = (ILogger?)log ?? NullLogger.Instance;
        _options.Validate();
        // The dispatch thread is the only writer; the engine is the only reader.
        _events = Channel.CreateBounded<TransportEvent>(new BoundedChannelOptions(_options.EventQueueCapacity)
        {
            SingleWriter = true,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public GroupMember Local => _local ?? throw new InvalidOperationException("Local is known once StartAsync has completed.");

    /// <summary>Deliveries, views and quorum changes. Completes with a TransportUnavailableException if corosync goes away.</summary>
    public ChannelReader<TransportEvent> Events => _events.Reader;

    /// <summary>corosync's nodelist (cmap), ordered by node id. Known after StartAsync.</summary>
    public ImmutableArray<CorosyncNode> Nodes => _connection?.Nodes ?? [];

    /// <summary>The effective totem token (runtime.config.totem.token, after token_coefficient). Known after StartAsync.</summary>
    public TimeSpan TokenTimeout => _connection?.TokenTimeout ?? TimeSpan.Zero;

    /// <summary>The latest votequorum detail, including the quorum device; null before the first notification.</summary>
    public CorosyncQuorumInfo? Quorum => _dispatch?.Quorum;

    /// <summary>Fragments discarded because their message could not complete (sender left mid-message, foreign traffic).</summary>
    public long DroppedFragments => _dispatch?.DroppedFragments ?? 0;

    /// <summary>Bytes per fragment, header included.</summary>
    internal int FragmentBytes { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("StartAsync can be called once, before DisposeAsync.");

        var opening = Task.Run(() => CorosyncConnection.Open(_options, cancellationToken), cancellationToken);
        CorosyncConnection connection;
        try
        {
            // A corosync that accepts the socket but never answers (stopped with SIGSTOP, wedged) would block the
            // native call forever; the engine gets an answer anyway, and a late connection is closed, not leaked.
            connection = await opening.WaitAsync(_options.StartTimeout + OpenGrace, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _ = opening.ContinueWith(t => t.Result.Close(), TaskContinuationOptions.OnlyOnRanToCompletion);
            if (e is OperationCanceledException)
                throw;
            throw CorosyncUnavailable.NotAnswering(_options.StartTimeout + OpenGrace);
        }
        var dispatch = new DispatchLoop(connection, _events.Writer, _options, _log);
        _connection = connection;
        _dispatch = dispatch;
        FragmentBytes = Math.Min(_options.MaxFragmentBytes ?? int.MaxValue, connection.MaxAtomicMessageBytes);
        dispatch.Start();

        try
        {
            await dispatch.Joined.WaitAsync(_options.StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw CorosyncUnavailable.JoinTimedOut(_options.GroupName, _options.StartTimeout);
        }
        _local = new GroupMember(connection.LocalNodeId, (uint)Environment.ProcessId, dispatch.NameOf(connection.LocalNodeId));
    }

    public async ValueTask MulticastAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (message.Length > _options.MaxMessageBytes)
            throw new ArgumentException(
                $"message of {message.Length} bytes exceeds MaxMessageBytes ({_options.MaxMessageBytes}).", nameof(message));
        var connection = _connection;
        if (connection is null || _local is null || Volatile.Read(ref _state) != 1)
            throw new InvalidOperationException("MulticastAsync needs a started, undisposed transport.");

        // One message at a time, so one sender's fragments are never interleaved and its messages keep their order.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            var fragmentPayload = FragmentBytes - FragmentHeader.Size;
            var count = FragmentHeader.FragmentCountFor(message.Length, fragmentPayload);
            var messageId = ++_nextMessageId;
            for (uint index = 0; index < count; index++)
            {
                var offset = (int)(index * (long)fragmentPayload);
                var slice = message.Slice(offset, Math.Min(fragmentPayload, message.Length - offset));
                new FragmentHeader(messageId, index, count, (uint)message.Length).Write(_header);
                await SendFragmentAsync(connection, slice, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// CS_ERR_TRY_AGAIN is corosync's only flow-control signal (full IPC ring, totem queue, membership sync): back off
    /// from 1 ms to 100 ms and give up after SendTimeout.
    /// </summary>
    private async ValueTask SendFragmentAsync(CorosyncConnection connection, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            if (_dispatch?.HasEnded == true || Volatile.Read(ref _state) != 1)
                throw new TransportUnavailableException("the corosync transport is closed; no message can be sent.");
            var rc = connection.Multicast(_header, payload.Span);
            if (rc == CsError.Ok)
                return;
            if (rc is not (CsError.TryAgain or CsError.QueueFull))
                throw CorosyncUnavailable.ConnectionLost(rc);
            if (elapsed.Elapsed > _options.SendTimeout)
                throw CorosyncUnavailable.SendTimedOut(_options.SendTimeout);
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
            return;
        // A send in flight finishes its current attempt (bounded) before the handles go away under it.
        var sendStopped = await _sendLock.WaitAsync(StopTimeout);
        try
        {
            // Finalizing under a dispatch that is still running would free memory it uses; leaking beats crashing.
            if (_dispatch?.Stop(StopTimeout) != false)
                _connection?.Close();
        }
        finally
        {
            if (sendStopped)
                _sendLock.Release();
            _events.Writer.TryComplete();
        }
    }
}
