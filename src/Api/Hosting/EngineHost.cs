using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Controller;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync;

namespace HaApi.Api.Hosting;

/// <summary>
/// Starts the engine with the web host. Once the node is in a quorate, synchronised view, it makes sure every node of
/// the cluster is in the configuration (this node alone with the local transport; corosync's nodelist otherwise).
/// The HTTP API answers meanwhile: status must be readable while the cluster forms. On stop, before any service
/// stops (so the API, events and log sinks still report it), the node hands its resources over
/// (<see cref="NodeShutdown"/>), for at most the cluster's shutdown-escalation.
/// </summary>
internal sealed class EngineHost(ConfigurationReplica replica, ClusterController controller, IGroupTransport transport,
    NodeShutdown shutdown, ILogger<EngineHost> log) : IHostedLifecycleService
{
    private readonly CancellationTokenSource stopping = new();
    private Task? registration;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        replica.AddObserver(controller);
        await replica.StartAsync(cancellationToken);
        registration = Task.Run(() => RegisterNodesAsync(stopping.Token), CancellationToken.None);
    }

    private async Task RegisterNodesAsync(CancellationToken ct)
    {
        var nodes = transport is CorosyncTransport corosync
            ? corosync.Nodes.Select(n => new Node(n.Name, n.NodeId, n.Address is null ? [] : [n.Address], Attributes.Empty)).ToList()
            : [new Node(replica.Local.Name, replica.Local.NodeId, [], Attributes.Empty)];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(50, ct);
                if (replica.State is not { Quorate: true, Synced: true }) continue;
                var missing = nodes.Where(n => replica.Config.FindNode(n.Name) is null).ToList();
                if (missing.Count == 0) return;
                // Only the DC registers peers, so that nodes starting together do not all write the same change.
                foreach (var node in missing.Where(n => n.Name == replica.Local.Name || replica.State.Dc == replica.Local.Name))
                {
                    await replica.SubmitAsync(new PutNode(node, PutMode.Upsert), "haapi", null, ct);
                    log.LogInformation("Registered node {Node} (id {NodeId}) in the configuration", node.Name, node.Id);
                }
            }
            catch (Exception e) when (e is ConfigRejectedException or NotQuorateException or TimeoutException)
            {
                log.LogDebug("Node registration will be retried: {Reason}", e.Message);
                await Task.Delay(500, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await shutdown.DrainAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or NotQuorateException or ObjectDisposedException)
        {
            log.LogWarning("Node {Node} stops without handing over its resources: {Reason}", replica.Local.Name, e.Message);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (registration is not null) await registration.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await replica.DisposeAsync();
        await controller.DisposeAsync();
    }
}
