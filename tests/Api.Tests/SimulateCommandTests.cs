using System.Diagnostics;
using System.Text.RegularExpressions;
using HaApi.Api.Cli;

namespace HaApi.Api.Tests;

/// <summary>
/// `haapi simulate` against the oracle: for corpus CIBs, failing each node in turn must give the same Transition
/// Summary as Pacemaker's own `crm_simulate -x CIB -S --node-fail NODE` (lines compared as a set, whitespace folded).
/// </summary>
public class SimulateCommandTests
{
    private static readonly string Corpus = Path.Combine(OpenApiDocumentTests.RepositoryRoot(), "..", "shared", "scheduler-corpus", "xml");

    public static IEnumerable<object[]> Cases() =>
        from c in new[] { "group-fail", "attrs1", "rec-rsc-2", "mon-rsc-2", "coloc-group", "order1", "rsc_dep2", "group5" }
        from node in new[] { "node1", "node2" }
        select new object[] { c, node };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Node_failure_gives_the_same_transition_as_crm_simulate(string name, string node)
    {
        var cib = Path.Combine(Corpus, name + ".xml");
        Assert.True(File.Exists(cib), $"{cib} is missing: the scheduler corpus lives in ../shared/scheduler-corpus beside the repository");

        var output = new StringWriter();
        var error = new StringWriter();
        var rc = SimulateCommand.Run(["--cib", cib, "--node-fail", node], output, error);

        Assert.True(rc == 0, error.ToString());
        Assert.Equal(CrmSimulate(cib, node), Summary(output.ToString()));
    }

    [Fact]
    public void A_malformed_cib_is_reported_with_its_line()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "<cib>\n<configuration>\n<resources><primitive id=\"x\"</resources>");
        try
        {
            var error = new StringWriter();
            Assert.Equal(1, SimulateCommand.Run(["--cib", file], new StringWriter(), error));
            Assert.Contains("line 3", error.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Unknown_options_print_the_usage()
    {
        var error = new StringWriter();
        Assert.Equal(2, SimulateCommand.Run(["--cib", "x.xml", "--bogus"], new StringWriter(), error));
        Assert.Contains("unknown option '--bogus'", error.ToString());
        Assert.Contains("usage: haapi simulate", error.ToString());
    }

    private static HashSet<string> CrmSimulate(string cib, string node)
    {
        var start = new ProcessStartInfo("crm_simulate", ["-x", cib, "-S", "--node-fail", node])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["LC_ALL"] = "C";
        start.Environment["CIB_shadow_dir"] = Path.GetTempPath();
        Process p;
        try
        {
            p = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("crm_simulate is not installed: apt-get install pacemaker-cli-utils (scripts/test does it)");
        }
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return Summary(text);
    }

    private static HashSet<string> Summary(string text)
    {
        var lines = text.Split('\n');
        return lines.SkipWhile(l => !l.StartsWith("Transition Summary:")).Skip(1)
            .TakeWhile(l => l.Trim().Length > 0 && !l.EndsWith(':'))
            .Select(l => Regex.Replace(l.Trim(), @"\s+", " "))
            .ToHashSet();
    }
}
