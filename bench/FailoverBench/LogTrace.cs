using System.Globalization;
using HaApi.Cluster.Tests.ClusterE2E;

namespace HaApi.Bench.Failover;

/// <summary>
/// The haapi log lines of every node inside a run's window, merged in time order with their offset from the run's
/// origin: where the time goes between the events (view, synchronisation, transitions, results). Needs the
/// timestamps <see cref="Environment"/> asks the nodes to write.
/// </summary>
public static class LogTrace
{
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff";

    /// <summary>Console logger settings every haapi inherits through scripts/cluster: UTC millisecond timestamps, and
    /// ASP.NET's per-request information lines off, so the logs show the engine.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        // Without the formatter named, the console logger ignores the formatter options.
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = TimestampFormat + " ",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        ["Logging__LogLevel__Microsoft"] = "Warning",
    };

    public static void Print(NamespaceCluster cluster, int nodes, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, string originName)
    {
        var lines = new List<(DateTimeOffset Time, string Text)>();
        for (var i = 1; i <= nodes; i++)
        {
            var path = Path.Combine(NamespaceCluster.StateRoot, cluster.Name, $"node{i}", "haapi.log");
            if (!File.Exists(path)) continue;
            DateTimeOffset? time = null;
            foreach (var line in ReadShared(path))
            {
                if (line.Length > TimestampFormat.Length && DateTimeOffset.TryParseExact(line[..TimestampFormat.Length], TimestampFormat,
                        CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    time = t;
                // The message is the indented line after "<time> info: Category[id]".
                else if (time is { } at && at >= from && at <= to && line.StartsWith("      ", StringComparison.Ordinal))
                {
                    lines.Add((at, $"node{i}  {line.Trim()}"));
                    time = null;
                }
            }
        }
        Console.WriteLine($"    haapi log, ms from {originName}:");
        foreach (var (time, text) in lines.OrderBy(l => l.Time))
            Console.WriteLine($"    {(time - origin).TotalMilliseconds,7:+0;-0}  {text}");
    }

    // haapi still has the file open for writing.
    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
