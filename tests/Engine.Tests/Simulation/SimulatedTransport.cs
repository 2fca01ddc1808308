using System.Threading.Channels;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// One node's end of the simulated network. Multicasts go to the network, which appends them to the inbound queue
/// of every member of the sender's component at once; the driver hands inbound events to the node's replica one at
/// a time. Everything runs on the driver's thread, so a seed replays exactly.
/// </summary>
internal sealed class SimulatedTransport(SimulatedNetwork network, GroupMember local) : IGroupTransport
{
    public GroupMember Local { get; } = local;

    public Queue<TransportEvent> Inbound { get; } = new();

    /// <summary>Unused: the driver delivers events itself (never a background reader).</summary>
    public ChannelReader<TransportEvent> Events => throw new NotSupportedException("the simulation delivers events step by step");

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask MulticastAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        network.Multicast(Local, message.ToArray());
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
