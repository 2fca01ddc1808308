using System.Globalization;
using HaApi.Cluster.Tests.ClusterE2E;

namespace HaApi.Bench.Replication;

/// <summary>
/// What a phase of the bench cost the machine: CPU time of every node's corosync and haapi (from /proc), the load
/// average, and the totem/knet counters of node1's corosync (corosync-cmapctl -m stats). Latency alone cannot tell a
/// slow path from a starved one on a shared machine, so each phase reports both.
/// </summary>
internal sealed class ClusterCost
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the cluster runs on
    private readonly NamespaceCluster cluster;
    private readonly int nodes;
    private readonly Dictionary<string, double> cpuStart;
    private readonly Dictionary<string, long> statsStart;
    private readonly string loadStart;
    private readonly DateTime started = DateTime.UtcNow;

    private ClusterCost(NamespaceCluster cluster, int nodes)
    {
        this.cluster = cluster;
        this.nodes = nodes;
        loadStart = LoadAverage();
        cpuStart = CpuSeconds();
        statsStart = TotemStats();
    }

    public static ClusterCost Start(NamespaceCluster cluster, int nodes) => new(cluster, nodes);

    /// <summary>CPU seconds all the cluster's processes used since Start.</summary>
    public double CpuUsed() => CpuSeconds().Sum(kv => kv.Value - cpuStart.GetValueOrDefault(kv.Key));

    /// <summary>Prints CPU ms per write per process, the load average and the node1 counters that moved, per write.</summary>
    public void Report(string phase, int writes)
    {
        var cpuEnd = CpuSeconds();
        var statsEnd = TotemStats();
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        Console.WriteLine($"  {phase}: load average {loadStart} -> {LoadAverage()} over {seconds:0.0}s");
        var total = 0.0;
        var parts = new List<string>();
        foreach (var (process, end) in cpuEnd.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var used = end - cpuStart.GetValueOrDefault(process);
            total += used;
            parts.Add($"{process} {used * 1000 / writes:0.00}");
        }
        Console.WriteLine($"  {phase}: CPU ms per write: {string.Join(", ", parts)}; all {total * 1000 / writes:0.0} ({total / seconds * 100:0}% of one core)");
        var moved = statsEnd
            .Select(kv => (kv.Key, Delta: kv.Value - statsStart.GetValueOrDefault(kv.Key)))
            .Where(x => x.Delta != 0 && Interesting(x.Key))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => $"{x.Key} {(double)x.Delta / writes:0.##}");
        Console.WriteLine($"  {phase}: node1 corosync counters per write: {string.Join(", ", moved)}");
    }

    // Counters, not gauges or timestamps, that say how much totem and knet did.
    private static bool Interesting(string key) =>
        (key.StartsWith("stats.srp.", StringComparison.Ordinal) && !key.Contains("time", StringComparison.Ordinal) && !key.Contains("avail", StringComparison.Ordinal))
        || (key.StartsWith("stats.knet.", StringComparison.Ordinal) && (key.EndsWith("crypt_packets", StringComparison.Ordinal) || key.EndsWith("tx_data_packets", StringComparison.Ordinal) || key.EndsWith("tx_data_bytes", StringComparison.Ordinal)))
        || (key.StartsWith("stats.ipcs.", StringComparison.Ordinal) && key.EndsWith(".requests", StringComparison.Ordinal))
        || (key.StartsWith("stats.ipcs.", StringComparison.Ordinal) && key.EndsWith(".responses", StringComparison.Ordinal))
        || (key.StartsWith("stats.ipcs.", StringComparison.Ordinal) && key.EndsWith(".dispatched", StringComparison.Ordinal));

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private Dictionary<string, double> CpuSeconds()
    {
        var result = new Dictionary<string, double>();
        var dir = Path.Combine(NamespaceCluster.StateRoot, cluster.Name);
        for (var i = 1; i <= nodes; i++)
            foreach (var process in new[] { "corosync", "haapi" })
            {
                var pidFile = Path.Combine(dir, $"node{i}", $"{process}.pid");
                if (!File.Exists(pidFile)) continue;
                var stat = $"/proc/{File.ReadAllText(pidFile).Trim()}/stat";
                if (!File.Exists(stat)) continue;
                // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                result[$"{process}{i}"] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
        return result;
    }

    private Dictionary<string, long> TotemStats()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        string output;
        try { output = cluster.Exec(1, "corosync-cmapctl", "-m", "stats"); }
        catch (InvalidOperationException) { return result; }
        foreach (var line in output.Split('\n'))
        {
            // "stats.srp.mcast_tx (u64) = 1234"
            var eq = line.IndexOf(" = ", StringComparison.Ordinal);
            var paren = line.IndexOf(" (", StringComparison.Ordinal);
            if (eq < 0 || paren < 0) continue;
            if (long.TryParse(line[(eq + 3)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                result[line[..paren]] = value;
        }
        return result;
    }
}
