using HaApi.Engine.Status;

namespace HaApi.Engine.Tests.Status;

/// <summary>
/// StatusText against real <c>crm_mon -1 -r</c> (Pacemaker 2.1.5) output for corpus CIBs, kept in golden/:
/// regenerate one with <c>TZ=UTC CIB_file=.../scheduler-corpus/xml/NAME.xml crm_mon -1 -r &gt; golden/NAME.txt</c>.
/// Only the clock lines (Last updated, Last change) are left out of the comparison.
/// </summary>
public sealed class CrmMonGoldenTests
{
    private static IEnumerable<string> Names() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Status", "golden"), "*.txt")
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    public static TheoryData<string> Cases() => [.. Names()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Status_text_is_what_crm_mon_prints_for_the_same_cib(string name)
    {
        var ours = CorpusStatus.NormalizeClock(StatusText.Format(CorpusStatus.Report(name)).TrimEnd('\n').Split('\n'));
        Assert.Equal(CorpusStatus.ExpectedCrmMon(name), ours);
    }

    [Fact]
    public void The_golden_set_covers_clones_groups_failures_and_unclean_nodes()
    {
        var all = string.Join('\n', Names().Select(n => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Status", "golden", n + ".txt"))));
        foreach (var needle in new[] { "Clone Set:", "Resource Group:", "Failed Resource Actions:", "UNCLEAN (online)", "OFFLINE:", "pending", "could not be executed", "returned '" })
            Assert.Contains(needle, all, StringComparison.Ordinal);
    }
}
