using System.Globalization;
using HaApi.Engine.Cluster;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;
using Microsoft.Extensions.Logging;

namespace HaApi.Engine.Controller;

/// <summary>
/// A clean stop of this node, as Pacemaker's shutdown request: the node sets its "shutdown" attribute, the DC stops
/// or moves whatever runs here (a shutting-down node may run nothing), and once nothing managed is left the node
/// announces it is leaving so that its departure is not mistaken for a failure (no fencing, no recovery). Without
/// this, stopping the process would leave its resources running while the survivors start them again.
/// </summary>
public sealed class NodeShutdown(ConfigurationReplica replica, ClusterController controller, IGroupTransport transport,
    TimeProvider time, ILogger<NodeShutdown> log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Drains this node, for at most the cluster's shutdown-escalation. A node outside a synchronised view has nothing
    /// to hand over. If something managed is still running here when the cluster will do nothing more about it (a
    /// failed stop without fencing, no quorum under no-quorum-policy=freeze) or the time runs out, the node leaves
    /// without announcing it, so that the survivors treat what it ran as unknown.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var local = replica.Local.Name;
        if (replica.State is not { Synced: true } || controller.View.Status.Find(local) is null) return;
        var limit = replica.Config.Properties.ShutdownEscalation;

        var requestedAt = time.GetUtcNow();
        await replica.SetTransientAttributeAsync("shutdown", requestedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        log.LogInformation("Node {Node} is shutting down: asked the DC to stop or move its resources (for at most {Limit})", local, limit);

        while (time.GetUtcNow() - requestedAt < limit)
        {
            var view = controller.View;
            var node = view.Status.Find(local);
            // Judge only once the DC has seen the request: before that, "nothing to do" means nothing yet.
            if (node is not null && node.TransientAttributes.ContainsKey("shutdown") && !view.InFlight.Any(a => a.Request.Node == local))
            {
                var input = new SchedulerInput(replica.Config, view.Status, replica.State.Quorate, time.GetUtcNow());
                if (ManagedResourcesOn(local, input).Count == 0
                    || !Settlement.PendingActions(input.Config, input.Status, input.HaveQuorum, input.Now).Any(a => a.Node == local)) break;
            }
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
        var left = ManagedResourcesOn(local, new SchedulerInput(replica.Config, controller.View.Status, replica.State.Quorate, time.GetUtcNow()));
        if (left.Count == 0)
        {
            await AnnounceLeavingAsync(local, cancellationToken).ConfigureAwait(false);
            return;
        }
        log.LogCritical("Node {Node} stops with {Resources} still running: the cluster could not stop them here; " +
                        "the other nodes will treat this node as failed (fencing it if enabled)", local, string.Join(", ", left));
    }

    private static List<string> ManagedResourcesOn(string node, SchedulerInput input) =>
        [.. CurrentState.Unpack(input).Resources.Where(r => r.Managed && !r.Maintenance && r.Nodes.Contains(node)).Select(r => r.Id)];

    private async Task AnnounceLeavingAsync(string local, CancellationToken cancellationToken)
    {
        await transport.MulticastAsync(new NodeLeaving(local, time.GetUtcNow()).Encode(), cancellationToken).ConfigureAwait(false);
        // Leave only after the announcement is in the agreed order ahead of the departure.
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (controller.View.Status.Find(local)?.Expected != "down" && time.GetUtcNow() < deadline)
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Node {Node} has stopped its resources and leaves the cluster cleanly", local);
    }
}
