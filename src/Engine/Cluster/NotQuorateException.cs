namespace HaApi.Engine.Cluster;

/// <summary>A write was refused because this node is not in a quorate partition.</summary>
public sealed class NotQuorateException(string node) : Exception(
    $"node {node} is not in a quorate partition: configuration changes need quorum so that no two partitions diverge; " +
    "retry on a node of the majority partition or restore connectivity");
