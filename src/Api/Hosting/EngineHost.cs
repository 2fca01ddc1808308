using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Hosting;

/// <summary>Starts the engine with the web host and makes sure this node is part of the configuration.</summary>
internal sealed class EngineHost(ConfigurationReplica replica, ILogger<EngineHost> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await replica.StartAsync(cancellationToken);
        var local = replica.Local;
        await WaitForQuorumAsync(cancellationToken);
        if (replica.State is { Quorate: true, Synced: true } && replica.Config.FindNode(local.Name) is null)
        {
            await replica.SubmitAsync(new PutNode(new Node(local.Name, local.NodeId, [], Attributes.Empty), PutMode.Upsert),
                "haapi", null, cancellationToken);
            log.LogInformation("Registered node {Node} (id {NodeId}) in the configuration", local.Name, local.NodeId);
        }
    }

    private async Task WaitForQuorumAsync(CancellationToken ct)
    {
        // The local transport reports quorum at once; a real cluster may take a token timeout or two to form.
        for (var i = 0; i < 200 && !(replica.State.Quorate && replica.State.Synced); i++) await Task.Delay(50, ct);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await replica.DisposeAsync();
}
