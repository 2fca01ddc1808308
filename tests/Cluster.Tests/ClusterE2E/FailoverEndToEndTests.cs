using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaApi.TestSupport;
using Xunit.Abstractions;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// The scenarios operators test before going live, on real haapi nodes over real corosync with real agents: a
/// virtual IP (ocf:heartbeat:IPaddr2 from resource-agents) and a web server follow a cut link; standby moves a
/// group and unstandby leaves it (stickiness); a killed service is restarted in place, then moved after
/// migration-threshold failures, and cleanup makes its node eligible again; a service already running before it is
/// configured is found by the probe, not started twice. Each test uses its own resources and addresses and removes
/// them, and repairs the cluster in finally.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class FailoverEndToEndTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);
    private NamespaceCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task The_virtual_ip_and_its_web_server_follow_a_cut_link_to_a_survivor()
    {
        await fixture.WaitConvergedAsync();
        var (vip, web) = (NewId("vip"), NewId("web"));
        var address = Cluster.AddressInSubnet(100 + Random.Shared.Next(100));
        var cut = 0;
        // The NOC's trap receiver: net-snmp's snmptrapd on the host's end of the cluster bridge.
        using var trapd = Snmptrapd.Start(listen: System.Net.IPAddress.Parse(Cluster.AddressInSubnet(254)));
        var alert = NewId("nms");
        try
        {
            await CreateAsync("/api/v1/alerts",
                $$"""{"id":"{{alert}}","agent":"haapi:snmp","recipients":[{"id":"{{alert}}-r","value":"{{trapd.Recipient}}"}]}""");
            var first = await CreateServedVipAsync(vip, web, address, 8080);
            output.WriteLine($"the virtual IP {address} is served by {first}");
            cut = int.Parse(first["node".Length..]);

            var clock = Stopwatch.StartNew();
            Cluster.Run("cut", $"node{cut}");
            var survivor = await ServedNameAsync(address, 8080, name => name != first);
            Assert.True(survivor is not null, $"after cutting {first}, http://{address}:8080/ was not served by another node\n{Cluster.Logs(40)}");
            output.WriteLine($"after the cut, {survivor} serves it ({clock.ElapsedMilliseconds} ms after the cut)");

            // Monitoring saw it: the DC of the survivors wrote pm_logconv's fail-over sequence, /metrics shows the new place.
            var dc = cut == 1 ? 2 : 1;
            var pmLog = Path.Combine(NamespaceCluster.StateRoot, Cluster.Name, $"node{dc}", "pm_logconv.out");
            var sequence = await Poll.UntilAsync(() => Task.FromResult(File.Exists(pmLog) && Regex.IsMatch(File.ReadAllText(pmLog),
                $@"Start to fail-over\.(.|\n)*Resource {Regex.Escape(vip)} : Move {first} -> {survivor}(.|\n)*fail-over succeeded\.")), Settle);
            Assert.True(sequence, $"node{dc}'s pm_logconv has no fail-over sequence for {vip}:\n{(File.Exists(pmLog) ? File.ReadAllText(pmLog) : "(no file)")}");
            var metrics = await Cluster.Client(dc).GetStringAsync("/metrics");
            Assert.True(metrics.Split('\n').Any(l => l.StartsWith("ha_cluster_pacemaker_resources{", StringComparison.Ordinal) && l.EndsWith("} 1", StringComparison.Ordinal)
                                                    && l.Contains($"node=\"{survivor}\"") && l.Contains($"resource=\"{vip}\"") && l.Contains("role=\"started\"")),
                $"node{dc}'s /metrics does not show {vip} started on {survivor}");

            const string node = ".1.3.6.1.4.1.32723.1.1", rsc = ".1.3.6.1.4.1.32723.1.2", task = ".1.3.6.1.4.1.32723.1.3", desc = ".1.3.6.1.4.1.32723.1.4";
            var trapped = trapd.WaitForOutput(_ =>
                trapd.Traps.Any(t => t[node] == $"STRING: \"{first}\"" && t[desc] == "STRING: \"lost\"")
                && trapd.Traps.Any(t => t[node] == $"STRING: \"{survivor}\"" && t[rsc] == $"STRING: \"{vip}\"" && t[task] == "STRING: \"start\""),
                Settle);
            Assert.True(trapped, $"snmptrapd did not receive the node-lost and {vip} start traps:\n{trapd.Output}");

            // The cut node lost quorum: with no-quorum-policy=stop it must give the address up itself.
            var released = await Poll.UntilAsync(() => Task.FromResult(!Cluster.Exec(cut, "ip", "-4", "addr", "show", "dev", "eth0").Contains($"{address}/")),
                Settle);
            Assert.True(released, $"{first} kept {address} without quorum\n{Cluster.Logs(40)}");
        }
        finally
        {
            if (cut != 0) Cluster.Run("heal", $"node{cut}");
            await fixture.RestoreAsync();
            await DeleteAsync(web, vip);
            await Cluster.Client(1).DeleteAsync($"/api/v1/alerts/{alert}");
        }
    }

    [Fact]
    public async Task Standby_moves_a_group_of_two_and_unstandby_leaves_it_where_it_is()
    {
        await fixture.WaitConvergedAsync();
        var (group, a, b) = (NewId("grp"), NewId("ga"), NewId("gb"));
        string? standby = null;
        try
        {
            foreach (var member in new[] { a, b })
                await CreateAsync("/api/v1/resources", $$"""{"id":"{{member}}","agent":"haapi:Dummy","operations":[{"name":"monitor","interval":"2s"}]}""");
            await CreateAsync("/api/v1/groups", $$$"""{"id":"{{{group}}}","members":["{{{a}}}","{{{b}}}"],"meta":{"resource-stickiness":"100"}}""");
            await WaitSettledAsync(group);
            var before = await LocationsAsync(1, a, b);
            Assert.True(before[a] is not null && before[a] == before[b], $"the group's members run apart: {a} on {before[a]}, {b} on {before[b]}");
            standby = before[a]!;

            var clock = Stopwatch.StartNew();
            await PostAsync($"/api/v1/nodes/{standby}/standby");
            await WaitSettledAsync(group);
            var moved = await LocationsAsync(2, a, b);
            output.WriteLine($"standby of {standby}: the group moved to {moved[a]} in {clock.ElapsedMilliseconds} ms");
            Assert.NotNull(moved[a]);
            Assert.NotEqual(standby, moved[a]);
            Assert.Equal(moved[a], moved[b]);

            await PostAsync($"/api/v1/nodes/{standby}/unstandby");
            standby = null;
            await WaitSettledAsync(group);
            var after = await LocationsAsync(3, a, b);
            Assert.Equal(moved[a], after[a]);
            Assert.Equal(moved[b], after[b]);
        }
        finally
        {
            if (standby is not null) await PostAsync($"/api/v1/nodes/{standby}/unstandby");
            await DeleteAsync(group, a, b);
        }
    }

    [Fact]
    public async Task A_killed_service_restarts_in_place_then_moves_after_migration_threshold_and_returns_after_cleanup()
    {
        await fixture.WaitConvergedAsync();
        var svc = NewId("svc");
        var marker = $"{1_000_000 + Random.Shared.Next(1_000_000)}";
        try
        {
            await CreateAsync("/api/v1/resources", $$"""
                {"id":"{{svc}}","agent":"haapi:Process","params":{"command":"exec sleep {{marker}}"},
                 "meta":{"migration-threshold":"2","resource-stickiness":"0"},
                 "operations":[{"name":"monitor","interval":"1s"}]}
                """);
            await CreateAsync("/api/v1/constraints/location", $$"""{"id":"{{svc}}-prefers-node2","resource":"{{svc}}","node":"node2","score":"100"}""");
            await WaitSettledAsync(svc);
            await AssertRunsOnAsync(svc, "node2");

            var firstPid = ServicePid(marker);
            KillService(marker);
            var restarted = await Poll.UntilAsync(() => Task.FromResult(ServicePid(marker) is { } pid && pid != firstPid), Settle);
            Assert.True(restarted, $"the killed service was not restarted\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
            await WaitSettledAsync(svc);
            await AssertRunsOnAsync(svc, "node2");
            Assert.Contains($"{svc} 1000ms-interval monitor on node2", await StatusTextAsync(2));

            KillService(marker);
            var movedAway = await Poll.UntilAsync(async () => (await LocationsAsync(3, svc))[svc] is { } n && n != "node2", Settle);
            Assert.True(movedAway, $"after 2 failures the service did not leave node2\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
            output.WriteLine($"after the second failure: {(await LocationsAsync(3, svc))[svc]}");

            await PostAsync($"/api/v1/resources/{svc}/cleanup?wait=45");
            await AssertRunsOnAsync(svc, "node2");
            Assert.DoesNotContain($"{svc} 1000ms-interval monitor on node2", await StatusTextAsync(1));
        }
        finally
        {
            await DeleteAsync(svc);
        }
    }

    [Fact]
    public async Task A_service_running_before_it_is_configured_is_found_by_the_probe_and_not_started_again()
    {
        await fixture.WaitConvergedAsync();
        var pre = NewId("pre");
        var address = Cluster.AddressInSubnet(200 + Random.Shared.Next(50));
        try
        {
            Cluster.Exec(3, "ip", "addr", "add", $"{address}/24", "dev", "eth0");
            await CreateAsync("/api/v1/resources", $$"""
                {"id":"{{pre}}","agent":"ocf:heartbeat:IPaddr2","params":{"ip":"{{address}}","cidr_netmask":"24","nic":"eth0"},
                 "operations":[{"name":"monitor","interval":"5s"}]}
                """);
            await WaitSettledAsync(pre);
            await AssertRunsOnAsync(pre, "node3");
            foreach (var node in new[] { 1, 2 })
                Assert.DoesNotContain($"{address}/", Cluster.Exec(node, "ip", "-4", "addr", "show", "dev", "eth0"));
            // The recurring monitor runs on the node the probe found it on (its first result is logged there).
            var log = "";
            var monitored = await Poll.UntilAsync(() =>
            {
                log = File.ReadAllText(Path.Combine(NamespaceCluster.StateRoot, Cluster.Name, "node3", "haapi.log"));
                return Task.FromResult(log.Contains($"monitor (5s) of {pre} on node3"));
            }, TimeSpan.FromSeconds(15));
            Assert.True(monitored, $"no monitor of {pre} ran on node3:\n{log}");
            Assert.DoesNotContain($"start of {pre} on node3", log);
        }
        finally
        {
            await DeleteAsync(pre);
        }
    }

    [Fact]
    public async Task A_node_without_quorum_that_keeps_its_resources_fences_itself_after_the_allowed_time()
    {
        await fixture.WaitConvergedAsync();
        var kept = NewId("kept");
        var cut = false;
        try
        {
            // freeze: a partition without quorum leaves its resources running, so only the self-fence can end them.
            using (var policy = await Cluster.Client(1).PatchAsync("/api/v1/properties", new StringContent("""{"no-quorum-policy":"freeze"}""", Encoding.UTF8, "application/json")))
                policy.EnsureSuccessStatusCode();
            await CreateAsync("/api/v1/resources", $$"""{"id":"{{kept}}","agent":"haapi:Dummy","operations":[{"name":"monitor","interval":"2s"}]}""");
            await CreateAsync("/api/v1/constraints/location", $$"""{"id":"{{kept}}-on-node3","resource":"{{kept}}","node":"node3","score":"100"}""");
            await WaitSettledAsync(kept);
            await AssertRunsOnAsync(kept, "node3");
            File.Delete(Cluster.SelfFenceMark("node3"));

            var clock = Stopwatch.StartNew();
            Cluster.Run("cut", "node3");
            cut = true;
            var fenced = await Poll.UntilAsync(() => Task.FromResult(File.Exists(Cluster.SelfFenceMark("node3"))), Settle);
            Assert.True(fenced, $"node3 kept {kept} without quorum and never fenced itself\n{Cluster.Logs(30)}");
            output.WriteLine($"node3 fenced itself {clock.ElapsedMilliseconds} ms after the cut (5 s allowed after the loss of quorum)");
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(5), Settle);
            Assert.False(File.Exists(Cluster.SelfFenceMark("node1")) || File.Exists(Cluster.SelfFenceMark("node2")), "a node with quorum fenced itself");
        }
        finally
        {
            if (cut) Cluster.Run("heal", "node3");
            await fixture.RestoreAsync();
            using (await Cluster.Client(1).PatchAsync("/api/v1/properties", new StringContent("""{"no-quorum-policy":null}""", Encoding.UTF8, "application/json"))) { }
            await DeleteAsync(kept);
        }
    }

    /// <summary>A virtual IP and a web server colocated with it and started after it; returns the node serving it.</summary>
    private async Task<string> CreateServedVipAsync(string vip, string web, string address, int port)
    {
        await CreateAsync("/api/v1/resources", $$"""
            {"id":"{{vip}}","agent":"ocf:heartbeat:IPaddr2","params":{"ip":"{{address}}","cidr_netmask":"24","nic":"eth0"},
             "operations":[{"name":"monitor","interval":"2s","timeout":"20s"}]}
            """);
        await CreateAsync("/api/v1/resources", WebServer(web, port));
        await CreateAsync("/api/v1/constraints/colocation", $$"""{"id":"{{web}}-with-vip","resource":"{{web}}","withResource":"{{vip}}","score":"INFINITY"}""");
        await CreateAsync("/api/v1/constraints/order", $$"""{"id":"{{vip}}-then-web","first":"{{vip}}","then":"{{web}}"}""");
        var first = await ServedNameAsync(address, port, _ => true);
        Assert.True(first is not null, $"http://{address}:{port}/ never answered\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
        return first;
    }

    private static string WebServer(string id, int port) => $$"""
        {"id":"{{id}}","agent":"haapi:Process",
         "params":{"command":"mkdir -p /run/{{id}} && echo $HAAPI_NODE > /run/{{id}}/index.html && exec busybox httpd -f -p {{port}} -h /run/{{id}}",
                   "health_url":"http://127.0.0.1:{{port}}/"},
         "operations":[{"name":"monitor","interval":"2s"}]}
        """;

    /// <summary>The node name the web server behind the address answers with, once it satisfies accept.</summary>
    private static async Task<string?> ServedNameAsync(string address, int port, Func<string, bool> accept)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        string? name = null;
        var served = await Poll.UntilAsync(async () =>
        {
            try
            {
                name = (await client.GetStringAsync($"http://{address}:{port}/")).Trim();
                return name.StartsWith("node", StringComparison.Ordinal) && accept(name);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60));
        return served ? name : null;
    }

    private static int? ServicePid(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim() == $"sleep {marker}") return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    private static void KillService(string marker)
    {
        var pid = ServicePid(marker) ?? throw new InvalidOperationException($"no 'sleep {marker}' process to kill");
        Process.GetProcessById(pid).Kill();
    }

    /// <summary>Where each resource is Started, read from a node's pcs-style status; null when stopped.</summary>
    private async Task<Dictionary<string, string?>> LocationsAsync(int node, params string[] resources)
    {
        var text = await StatusTextAsync(node);
        return resources.ToDictionary(r => r, r =>
        {
            var m = Regex.Match(text, $@"\* {Regex.Escape(r)}\s+\([^)]*\):\s+Started (\S+)");
            return m.Success ? m.Groups[1].Value : (string?)null;
        });
    }

    private async Task AssertRunsOnAsync(string resource, string node)
    {
        var text = await StatusTextAsync(1);
        var at = (await LocationsAsync(1, resource))[resource];
        Assert.True(at == node, $"{resource} should run on {node} but runs on {at ?? "no node"}:\n{text}\n{Cluster.Logs(60)}");
    }

    private Task<string> StatusTextAsync(int node) => Cluster.Client(node).GetStringAsync("/api/v1/status?format=text");

    /// <summary>Waits until the cluster has nothing left to do (the runtime API's wait, through a no-op enable).</summary>
    private async Task WaitSettledAsync(string resource)
    {
        using var response = await Cluster.Client(1, TimeSpan.FromSeconds(60)).PostAsync($"/api/v1/resources/{resource}/enable?wait=45", null);
        Assert.True(response.IsSuccessStatusCode, $"the cluster did not settle: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Cluster.Logs(40)}");
    }

    private async Task CreateAsync(string path, string json)
    {
        using var response = await Cluster.Client(1).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"POST {path} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task PostAsync(string path)
    {
        using var response = await Cluster.Client(1, TimeSpan.FromSeconds(60)).PostAsync(path, null);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Cluster.Logs(40)}");
    }

    /// <summary>Deletes resources (their constraints go with them) and waits until their stops are done.</summary>
    private async Task DeleteAsync(params string[] ids)
    {
        foreach (var id in ids) await Cluster.Client(1).DeleteAsync($"/api/v1/groups/{id}");
        foreach (var id in ids) await Cluster.Client(1).DeleteAsync($"/api/v1/resources/{id}");
        var config = await Cluster.Client(1).GetFromJsonAsync<JsonObject>("/api/v1/config");
        var left = config!["resources"]!.AsArray().Select(r => (string?)r!["id"]).Where(ids.Contains).ToList();
        Assert.True(left.Count == 0, $"could not delete {string.Join(", ", left)}");
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
}
