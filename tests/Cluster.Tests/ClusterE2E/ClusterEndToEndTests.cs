using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// Real haapi nodes over real corosync in three network namespaces (scripts/cluster), driven through their HTTP API
/// from the root namespace: formation, replication, a partition, a crashed node and a whole-cluster restart.
/// Each test that breaks the cluster repairs it in finally, so the tests do not depend on their order.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterEndToEndTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(30);
    private NamespaceCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Three_nodes_form_a_quorate_cluster_with_node1_as_dc()
    {
        await fixture.WaitConvergedAsync();
        for (var i = 1; i <= ClusterFixture.Size; i++)
        {
            var status = await Cluster.Client(i).GetFromJsonAsync<JsonObject>("/api/v1/status");
            Assert.Equal($"node{i}", (string?)status!["node"]);
            Assert.True((bool)status["quorate"]!, $"node{i} is not quorate: {status}");
            Assert.Equal("node1", (string?)status["dc"]);
            var nodes = status["nodes"]!.AsArray();
            Assert.Equal(new[] { "node1", "node2", "node3" }, nodes.Select(n => (string)n!["name"]!));
            Assert.All(nodes, n => Assert.True((bool)n!["online"]!, $"node{i} sees {n} offline"));
            Assert.Equal(new[] { "node1" }, nodes.Where(n => (bool)n!["isDc"]!).Select(n => (string)n!["name"]!));

            using var anonymous = new HttpClient { BaseAddress = Cluster.BaseAddress(i), Timeout = TimeSpan.FromSeconds(5) };
            var health = await anonymous.GetFromJsonAsync<JsonObject>("/api/v1/health");
            Assert.True((bool)health!["quorate"]!);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/status")).StatusCode);
        }
    }

    [Fact]
    public async Task A_resource_created_through_node1_is_visible_with_the_same_version_on_every_node()
    {
        await fixture.WaitConvergedAsync();
        var id = NewId("repl");
        var created = await CreateResourceAsync(1, id);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.Tag;

        foreach (var node in new[] { 2, 3 })
        {
            HttpResponseMessage? last = null;
            // Acknowledged means a majority applied it; the third node may apply it a moment later.
            var seen = await Poll.UntilAsync(async () =>
            {
                last = await Cluster.Client(node).GetAsync($"/api/v1/resources/{id}");
                return last.StatusCode == HttpStatusCode.OK && last.Headers.ETag?.Tag == etag;
            }, ChangeTimeout);
            Assert.True(seen, $"node{node} did not show {id} at version {etag}: {last?.StatusCode} {last?.Headers.ETag}");
            var body = await last!.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(id, (string?)body!["id"]);
            Assert.Equal("ocf:pacemaker:Dummy", (string?)body["agent"]);
        }
        Assert.Equal(etag.Trim('"'), await fixture.WaitConvergedAsync());
    }

    [Fact]
    public async Task Standby_and_maintenance_set_through_node1_show_in_every_nodes_status()
    {
        await fixture.WaitConvergedAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Cluster.Client(1).PostAsync("/api/v1/nodes/node2/standby", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Cluster.Client(1).PostAsync("/api/v1/nodes/node3/maintenance", null)).StatusCode);
            await fixture.WaitConvergedAsync();
            for (var i = 1; i <= ClusterFixture.Size; i++)
            {
                var nodes = (await Cluster.Client(i).GetFromJsonAsync<JsonObject>("/api/v1/status"))!["nodes"]!.AsArray()
                    .ToDictionary(n => (string)n!["name"]!, n => n!);
                Assert.Equal((false, false), ((bool)nodes["node1"]["standby"]!, (bool)nodes["node1"]["maintenance"]!));
                Assert.Equal((true, false), ((bool)nodes["node2"]["standby"]!, (bool)nodes["node2"]["maintenance"]!));
                Assert.Equal((false, true), ((bool)nodes["node3"]["standby"]!, (bool)nodes["node3"]["maintenance"]!));
            }
        }
        finally
        {
            await Cluster.Client(1).PostAsync("/api/v1/nodes/node2/unstandby", null);
            await Cluster.Client(1).PostAsync("/api/v1/nodes/node3/unmaintenance", null);
        }
    }

    [Fact]
    public async Task A_cut_node_refuses_writes_while_the_majority_accepts_them_and_catches_up_after_heal()
    {
        var before = await fixture.WaitConvergedAsync();
        try
        {
            Cluster.Run("cut", "node3");

            JsonObject? s1 = null, s2 = null, s3 = null;
            var slowest = TimeSpan.Zero;
            var split = await Poll.UntilAsync(async () =>
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                (s1, s2, s3) = (await fixture.TryStatusAsync(1), await fixture.TryStatusAsync(2), await fixture.TryStatusAsync(3));
                if (sw.Elapsed > slowest) slowest = sw.Elapsed;
                return s3 is not null && !(bool)s3["quorate"]!
                       && new[] { s1, s2 }.All(s => s is not null && (bool)s["quorate"]! && (bool)s["synced"]! && !Online(s, "node3"));
            }, ChangeTimeout);
            Assert.True(split, $"the partition did not show within {ChangeTimeout.TotalSeconds}s:\nnode1 {s1}\nnode2 {s2}\nnode3 {s3}\n{Cluster.Logs()}");
            Assert.False(Online(s3!, "node1") || Online(s3!, "node2"), $"node3 still sees peers while cut: {s3}");
            // Status reads the published snapshot; it must not wait for the membership to settle (3 nodes asked per round).
            Assert.True(slowest < TimeSpan.FromSeconds(3),
                $"status answered slowly while the cluster re-formed: {slowest.TotalMilliseconds:0} ms for one round of 3 nodes");
            output.WriteLine($"slowest status round during the re-formation: {slowest.TotalMilliseconds:0} ms");

            var viaNode1 = NewId("maj1");
            var viaNode2 = NewId("maj2");
            Assert.Equal(HttpStatusCode.Created, (await CreateResourceAsync(1, viaNode1)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await CreateResourceAsync(2, viaNode2)).StatusCode);

            var refused = await CreateResourceAsync(3, NewId("minority"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(503, (int?)problem!["status"]);
            Assert.Contains("not in a quorate partition", (string?)problem["detail"]);
            Assert.Equal(before, (string?)(await fixture.TryStatusAsync(3))!["configVersion"]);

            Cluster.Run("heal", "node3");
            var after = await fixture.WaitConvergedAsync();
            Assert.NotEqual(before, after);
            foreach (var id in new[] { viaNode1, viaNode2 })
            {
                var r = await Cluster.Client(3).GetAsync($"/api/v1/resources/{id}");
                Assert.True(r.StatusCode == HttpStatusCode.OK, $"node3 lacks {id} after heal: {r.StatusCode}");
                Assert.Equal($"\"{after}\"", r.Headers.ETag?.Tag);
            }
            output.WriteLine($"versions: {before} before the cut, {after} after heal");
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Fact]
    public async Task A_node_killed_with_sigkill_rejoins_and_converges()
    {
        await fixture.WaitConvergedAsync();
        try
        {
            Cluster.Run("kill", "node2");
            Assert.Null(await fixture.TryStatusAsync(2));
            JsonObject? s1 = null;
            var noticed = await Poll.UntilAsync(async () =>
            {
                s1 = await fixture.TryStatusAsync(1);
                return s1 is not null && (bool)s1["quorate"]! && (bool)s1["synced"]! && !Online(s1, "node2");
            }, ChangeTimeout);
            Assert.True(noticed, $"node1 did not notice node2's death: {s1}\n{Cluster.Logs()}");

            var whileDown = NewId("down");
            Assert.Equal(HttpStatusCode.Created, (await CreateResourceAsync(1, whileDown)).StatusCode);

            Cluster.Run("start", "node2");
            var version = await fixture.WaitConvergedAsync();
            var r = await Cluster.Client(2).GetAsync($"/api/v1/resources/{whileDown}");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"\"{version}\"", r.Headers.ETag?.Tag);
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Fact]
    public async Task Stopping_and_starting_the_whole_cluster_keeps_the_configuration()
    {
        await fixture.WaitConvergedAsync();
        var id = NewId("durable");
        var created = await CreateResourceAsync(1, id);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await fixture.WaitConvergedAsync();
        var config = await (await Cluster.Client(1).GetAsync("/api/v1/resources")).Content.ReadAsStringAsync();
        try
        {
            for (var i = 1; i <= ClusterFixture.Size; i++) Cluster.Run("kill", $"node{i}");
            for (var i = 1; i <= ClusterFixture.Size; i++) Assert.Null(await fixture.TryStatusAsync(i));
            for (var i = 1; i <= ClusterFixture.Size; i++) Cluster.Run("start", $"node{i}");

            Assert.Equal(before, await fixture.WaitConvergedAsync());
            for (var i = 1; i <= ClusterFixture.Size; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await Cluster.Client(i).GetAsync($"/api/v1/resources/{id}")).StatusCode);
                Assert.Equal(config, await (await Cluster.Client(i).GetAsync("/api/v1/resources")).Content.ReadAsStringAsync());
            }
            // And it still takes changes.
            Assert.Equal(HttpStatusCode.Created, (await CreateResourceAsync(2, NewId("after"))).StatusCode);
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    private Task<HttpResponseMessage> CreateResourceAsync(int node, string id) =>
        Cluster.Client(node).PostAsync("/api/v1/resources",
            new StringContent($$"""{"id":"{{id}}","agent":"ocf:pacemaker:Dummy"}""", Encoding.UTF8, "application/json"));

    private static bool Online(JsonObject status, string node) =>
        status["nodes"]!.AsArray().Any(n => (string?)n!["name"] == node && (bool)n["online"]!);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
