using HaApi.Engine.Cluster;

namespace HaApi.Api.Endpoints;

/// <summary>
/// The cluster as this node sees it right now (crm_mon's job). Reads the replica's published snapshot only, never
/// waits on the group, so it answers at once while the membership re-forms — exactly when operators need it.
/// </summary>
internal static class StatusApi
{
    public static void MapStatusApi(this RouteGroupBuilder api) =>
        api.MapGet("/status", (ConfigurationReplica replica) => TypedResults.Ok(Build(replica)))
            .WithTags("Status").WithName("GetStatus")
            .WithSummary("Quorum, DC, membership and node states as this node sees them");

    internal static ClusterStatusDto Build(ConfigurationReplica replica)
    {
        var s = replica.State;
        var online = s.Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        // Nodes that are members but not (yet) configured are shown too: during start-up the DC registers them.
        var configured = s.Config.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var nodes = s.Config.Nodes
            .Select(n => new NodeStatusDto(n.Name, n.Id, online.Contains(n.Name), n.Standby, n.Maintenance, s.Dc == n.Name,
                Transient(s, n.Name)))
            .Concat(s.Members.Where(m => !configured.Contains(m.Name))
                .Select(m => new NodeStatusDto(m.Name, m.NodeId, true, false, false, s.Dc == m.Name, Transient(s, m.Name))))
            .OrderBy(n => n.Id).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatusDto(replica.Local.Name, s.Quorate, s.Synced, s.Dc, s.Config.Version.ToString(),
            s.Votes is null ? null : new VotesDto(s.Votes.ExpectedVotes, s.Votes.TotalVotes, s.Votes.QuorumVotes),
            nodes, []);
    }

    private static Dictionary<string, string> Transient(ConfigurationReplica.Snapshot s, string node) =>
        s.TransientAttributes.TryGetValue(node, out var attributes) ? new(attributes) : [];
}

/// <summary>This node's view of the cluster. Resources are filled in by the controller (not yet running: empty).</summary>
public sealed record ClusterStatusDto(
    string Node,
    bool Quorate,
    bool Synced,
    string? Dc,
    string ConfigVersion,
    VotesDto? Votes,
    List<NodeStatusDto> Nodes,
    List<ResourceStatusDto> Resources);

public sealed record VotesDto(uint Expected, uint Total, uint Quorum);

/// <summary>A node: online when it is in this node's current view.</summary>
public sealed record NodeStatusDto(
    string Name,
    uint Id,
    bool Online,
    bool Standby,
    bool Maintenance,
    bool IsDc,
    Dictionary<string, string> TransientAttributes);

/// <summary>Placeholder for the controller's resource state (id, role, node).</summary>
public sealed record ResourceStatusDto(string Id, string Role, string? Node);
