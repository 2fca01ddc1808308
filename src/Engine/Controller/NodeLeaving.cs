using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// Node shut down what it ran (it asked with the "shutdown" attribute and the DC stopped or moved its resources) and
/// is about to leave: every node records it as expected down, so its departure is clean and not a reason to fence it.
/// This is what Pacemaker's DC does when it carries out a node's shutdown request.
/// </summary>
public sealed record NodeLeaving(string Node, DateTimeOffset Time) : ClusterMessage;
