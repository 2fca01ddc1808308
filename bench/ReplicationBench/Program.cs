using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaApi.Bench.Replication;
using HaApi.Cluster.Tests.ClusterE2E;

// Commit latency of configuration writes on a real 3-node cluster (scripts/cluster: namespaces, corosync, haapi).
// A write is acknowledged once a majority of nodes applied and persisted it, so this measures the whole path:
// HTTP, totem ordering, apply, fsync on every node, the acknowledgement round.
var writes = Arg("--writes", 1000);
var clients = Arg("--clients", 8);
var nodes = Arg("--nodes", 3);
// Tiered JIT keeps recompiling haapi's hot paths for the first ~1,500 writes (up to half of a node's CPU goes to the
// ".NET Tiered Compilation" thread), so a short warm-up measures start-up, not steady state.
var warmup = Arg("--warmup", 1000);
// Runtime totem settings to try, e.g. "seqno_unchanged_const=3,hold=20": set in every node's cmap after start-up
// (corosync applies totem.* changes at once), so a tuning can be measured without another cluster script.
var totem = args.SkipWhile(a => a != "--totem").Skip(1).FirstOrDefault() ?? "";

NamespaceCluster.RequireRootAndTools();
using var cluster = new NamespaceCluster($"bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
    Path.Combine(AppContext.BaseDirectory, "haapi.dll"));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cluster.Dispose(); Environment.Exit(130); };
try
{
    Console.WriteLine($"starting a {nodes}-node cluster {cluster.Name} (token 1000 ms)...");
    cluster.Up(nodes);
    await WaitReadyAsync();
    foreach (var setting in totem.Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        var (key, value) = (setting.Split('=')[0].Trim(), setting.Split('=')[1].Trim());
        for (var i = 1; i <= nodes; i++) cluster.Exec(i, "corosync-cmapctl", "-s", $"totem.{key}", "u32", value);
        Console.WriteLine($"totem.{key} = {cluster.Exec(1, "corosync-cmapctl", "-g", $"runtime.config.totem.{key}").Trim()}");
    }
    var node1 = cluster.Client(1);
    var startVersion = await VersionAsync(1);

    // Warm-up: JIT tiering, connection pool, file cache. Reported, as it is what a freshly started cluster sees.
    var warm = new double[warmup];
    var warmCost = ClusterCost.Start(cluster, nodes);
    for (var i = 0; i < warmup; i++)
    {
        var sw = Stopwatch.StartNew();
        await WriteAsync(node1, "warmup", i);
        warm[i] = sw.Elapsed.TotalMilliseconds;
    }
    warmCost.Report("warm-up", warmup);
    Array.Sort(warm);
    Console.WriteLine($"warm-up: {warmup} sequential writes, commit latency ms: p50 {P(warm, 50):0.00}  p99 {P(warm, 99):0.00}  max {warm[^1]:0.00}");

    // The warm-up leaves haapi1's JIT recompiling hot methods at tier 1 for a few seconds (up to 3 s of CPU); a
    // cluster that has been up a while is past that, so the measured writes wait until the cluster is idle again.
    var settling = Stopwatch.StartNew();
    while (settling.Elapsed < TimeSpan.FromSeconds(60))
    {
        var second = ClusterCost.Start(cluster, nodes);
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (second.CpuUsed() < 0.1) break;
    }
    Console.WriteLine($"  settled: the cluster's processes used < 10% of one core over 1 s, {settling.Elapsed.TotalSeconds:0} s after the warm-up");

    // What an idle cluster costs (heartbeats, token rotation), to set the phases' cost against.
    var idle = ClusterCost.Start(cluster, nodes);
    await Task.Delay(TimeSpan.FromSeconds(5));
    idle.Report("idle 5 s, as if it were 100 writes", 100);

    var latencies = new double[writes];
    var cost = ClusterCost.Start(cluster, nodes);
    var total = Stopwatch.StartNew();
    // A blocking client, like curl in a script: no thread-pool hop between the response and the clock.
    for (var i = 0; i < writes; i++)
    {
        var sw = Stopwatch.StartNew();
        Write(node1, "seq", i);
        latencies[i] = sw.Elapsed.TotalMilliseconds;
    }
    total.Stop();
    cost.Report("sequential", writes);
    // Where the slowest writes fall in the run shows whether the tail is periodic (journal compaction every 1,000
    // commands, garbage collections) or scattered (disk, scheduling).
    var slowest = latencies.Select((ms, i) => (ms, i)).OrderByDescending(x => x.ms).Take(Math.Max(1, writes / 100));
    Console.WriteLine($"  slowest 1%: {string.Join(", ", slowest.OrderBy(x => x.i).Select(x => $"#{x.i} {x.ms:0.0} ms"))}");
    Array.Sort(latencies);
    Console.WriteLine($"sequential: {writes} writes through node1 in {total.Elapsed.TotalSeconds:0.00}s ({writes / total.Elapsed.TotalSeconds:0} writes/s)");
    Console.WriteLine($"  commit latency ms: p50 {P(latencies, 50):0.00}  p90 {P(latencies, 90):0.00}  p99 {P(latencies, 99):0.00}  max {latencies[^1]:0.00}  mean {latencies.Average():0.00}");

    var concurrent = new List<double>();
    var perClient = writes / clients;
    cost = ClusterCost.Start(cluster, nodes);
    total.Restart();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
    {
        var client = cluster.Client(1);
        for (var i = 0; i < perClient; i++)
        {
            var sw = Stopwatch.StartNew();
            await WriteAsync(client, $"c{c}", i);
            lock (concurrent) concurrent.Add(sw.Elapsed.TotalMilliseconds);
        }
    })));
    total.Stop();
    cost.Report("concurrent", clients * perClient);
    var sorted = concurrent.Order().ToArray();
    Console.WriteLine($"concurrent: {clients} clients x {perClient} writes through node1 in {total.Elapsed.TotalSeconds:0.00}s: {sorted.Length / total.Elapsed.TotalSeconds:0} writes/s");
    Console.WriteLine($"  commit latency ms: p50 {P(sorted, 50):0.00}  p99 {P(sorted, 99):0.00}  max {sorted[^1]:0.00}");

    // Every acknowledged write must show up exactly once on every node: the version counts applied changes.
    var acknowledged = warmup + writes + sorted.Length;
    // An acknowledgement needs a majority, so a minority node may still be applying the tail: wait for it (bounded).
    var versions = new List<string>();
    var settle = Stopwatch.StartNew();
    do
    {
        versions.Clear();
        for (var i = 1; i <= nodes; i++) versions.Add(await VersionAsync(i));
        if (versions.Distinct().Count() == 1) break;
        await Task.Delay(50);
    } while (settle.Elapsed < TimeSpan.FromSeconds(30));
    Console.WriteLine($"all nodes at one version {settle.Elapsed.TotalMilliseconds:0} ms after the last acknowledgement");
    Console.WriteLine($"final configuration version per node: {string.Join(", ", versions)}; started at {startVersion}");
    var advanced = versions.Select(v => Epoch(v) - Epoch(startVersion)).ToList();
    Console.WriteLine(advanced.All(a => a == acknowledged)
        ? $"consistency: all {nodes} nodes applied exactly the {acknowledged} acknowledged writes"
        : $"INCONSISTENT: {acknowledged} writes acknowledged, versions advanced by {string.Join(", ", advanced)}");
}
finally
{
    cluster.Dispose();
}
return 0;

// One configuration write: a permanent node attribute, so the configuration keeps its size throughout the run.
static HttpRequestMessage AttributeWrite(string key, int i) => new(HttpMethod.Patch, "/api/v1/nodes/node1/attributes")
{
    Content = new StringContent($$"""{"bench-{{key}}":"{{i}}"}""", Encoding.UTF8, "application/json"),
};

static void EnsureWritten(HttpResponseMessage response, string key, int i)
{
    if (response.StatusCode != HttpStatusCode.OK)
        throw new InvalidOperationException($"write {key}/{i} failed: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
}

async Task WriteAsync(HttpClient client, string key, int i)
{
    using var request = AttributeWrite(key, i);
    using var response = await client.SendAsync(request);
    EnsureWritten(response, key, i);
}

void Write(HttpClient client, string key, int i)
{
    using var request = AttributeWrite(key, i);
    using var response = client.Send(request);
    EnsureWritten(response, key, i);
}

async Task WaitReadyAsync()
{
    var deadline = DateTime.UtcNow.AddSeconds(90);
    while (DateTime.UtcNow < deadline)
    {
        var ready = 0;
        for (var i = 1; i <= nodes; i++)
        {
            try
            {
                using var c = new HttpClient { BaseAddress = cluster.BaseAddress(i), Timeout = TimeSpan.FromSeconds(2) };
                c.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Token);
                var s = await c.GetFromJsonAsync<JsonObject>("/api/v1/status");
                if ((bool)s!["quorate"]! && (bool)s["synced"]! && s["nodes"]!.AsArray().Count(n => (bool)n!["online"]!) == nodes) ready++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        }
        if (ready == nodes) return;
        await Task.Delay(200);
    }
    throw new TimeoutException($"the cluster did not become ready within 90 s:\n{cluster.Logs()}");
}

async Task<string> VersionAsync(int node) =>
    (string)(await cluster.Client(node).GetFromJsonAsync<JsonObject>("/api/v1/status"))!["configVersion"]!;

// A configuration version is admin_epoch.epoch.num_updates; every applied change increments the epoch.
static long Epoch(string version) => long.Parse(version.Split('.')[1]);

static double P(double[] sorted, int percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
}
