using System.Collections.Immutable;
using HaApi.Api.Hosting;
using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Status;

namespace HaApi.Api.Endpoints;

/// <summary>
/// The cluster as this node sees it right now (crm_mon's job). Reads the replica's and the controller's published
/// snapshots only, never waits on the group or the DC, so it answers at once while the membership re-forms or a
/// node hangs — exactly when operators need it.
/// </summary>
internal static class StatusApi
{
    public static void MapStatusApi(this RouteGroupBuilder api) =>
        api.MapGet("/status", (string? format, ConfigurationReplica replica, ClusterController controller, FencingWiring fencing, TimeProvider time) =>
            {
                var report = Report(replica, controller, fencing, time);
                return format switch
                {
                    null or "json" => Results.Ok(Build(replica, report)),
                    "text" => Results.Text(StatusText.Format(report), "text/plain; charset=utf-8"),
                    _ => throw new Errors.RequestValidationException(new Dictionary<string, string[]>
                    {
                        ["format"] = [$"'{format}' is not a status format; use json (the default) or text (laid out like pcs status)"],
                    }),
                };
            })
            .WithTags("Status").WithName("GetStatus")
            .WithSummary("Quorum, DC, nodes, resources, failures, actions in flight and pending fencing as this node sees them; ?format=text for pcs status' layout")
            .Produces<ClusterStatusDto>().Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    internal static StatusReport Report(ConfigurationReplica replica, ClusterController controller, FencingWiring fencing, TimeProvider time)
    {
        var s = replica.State;
        var view = controller.View;
        var inFlight = view.InFlight
            .Select(a => new InFlightAction(a.Request.ResourceId, a.Request.IsProbe ? "probe" : a.Request.Operation, a.Request.Node, a.Request.Interval, a.DeliveredAt))
            .ToList();
        var pendingFencing = (fencing.Current?.Pending ?? [])
            .Select(p => new PendingFencing(p.Target, p.Action.ToString().ToLowerInvariant(), p.Origin, p.StartedAt))
            .ToList();
        // Like crm_mon, a failure stays listed until the target is fenced successfully.
        var failedFencing = fencing.History.Snapshot()
            .GroupBy(o => o.Target, StringComparer.Ordinal)
            .Select(g => g.Last())
            .Where(o => !o.Success)
            .Select(o => new FailedFencing(o.Target, o.Action.ToString().ToLowerInvariant(), o.Origin, o.Reason, o.Started + o.Duration))
            .ToList();
        return StatusReport.Build(new StatusInput(s.Config, view.Status, s.Quorate, s.Dc, replica.Local.Name, time.GetUtcNow(), inFlight, pendingFencing)
        {
            FailedFencing = failedFencing,
        });
    }

    internal static ClusterStatusDto Build(ConfigurationReplica replica, StatusReport report)
    {
        var s = replica.State;
        var online = s.Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var states = report.Nodes.ToDictionary(n => n.Name, n => n.State, StringComparer.Ordinal);
        // Nodes that are members but not (yet) configured are shown too: during start-up the DC registers them.
        var configured = s.Config.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var nodes = s.Config.Nodes
            .Select(n => new NodeStatusDto(n.Name, n.Id, online.Contains(n.Name), states.GetValueOrDefault(n.Name) ?? (online.Contains(n.Name) ? "online" : "OFFLINE"),
                n.Standby, n.Maintenance, s.Dc == n.Name, Transient(s, n.Name)))
            .Concat(s.Members.Where(m => !configured.Contains(m.Name))
                .Select(m => new NodeStatusDto(m.Name, m.NodeId, true, "pending", false, false, s.Dc == m.Name, Transient(s, m.Name))))
            .OrderBy(n => n.Id).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatusDto(replica.Local.Name, s.Quorate, s.Synced, s.Dc, s.Config.Version.ToString(),
            s.Votes is null ? null : new VotesDto(s.Votes.ExpectedVotes, s.Votes.TotalVotes, s.Votes.QuorumVotes),
            nodes, report.Resources, report.Collections, report.FailedActions, report.ActionsInFlight, report.PendingFencing, report.FailedFencing, report.LastUpdated);
    }

    private static Dictionary<string, string> Transient(ConfigurationReplica.Snapshot s, string node) =>
        s.TransientAttributes.TryGetValue(node, out var attributes) ? new(attributes) : [];
}

/// <summary>This node's view of the cluster.</summary>
public sealed record ClusterStatusDto(
    string Node,
    bool Quorate,
    bool Synced,
    string? Dc,
    string ConfigVersion,
    VotesDto? Votes,
    List<NodeStatusDto> Nodes,
    ImmutableArray<ResourceReport> Resources,
    ImmutableArray<CollectionReport> Collections,
    ImmutableArray<FailedAction> FailedActions,
    ImmutableArray<InFlightAction> ActionsInFlight,
    ImmutableArray<PendingFencing> PendingFencing,
    ImmutableArray<FailedFencing> FailedFencing,
    DateTimeOffset LastUpdated);

public sealed record VotesDto(uint Expected, uint Total, uint Quorum);

/// <summary>A node: online when it is in this node's current view; State is crm_mon's word for it.</summary>
public sealed record NodeStatusDto(
    string Name,
    uint Id,
    bool Online,
    string State,
    bool Standby,
    bool Maintenance,
    bool IsDc,
    Dictionary<string, string> TransientAttributes);
