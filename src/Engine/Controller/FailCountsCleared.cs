using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// A resource's fail count and last failure on Node were reset (failure-timeout expired, or a cleanup), sent by the
/// DC so every node applies the same reset at the same point of the delivery order. A null ResourceId resets every
/// resource on the node.
/// </summary>
public sealed record FailCountsCleared(string Node, string? ResourceId, DateTimeOffset Time) : ClusterMessage;
