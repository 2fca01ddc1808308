using System.Text.RegularExpressions;
using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;

namespace HaApi.Scheduler.Tests.Corpus;

/// <summary>
/// Pacemaker's scheduler regression corpus (CIB inputs with crm_simulate 2.1.5's expected summaries), found next
/// to the repository: ../shared/scheduler-corpus from the directory holding HaApi.sln (or HAAPI_SCHEDULER_CORPUS).
/// </summary>
public static partial class SchedulerCorpus
{
    /// <summary>"Now" for inputs that record no execution date; none of the corpus cases depends on it.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<string> LazyDirectory = new(Locate);

    public static string Directory => LazyDirectory.Value;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("HAAPI_SCHEDULER_CORPUS") is { Length: > 0 } env)
        {
            if (System.IO.Directory.Exists(env)) return env;
            throw new InvalidOperationException($"HAAPI_SCHEDULER_CORPUS={env} does not exist");
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaApi.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException($"No HaApi.sln above {AppContext.BaseDirectory}: cannot locate the scheduler corpus");
        // The shared folder sits next to the main checkout; a worktree may be one level deeper.
        foreach (var candidate in new[] { Path.Combine(dir.FullName, "..", "shared", "scheduler-corpus"), Path.Combine(dir.FullName, "..", "..", "shared", "scheduler-corpus") })
            if (File.Exists(Path.Combine(candidate, "cases.txt"))) return Path.GetFullPath(candidate);
        throw new InvalidOperationException(
            $"Scheduler corpus not found: expected {Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "scheduler-corpus"))}/cases.txt " +
            "(or set HAAPI_SCHEDULER_CORPUS)");
    }

    public static IReadOnlyList<string> Cases() =>
        File.ReadAllLines(Path.Combine(Directory, "cases.txt")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    /// <summary>known-failing.txt: "case  # what is missing" per line.</summary>
    public static IReadOnlyDictionary<string, string> KnownFailing()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Corpus", "known-failing.txt");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var hash = line.IndexOf('#');
            var name = (hash < 0 ? line : line[..hash]).Trim();
            var why = hash < 0 ? "" : line[(hash + 1)..].Trim();
            result[name] = why;
        }
        return result;
    }

    /// <summary>The expected "Transition Summary:" lines from crm_simulate's output.</summary>
    public static IReadOnlyList<string> ExpectedSummary(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, "summary", name + ".summary"));
        var result = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("Transition Summary:", StringComparison.Ordinal)) { inside = true; continue; }
            if (!inside) continue;
            if (line.StartsWith("Executing Cluster Transition:", StringComparison.Ordinal) || (line.Length > 0 && !char.IsWhiteSpace(line[0]))) break;
            if (line.Trim().Length > 0) result.Add(line);
        }
        return result;
    }

    public static IReadOnlyList<string> ActualSummary(string name)
    {
        var doc = CibImporter.Import(File.ReadAllText(Path.Combine(Directory, "xml", name + ".xml")));
        var transition = HaApi.Engine.Scheduler.Scheduler.Schedule(new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, doc.ExecutionDate ?? DefaultNow));
        return TransitionSummary.Format(transition);
    }

    /// <summary>
    /// The comparison rule: each line with runs of whitespace collapsed to one space and trimmed (Pacemaker pads
    /// columns with static, grow-only widths), blank lines ignored, and lines compared in order (crm_simulate's
    /// order is deterministic: fencing, then resources in configuration order).
    /// </summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> lines) =>
        lines.Select(l => Whitespace().Replace(l, " ").Trim()).Where(l => l.Length > 0).ToList();

    /// <summary>Null when the summaries match, else a readable diff (or the exception HaApi raised).</summary>
    public static string? Compare(string name)
    {
        var expected = Normalize(ExpectedSummary(name));
        IReadOnlyList<string> actual;
        try
        {
            actual = Normalize(ActualSummary(name));
        }
        catch (Exception e)
        {
            return $"{name}: {e.GetType().Name}: {e.Message}";
        }
        if (expected.SequenceEqual(actual)) return null;
        var diff = new System.Text.StringBuilder($"{name}:\n");
        foreach (var l in expected) diff.Append("  expected: ").Append(l).Append('\n');
        foreach (var l in actual) diff.Append("  actual:   ").Append(l).Append('\n');
        return diff.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
