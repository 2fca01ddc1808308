using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// The DC confirmed that Target was fenced: every node records it as cleanly down and forgets its resource history
/// (whatever ran there is known to be stopped), as Pacemaker's controller does after a successful fencing.
/// </summary>
public sealed record NodeFenced(string Target, string Action, DateTimeOffset Time) : ClusterMessage;
