using System.Threading.Channels;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Events;

/// <summary>
/// The one engine event stream. Publish stamps each event with the next sequence number, keeps it in a bounded
/// replay buffer and hands it to every subscriber's own bounded channel. Publish never waits: a full subscriber
/// loses events (and counts them) instead of slowing the engine or the other subscribers.
/// </summary>
public sealed class EventHub : IEventSink, IDisposable
{
    public const int DefaultReplayCapacity = 1024;
    public const int DefaultSubscriberCapacity = 256;

    // One lock orders sequence assignment, the replay buffer and the channel writes, so every subscriber sees
    // events in sequence order and a new subscriber's replay joins the live stream without a hole or a duplicate.
    private readonly object _gate = new();
    private readonly ClusterEvent[] _replay;
    private int _replayStart;
    private int _replayCount;
    private long _lastSequence;
    private readonly List<EventSubscription> _subscribers = [];
    private long _droppedTotal;
    private bool _disposed;

    public EventHub(int replayCapacity = DefaultReplayCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replayCapacity, 1);
        _replay = new ClusterEvent[replayCapacity];
    }

    /// <summary>The sequence number of the last published event (0 before the first).</summary>
    public long LastSequence { get { lock (_gate) return _lastSequence; } }

    /// <summary>Events lost by all subscribers (past and present) because their channel was full.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    public int SubscriberCount { get { lock (_gate) return _subscribers.Count; } }

    public void Publish(ClusterEvent clusterEvent)
    {
        ArgumentNullException.ThrowIfNull(clusterEvent);
        lock (_gate)
        {
            if (_disposed) return;
            var stamped = clusterEvent with { Sequence = ++_lastSequence };
            AppendToReplay(stamped);
            foreach (var subscription in _subscribers)
                subscription.Offer(stamped);
        }
    }

    /// <summary>
    /// Subscribes to the stream. With afterSequence (an SSE Last-Event-ID) the subscription first receives the
    /// buffered events after it; when some of them are no longer buffered (or the id is from an earlier process),
    /// Gap is true and the subscription starts with the oldest event still buffered.
    /// Without afterSequence it receives only events published from now on.
    /// </summary>
    public EventSubscription Subscribe(long? afterSequence = null, int capacity = DefaultSubscriberCapacity,
        EventOverflow overflow = EventOverflow.DropOldest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var gap = false;
            var backlog = afterSequence is { } after ? Backlog(after, out gap) : [];
            gap |= backlog.Count > capacity;
            var subscription = new EventSubscription(this, capacity, overflow, gap,
                backlog.Count > 0 ? backlog[0].Sequence : _lastSequence + 1);
            // A backlog larger than the channel keeps its newest part: the client has a gap either way.
            foreach (var e in backlog.Count > capacity ? backlog.Skip(backlog.Count - capacity) : backlog)
                subscription.Offer(e);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>
    /// Feeds a sink from its own subscription on a background task, so a sink whose Publish is slow or throws
    /// holds up only itself. Dispose the returned handle to detach.
    /// </summary>
    public IDisposable Attach(IEventSink sink, int capacity = DefaultSubscriberCapacity)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var subscription = Subscribe(null, capacity);
        _ = Task.Run(async () =>
        {
            await foreach (var e in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try { sink.Publish(e); }
                catch (Exception) { subscription.CountFailure(); }
            }
        });
        return subscription;
    }

    internal void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate) _subscribers.Remove(subscription);
    }

    internal void CountDropped() => Interlocked.Increment(ref _droppedTotal);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var s in _subscribers) s.Complete();
            _subscribers.Clear();
        }
    }

    private void AppendToReplay(ClusterEvent e)
    {
        if (_replayCount < _replay.Length)
        {
            _replay[(_replayStart + _replayCount) % _replay.Length] = e;
            _replayCount++;
        }
        else
        {
            _replay[_replayStart] = e;
            _replayStart = (_replayStart + 1) % _replay.Length;
        }
    }

    private List<ClusterEvent> Backlog(long after, out bool gap)
    {
        var result = new List<ClusterEvent>();
        var oldest = _replayCount == 0 ? _lastSequence + 1 : _replay[_replayStart].Sequence;
        // Missing: events after `after` older than the buffer, or an id this process never issued (a restart).
        gap = after < oldest - 1 || after > _lastSequence || after < 0;
        var from = gap ? long.MinValue : after;
        for (var i = 0; i < _replayCount; i++)
        {
            var e = _replay[(_replayStart + i) % _replay.Length];
            if (e.Sequence > from) result.Add(e);
        }
        return result;
    }
}

/// <summary>What a full subscriber channel gives up: its oldest queued event or the newly published one.</summary>
public enum EventOverflow
{
    DropOldest,
    DropNewest,
}
