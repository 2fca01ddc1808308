using System.Threading.Channels;

namespace HaApi.Engine.Events;

/// <summary>
/// One subscriber's view of the event stream: a bounded channel of its own. Dispose to unsubscribe; the reader
/// then completes.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<ClusterEvent> _channel;
    private readonly EventOverflow _overflow;
    private long _dropped;
    private long _sinkFailures;

    internal EventSubscription(EventHub hub, int capacity, EventOverflow overflow, bool gap, long firstSequence)
    {
        _hub = hub;
        _overflow = overflow;
        Gap = gap;
        FirstSequence = firstSequence;
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = overflow == EventOverflow.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = true,
        };
        _channel = Channel.CreateBounded<ClusterEvent>(options, _ => CountDropped());
    }

    public ChannelReader<ClusterEvent> Reader => _channel.Reader;

    /// <summary>True when events the subscriber asked to resume after are no longer available (an SSE client must resync).</summary>
    public bool Gap { get; }

    /// <summary>The sequence number of the first event this subscription delivers (or will deliver).</summary>
    public long FirstSequence { get; }

    /// <summary>Events this subscriber lost because its channel was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events an attached sink threw on (see EventHub.Attach).</summary>
    public long SinkFailures => Interlocked.Read(ref _sinkFailures);

    internal void Offer(ClusterEvent e)
    {
        // DropNewest uses FullMode.Wait so that TryWrite fails instead of waiting; the hub never awaits.
        if (!_channel.Writer.TryWrite(e) && _overflow == EventOverflow.DropNewest)
            CountDropped();
    }

    internal void Complete() => _channel.Writer.TryComplete();

    internal void CountFailure() => Interlocked.Increment(ref _sinkFailures);

    private void CountDropped()
    {
        Interlocked.Increment(ref _dropped);
        _hub.CountDropped();
    }

    public void Dispose()
    {
        _hub.Unsubscribe(this);
        Complete();
    }
}
