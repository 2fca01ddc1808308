using System.Collections.Immutable;
using System.Threading.Channels;

namespace HaApi.Engine.Ports;

/// <summary>
/// A closed process group with agreed, totally ordered delivery and virtual synchrony (corosync CPG semantics):
/// every member delivers the same messages in the same order, and views change at the same point in that order.
/// Implementations: corosync (production), Local (a single always-quorate node), Simulated (tests).
/// </summary>
public interface IGroupTransport : IAsyncDisposable
{
    /// <summary>This node's identity, known after StartAsync.</summary>
    GroupMember Local { get; }

    /// <summary>Joins the group. Throws TransportUnavailableException with the fix when the stack is not usable.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Queues a message for agreed delivery to every member, this node included.</summary>
    ValueTask MulticastAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>Deliveries and view changes in agreed order, read by the engine outside any native callback.</summary>
    ChannelReader<TransportEvent> Events { get; }
}

/// <summary>A group member: corosync node id, process id (distinguishes restarts), node name.</summary>
public sealed record GroupMember(uint NodeId, uint ProcessId, string Name);

public abstract record TransportEvent;

/// <summary>A message delivered in agreed order. Payload is a copy owned by the receiver.</summary>
public sealed record MessageDelivered(GroupMember Sender, byte[] Payload) : TransportEvent;

/// <summary>The group's membership changed; Members is the new view in a deterministic (node id) order.</summary>
public sealed record ViewChanged(
    ImmutableArray<GroupMember> Members,
    ImmutableArray<GroupMember> Joined,
    ImmutableArray<GroupMember> Left,
    ulong RingSequence) : TransportEvent;

/// <summary>
/// Quorum as the quorum service reports it (votequorum). RingSequence is the membership ring it was computed for
/// (0 when the transport does not number rings).
///
/// Ordering contract with <see cref="ViewChanged"/>: a view caused by a ring change (a node lost or found) is never
/// delivered with a quorum more permissive than its ring's. When the ring's quorum is lost, this event comes before
/// the view; when it holds, the view comes first and this event follows. So a reader that acts on a view with the
/// last quorum it saw never acts on a shrunken view as quorate because the quorum service had not spoken yet — the
/// race that let a node cut off alone fence the healthy majority. If the quorum service stays silent, the transport
/// reports not quorate (provisionally) before it releases the view.
/// </summary>
public sealed record QuorumChanged(
    bool Quorate,
    uint ExpectedVotes,
    uint TotalVotes,
    uint QuorumVotes,
    ImmutableArray<uint> Members,
    ulong RingSequence = 0) : TransportEvent;

/// <summary>The stack below is unusable (corosync stopped or not configured); the message says what to fix.</summary>
public sealed class TransportUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
