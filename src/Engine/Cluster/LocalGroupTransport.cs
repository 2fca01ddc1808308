using System.Collections.Immutable;
using System.Threading.Channels;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Cluster;

/// <summary>
/// A group of one: this node alone, always quorate. What `haapi` runs when no corosync is configured, so a
/// single machine is a working one-node cluster.
/// </summary>
public sealed class LocalGroupTransport(string nodeName, uint nodeId = 1) : IGroupTransport
{
    private readonly Channel<TransportEvent> events = Channel.CreateBounded<TransportEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public GroupMember Local { get; } = new(nodeId, (uint)Environment.ProcessId, nodeName);

    public ChannelReader<TransportEvent> Events => events.Reader;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ImmutableArray<GroupMember> members = [Local];
        await events.Writer.WriteAsync(new ViewChanged(members, members, [], 1), cancellationToken);
        await events.Writer.WriteAsync(new QuorumChanged(true, 1, 1, 1, [Local.NodeId], RingSequence: 1), cancellationToken);
    }

    public ValueTask MulticastAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(new MessageDelivered(Local, message.ToArray()), cancellationToken);

    public ValueTask DisposeAsync()
    {
        events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
