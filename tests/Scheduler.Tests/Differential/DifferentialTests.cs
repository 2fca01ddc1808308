using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;
using HaApi.Scheduler.Tests.Corpus;
using Xunit.Abstractions;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>
/// Random small clusters (seeded) scheduled by HaApi and by the real crm_simulate 2.1.5: the Transition Summaries
/// must be identical (same comparison rule as the corpus). HAAPI_DIFF_SEED and HAAPI_DIFF_COUNT replay or widen a run.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_clusters_schedule_like_crm_simulate()
    {
        CrmSimulate.RequireInstalled();
        var firstSeed = int.TryParse(Environment.GetEnvironmentVariable("HAAPI_DIFF_SEED"), out var s) ? s : 20261126;
        var count = int.TryParse(Environment.GetEnvironmentVariable("HAAPI_DIFF_COUNT"), out var c) ? c : 40;
        var workDir = Directory.CreateTempSubdirectory("haapi-diff-");
        var failures = new List<string>();
        try
        {
            for (var seed = firstSeed; seed < firstSeed + count; seed++)
            {
                var xml = new RandomCluster(seed).Generate();
                var expected = SchedulerCorpus.Normalize(CrmSimulate.TransitionSummary(xml, workDir.FullName));
                var doc = CibImporter.Import(xml);
                var transition = HaApi.Engine.Scheduler.Scheduler.Schedule(new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, SchedulerCorpus.DefaultNow));
                var actual = SchedulerCorpus.Normalize(TransitionSummary.Format(transition));
                if (expected.SequenceEqual(actual)) continue;
                failures.Add($"seed {seed}:\n  crm_simulate: {string.Join("\n                ", expected)}\n  HaApi:        {string.Join("\n                ", actual)}\n{xml}");
            }
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
        output.WriteLine($"seeds {firstSeed}..{firstSeed + count - 1}: {count - failures.Count} matched, {failures.Count} differed");
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} random clusters differ from crm_simulate (first seed {firstSeed}):\n{string.Join("\n", failures.Take(3))}");
    }
}
