using System.Diagnostics;
using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;

namespace HaApi.Api.Hosting;

/// <summary>
/// Runs HaApi:SelfFenceCommand when <see cref="QuorumLossWatch"/> says so. Polls the published views (no engine
/// locks), so a stuck engine cannot keep it from acting.
/// </summary>
internal sealed class SelfFencing(HaApiOptions options, ConfigurationReplica replica, ClusterController controller, TimeProvider time,
    ILogger<SelfFencing> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.SelfFenceCommand is not { } command) return;
        var watch = new QuorumLossWatch(TimeSpan.FromSeconds(options.SelfFenceAfterSeconds));
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var state = replica.State;
            // Before the first synchronised view the node has not lost quorum: it never had it.
            started |= state.Synced;
            if (!started) continue;
            var node = replica.Local.Name;
            var holds = QuorumLossWatch.HoldsResources(controller.View.Status, node);
            var suicide = state.Config.Properties.Get("no-quorum-policy") == "suicide";
            if (!watch.Observe(state.Quorate, holds, suicide, time.GetUtcNow())) continue;
            log.LogCritical("Node {Node} has no quorum and still holds resources{Why}; fencing itself with: {Command}", node,
                suicide ? " (no-quorum-policy=suicide)" : $" after {options.SelfFenceAfterSeconds}s", command);
            Run(command, node);
        }
    }

    private void Run(string command, string node)
    {
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(command);
            psi.Environment["HAAPI_NODE"] = node;
            using var process = Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            log.LogCritical(e, "The self-fence command could not be started; this node keeps its resources without quorum");
        }
    }
}
