using HaApi.Bench.Failover;
using HaApi.Cluster.Tests.ClusterE2E;

// Issue #5: how fast resources come back after their node is lost, and how fast a standby moves them, on a real
// cluster (scripts/cluster: network namespaces, corosync with knet and totem token 1000 ms, real haapi processes).
var runs = Arg("--runs", 5);
var resourceCount = Arg("--resources", 10);
var nodes = Arg("--nodes", 3);
var home = Arg("--home", 2);
var keepLogs = Option("--keep-logs");
var scenarios = Option("--only") ?? "cut,standby";
if (home > nodes) throw new ArgumentException($"--home {home} is not a node of a {nodes}-node cluster");

NamespaceCluster.RequireRootAndTools();
using var cluster = new NamespaceCluster($"fobench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
    Path.Combine(AppContext.BaseDirectory, "haapi.dll"));
var lab = new Lab(cluster, nodes, resourceCount, home) { Trace = args.Contains("--trace") };
// Inherited by scripts/cluster and so by every haapi: timestamps in the logs for --trace and --keep-logs.
foreach (var (name, value) in LogTrace.Environment) Environment.SetEnvironmentVariable(name, value);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cluster.Dispose(); Environment.Exit(130); };
try
{
    Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()} at start");
    Console.WriteLine($"starting a {nodes}-node cluster {cluster.Name} (knet, totem token 1000 ms, token_coefficient 0)...");
    cluster.Up(nodes);
    await lab.WaitReadyAsync();
    await using var events = new EventRecorder();
    for (var i = 1; i <= nodes; i++) events.Follow(cluster.Client(i, Timeout.InfiniteTimeSpan));
    await lab.ConfigureAsync();
    await lab.WaitSettledAsync();
    Console.WriteLine($"{resourceCount} haapi:Dummy resources (monitor 2s) Started on {lab.HomeName}; stickiness 100, location {lab.HomeName} 200, stonith-enabled=false");

    if (scenarios.Contains("cut", StringComparison.Ordinal))
    {
        var series = new Series();
        for (var run = 1; run <= runs; run++) await NodeCutRun.RunAsync(lab, events, nodes, run, series);
        series.Print($"link cut of {lab.HomeName} running {resourceCount} resources", runs);
    }
    if (scenarios.Contains("standby", StringComparison.Ordinal))
    {
        var series = new Series();
        for (var run = 1; run <= runs; run++) await StandbyRun.RunAsync(lab, events, nodes, run, series);
        series.Print($"standby of {lab.HomeName} running {resourceCount} resources", runs);
    }
    Console.WriteLine($"load average {LoadAverage()} at the end");
}
finally
{
    if (keepLogs is not null)
    {
        lab.KeepLogs(keepLogs);
        Console.WriteLine($"haapi and corosync logs copied to {keepLogs}");
    }
    cluster.Dispose();
}
return 0;

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

int Arg(string name, int fallback) =>
    Option(name) is { } text ? int.TryParse(text, out var v) && v > 0 ? v : throw new ArgumentException($"{name} needs a positive number, got '{text}'") : fallback;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
