using Xunit.Abstractions;

namespace HaApi.Scheduler.Tests.Corpus;

/// <summary>
/// Every case of the scheduler corpus must produce crm_simulate 2.1.5's Transition Summary, except the cases in
/// known-failing.txt, which must still fail (so the list only ever shrinks honestly: a fixed case has to be removed
/// from it). See <see cref="SchedulerCorpus.Normalize"/> for the comparison rule.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in SchedulerCorpus.Cases()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Transition_summary_matches_crm_simulate(string name)
    {
        var diff = SchedulerCorpus.Compare(name);
        var known = SchedulerCorpus.KnownFailing();
        if (known.TryGetValue(name, out var why))
        {
            Assert.True(diff is not null, $"{name} now passes: remove it from known-failing.txt ({why})");
            output.WriteLine($"known failing: {why}\n{diff}");
            return;
        }
        Assert.True(diff is null, diff);
    }

    [Fact]
    public void Corpus_report()
    {
        var cases = SchedulerCorpus.Cases();
        Assert.NotEmpty(cases);
        var failures = cases.Select(c => (Case: c, Diff: SchedulerCorpus.Compare(c))).Where(x => x.Diff is not null).ToList();
        output.WriteLine($"{cases.Count - failures.Count} passed, {failures.Count} failed (of {cases.Count})");
        foreach (var (c, diff) in failures) output.WriteLine(diff);
        var known = SchedulerCorpus.KnownFailing();
        var unexpected = failures.Select(f => f.Case).Where(c => !known.ContainsKey(c)).ToList();
        Assert.True(unexpected.Count == 0, "Failing and not listed in known-failing.txt: " + string.Join(", ", unexpected));
    }
}
