using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;
using HaApi.Engine.Status;
using HaApi.Scheduler.Tests.Corpus;

namespace HaApi.Engine.Tests.Status;

/// <summary>Scheduler corpus cases read as status inputs, with what crm_simulate and crm_mon printed for them.</summary>
internal static class CorpusStatus
{
    public static CibDocument Import(string name) =>
        CibImporter.Import(File.ReadAllText(Path.Combine(SchedulerCorpus.Directory, "xml", name + ".xml")));

    public static CurrentState Current(string name)
    {
        var doc = Import(name);
        return CurrentState.Unpack(new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, doc.ExecutionDate ?? SchedulerCorpus.DefaultNow));
    }

    /// <summary>The report crm_mon would build from the CIB: the DC named by dc-uuid, quorum from have-quorum.</summary>
    public static StatusReport Report(string name)
    {
        var doc = Import(name);
        var dc = doc.DcNodeId is null ? null
            : doc.Status.Nodes.FirstOrDefault(n => n.Id == doc.DcNodeId)?.Name
              ?? doc.Config.Nodes.FirstOrDefault(n => n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == doc.DcNodeId)?.Name;
        var now = new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);
        return StatusReport.Build(new StatusInput(doc.Config, doc.Status, doc.HaveQuorum, dc,
            doc.Config.Nodes.FirstOrDefault()?.Name ?? "local", now, [], []));
    }

    /// <summary>crm_simulate's "Current cluster status:" section of the case's summary, blank lines dropped.</summary>
    public static IReadOnlyList<string> ExpectedCurrentStatus(string name)
    {
        var result = new List<string>();
        var inside = false;
        foreach (var line in File.ReadAllLines(Path.Combine(SchedulerCorpus.Directory, "summary", name + ".summary")))
        {
            if (line.StartsWith("Current cluster status:", StringComparison.Ordinal)) { inside = true; continue; }
            if (!inside) continue;
            if (line.Length > 0 && !char.IsWhiteSpace(line[0])) break;
            if (line.Trim().Length > 0) result.Add(line.TrimEnd());
        }
        return result;
    }

    public static IReadOnlyList<string> ActualCurrentStatus(string name) =>
        [.. StatusText.CurrentClusterStatus(Report(name)).Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd())];

    /// <summary>Real `crm_mon -1 -r` output kept in golden/NAME.txt; the clock lines differ by nature.</summary>
    public static IReadOnlyList<string> ExpectedCrmMon(string name) =>
        NormalizeClock(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Status", "golden", name + ".txt")));

    public static IReadOnlyList<string> NormalizeClock(IEnumerable<string> lines) =>
        [.. lines.Select(l => l.StartsWith("  * Last updated:", StringComparison.Ordinal) ? "  * Last updated: -"
            : l.StartsWith("  * Last change:", StringComparison.Ordinal) ? "  * Last change: -" : l)];
}
