using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Cluster;

/// <summary>
/// Follows the replica's delivery order: everything a controller needs, at the point of the agreed order where it
/// happened, so that every node sees the same sequence. Called on the delivery loop; an observer queues the
/// notification (waiting when its queue is full) and never does the work inside the call.
/// </summary>
public interface IReplicaObserver
{
    ValueTask ObserveAsync(ReplicaNotification notification, CancellationToken cancellationToken);
}

public abstract record ReplicaNotification;

/// <summary>The configuration this node starts with (loaded from its store) or a newly applied one.</summary>
public sealed record ConfigurationApplied(ClusterConfig Config) : ReplicaNotification;

/// <summary>A new view was delivered; the members have not synchronised yet, so there is no DC.</summary>
public sealed record ViewDelivered(ImmutableArray<GroupMember> Members, bool Quorate) : ReplicaNotification;

/// <summary>The members of the view agree on the configuration; Dc is the designated controller.</summary>
public sealed record ViewSynchronised(ImmutableArray<GroupMember> Members, string Dc, bool Quorate) : ReplicaNotification;

public sealed record QuorumNotified(bool Quorate) : ReplicaNotification;

/// <summary>A node's replicated transient attributes now read as Attributes.</summary>
public sealed record TransientAttributesChanged(string Node, ImmutableSortedDictionary<string, string> Attributes) : ReplicaNotification;

/// <summary>A message the replica does not handle itself (controller records), from a member of the view.</summary>
public sealed record RecordDelivered(GroupMember Sender, ClusterMessage Message) : ReplicaNotification;
