using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Status;

/// <summary>Builds a <see cref="StatusReport"/> from the scheduler's view of the present (<see cref="CurrentState"/>).</summary>
internal static class StatusReportBuilder
{
    public static StatusReport Build(StatusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var config = input.Config;
        var state = CurrentState.Unpack(new SchedulerInput(config, input.Status, input.Quorate, input.Now));

        var nodes = state.Nodes.OrderBy(n => n.Name, NodeNameComparer.Instance)
            .Select(n => new NodeReport(n.Name, n.Id, NodeStateText(n), n.Online, n.Unclean, n.Pending, n.Standby, n.StandbyOnFail,
                n.Maintenance, n.Shutdown, n.Name == input.Dc, n.Name == input.LocalNode, n.FenceReason))
            .ToImmutableArray();

        var resources = state.Resources.Select(r => Resource(r, input)).ToImmutableArray();
        var collections = state.Collections.Select(c => Collection(c, state)).ToImmutableArray();

        // Pacemaker records failures only from the histories it reads of nodes that are online (an unclean node
        // still in the membership included), in the order it reads them: status order.
        var failureNodes = state.Nodes.Where(n => n.HistoryRead && n.Online).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var statusOrder = input.Status.Nodes.Where(n => failureNodes.Contains(n.Name));
        var managed = state.Resources.GroupBy(r => r.HistoryId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.All(r => r.Managed), StringComparer.Ordinal);
        var failed = FailedAction.From(statusOrder, id => managed.GetValueOrDefault(id, true));

        var change = config.LastChange;
        return new StatusReport(
            input.LocalNode,
            input.Now,
            config.Properties.Get("cluster-infrastructure") is { Length: > 0 } stack ? stack : "corosync",
            input.Dc,
            input.DcVersion ?? config.Properties.Get("dc-version"),
            input.Quorate,
            config.Version.ToString(),
            change?.Time,
            change?.Author,
            change?.ViaNode,
            config.Properties.MaintenanceMode,
            nodes,
            resources,
            collections,
            failed,
            [.. input.ActionsInFlight],
            [.. input.PendingFencing]) { FailedFencing = [.. input.FailedFencing] };
    }

    /// <summary>crm_mon's node_text_status: the first condition that applies wins.</summary>
    internal static string NodeStateText(NodeCondition n)
    {
        if (n.Unclean) return n.Online ? "UNCLEAN (online)" : n.Pending ? "UNCLEAN (pending)" : "UNCLEAN (offline)";
        if (n.Pending) return "pending";
        if (n.StandbyOnFail && n.Online) return "standby (on-fail)";
        if (n.Standby)
            return !n.Online ? "OFFLINE (standby)" : n.RunsResources ? "standby (with active resources)" : "standby";
        if (n.Maintenance) return n.Online ? "maintenance" : "OFFLINE (maintenance)";
        return n.Online ? "online" : "OFFLINE";
    }

    private static ResourceReport Resource(ResourceInstance r, StatusInput input)
    {
        var pending = input.ActionsInFlight.FirstOrDefault(a => a.Resource == r.Id
            || (a.Resource == r.HistoryId && (r.Nodes.Contains(a.Node) || r.CloneId is null)));
        var failCounts = ImmutableArray.CreateBuilder<FailCount>();
        foreach (var node in input.Status.Nodes)
        {
            var count = node.FailCount(r.HistoryId);
            if (count == Score.Zero) continue;
            failCounts.Add(new FailCount(node.Name, count.Value, node.LastFailure(r.HistoryId)));
        }
        return new ResourceReport(r.Id, r.DisplayId, r.GroupId, r.CloneId, r.Agent, RoleText(r.Role), r.Nodes, r.Managed, r.Blocked,
            r.Failed, r.Orphaned, r.Disabled, r.Maintenance, pending?.Operation, pending?.Node, failCounts.ToImmutable(), r.Description);
    }

    private static CollectionReport Collection(ResourceCollection c, CurrentState state)
    {
        var stopped = ImmutableArray<string>.Empty;
        if (c.Kind == ResourceCollectionKind.Clone)
        {
            var instances = state.Resources.Where(r => r.CloneId == c.Id).ToList();
            var running = instances.SelectMany(r => r.Nodes).ToHashSet(StringComparer.Ordinal);
            // Without a symmetric cluster no node is allowed before constraints are applied; Pacemaker then falls
            // back to the nodes where the clone was probed.
            var allowed = state.SymmetricCluster ? state.Nodes.Select(n => n.Name) : instances.SelectMany(r => r.KnownOn).Distinct();
            stopped = [.. allowed.Where(n => !running.Contains(n)).Order(NodeNameComparer.Instance)];
        }
        return new CollectionReport(c.Id, c.Kind == ResourceCollectionKind.Group ? "group" : "clone", c.CloneId, c.Child, c.Unique,
            c.Promotable, c.CloneMax, c.Managed, c.Maintenance, c.Disabled, c.Children, stopped);
    }

    internal static string RoleText(Role role) => role switch
    {
        Role.Started => "Started",
        Role.Promoted => "Promoted",
        Role.Unpromoted => "Unpromoted",
        Role.Stopped => "Stopped",
        _ => "Unknown",
    };
}
