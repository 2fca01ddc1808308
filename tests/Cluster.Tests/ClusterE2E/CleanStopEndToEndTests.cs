using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// `systemctl stop haapi` on the active node (a rolling upgrade): the node hands its virtual IP and web server to a
/// survivor before its process exits, so the address is never left behind on a node nobody manages.
/// </summary>
public sealed partial class FailoverEndToEndTests
{
    [Fact]
    public async Task A_cleanly_stopped_node_hands_its_virtual_ip_over_before_it_exits()
    {
        await fixture.WaitConvergedAsync();
        var (vip, web) = (NewId("vip"), NewId("web"));
        var address = Cluster.AddressInSubnet(50 + Random.Shared.Next(40));
        var stopped = 0;
        try
        {
            var first = await CreateServedVipAsync(vip, web, address, 8081);
            stopped = int.Parse(first["node".Length..]);

            Cluster.Run("stop", $"node{stopped}");

            // By the time the process has exited, the address is gone from the node: nothing was left behind.
            Assert.DoesNotContain($"{address}/", Cluster.Exec(stopped, "ip", "-4", "addr", "show", "dev", "eth0"));
            var survivor = await ServedNameAsync(address, 8081, name => name != first);
            Assert.True(survivor is not null, $"after stopping {first}, http://{address}:8081/ was not served by another node\n{Cluster.Logs(40)}");
            var log = File.ReadAllText(Path.Combine(NamespaceCluster.StateRoot, Cluster.Name, first, "haapi.log"));
            Assert.Contains("leaves the cluster cleanly", log);

            var status = await Cluster.Client(stopped == 1 ? 2 : 1).GetFromJsonAsync<JsonObject>("/api/v1/status");
            var node = status!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == first)!;
            Assert.Equal("OFFLINE", (string?)node["state"]);
        }
        finally
        {
            if (stopped != 0) await fixture.RestoreAsync();
            await DeleteAsync(web, vip);
        }
    }
}
