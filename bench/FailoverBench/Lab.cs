using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaApi.Cluster.Tests.ClusterE2E;

namespace HaApi.Bench.Failover;

/// <summary>
/// The benchmark's view of the namespace lab: N haapi:Dummy resources that all prefer one home node, and a check
/// that the cluster has settled with all of them Started there, as every node sees it.
/// </summary>
public sealed class Lab(NamespaceCluster cluster, int nodes, int resourceCount, int home)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);
    private readonly Dictionary<int, HttpClient> _pollers = [];

    public NamespaceCluster Cluster => cluster;

    /// <summary>Print each run's haapi log lines (see <see cref="LogTrace"/>).</summary>
    public bool Trace { get; init; }
    public int Home => home;
    public string HomeName => $"node{home}";
    public IReadOnlyList<string> Resources { get; } = [.. Enumerable.Range(1, resourceCount).Select(i => $"bench-r{i:00}")];

    /// <summary>The node requests go to: the lowest node that is not the home node (the DC, unless home is node1).</summary>
    public int Other => home == 1 ? 2 : 1;

    public HttpClient Client(int node) => cluster.Client(node, TimeSpan.FromSeconds(35));

    /// <summary>
    /// Fencing off (the lab has no fence devices), stickiness 100, and each resource with a location preference for
    /// the home node of 200: above the stickiness, so after a heal or unstandby the resources fail back and every
    /// run starts from the same placement (all on home, the DC elsewhere unless home is node1).
    /// </summary>
    public async Task ConfigureAsync()
    {
        var api = Client(Other);
        await SendAsync(api, HttpMethod.Patch, "/api/v1/properties", """{"stonith-enabled":"false"}""");
        await SendAsync(api, HttpMethod.Patch, "/api/v1/resource-defaults", """{"resource-stickiness":"100"}""");
        foreach (var id in Resources)
        {
            await SendAsync(api, HttpMethod.Post, "/api/v1/resources",
                $$"""{"id":"{{id}}","agent":"haapi:Dummy","operations":[{"name":"monitor","interval":"2s"}]}""");
            await SendAsync(api, HttpMethod.Post, "/api/v1/constraints/location",
                $$"""{"id":"{{id}}-prefers-{{HomeName}}","resource":"{{id}}","node":"{{HomeName}}","score":"200"}""");
        }
    }

    public static async Task SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Waits until every node is online, quorate and synced, sees the resources Started on the home node alone, has no
    /// action in flight and no standby node; twice in a row 0.5 s apart, so a transition between two polls is not
    /// mistaken for the end.
    /// </summary>
    public async Task WaitSettledAsync()
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        var stable = 0;
        var why = "";
        while (DateTime.UtcNow < deadline)
        {
            why = await UnsettledReasonAsync();
            stable = why.Length == 0 ? stable + 1 : 0;
            if (stable == 2) return;
            await Task.Delay(500);
        }
        throw new TimeoutException($"the cluster did not settle with every resource on {HomeName} within {SettleTimeout.TotalSeconds:0} s: {why}\n{cluster.Logs()}");
    }

    private async Task<string> UnsettledReasonAsync()
    {
        for (var i = 1; i <= nodes; i++)
        {
            JsonObject status;
            try
            {
                status = (await Poller(i).GetFromJsonAsync<JsonObject>("/api/v1/status"))!;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return $"node{i} does not answer ({e.Message})";
            }
            if (!(bool)status["quorate"]! || !(bool)status["synced"]!) return $"node{i} is not quorate and synced";
            if (status["nodes"]!.AsArray().Count(n => (bool)n!["online"]! && !(bool)n["standby"]!) != nodes)
                return $"node{i} does not see {nodes} online nodes out of standby";
            if (status["actionsInFlight"]!.AsArray().Count > 0) return $"node{i} has actions in flight";
            var placed = status["resources"]!.AsArray()
                .Count(r => Resources.Contains((string)r!["id"]!) && (string?)r["role"] == "Started"
                            && r["nodes"]!.AsArray().Select(n => (string?)n).SequenceEqual([HomeName]));
            if (placed != Resources.Count) return $"node{i} sees {placed} of {Resources.Count} resources Started on {HomeName} alone";
        }
        return "";
    }

    /// <summary>Waits until every node's API answers with a quorate, synced view of all nodes.</summary>
    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var ready = 0;
            for (var i = 1; i <= nodes; i++)
            {
                try
                {
                    var s = await Poller(i).GetFromJsonAsync<JsonObject>("/api/v1/status");
                    if ((bool)s!["quorate"]! && (bool)s["synced"]! && s["nodes"]!.AsArray().Count(n => (bool)n!["online"]!) == nodes) ready++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            }
            if (ready == nodes) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the cluster did not become ready within 90 s:\n{cluster.Logs()}");
    }

    /// <summary>A short-timeout client per node for status polls (clients are disposed with the cluster).</summary>
    private HttpClient Poller(int node)
    {
        if (!_pollers.TryGetValue(node, out var client)) _pollers[node] = client = cluster.Client(node, TimeSpan.FromSeconds(5));
        return client;
    }

    public void PrintTrace(DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, string originName)
    {
        if (Trace) LogTrace.Print(cluster, nodes, from, to, origin, originName);
    }

    public IPAddress HomeAddress => IPAddress.Parse(cluster.BaseAddress(home).Host);

    /// <summary>Copies every node's haapi and corosync log to <paramref name="directory"/> before "down" removes them.</summary>
    public void KeepLogs(string directory)
    {
        for (var i = 1; i <= nodes; i++)
            foreach (var log in new[] { "haapi.log", "corosync.log" })
            {
                var path = Path.Combine(NamespaceCluster.StateRoot, cluster.Name, $"node{i}", log);
                if (!File.Exists(path)) continue;
                Directory.CreateDirectory(directory);
                File.Copy(path, Path.Combine(directory, $"node{i}-{log}"), overwrite: true);
            }
    }
}
