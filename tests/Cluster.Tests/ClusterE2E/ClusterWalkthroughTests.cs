using System.Diagnostics;
using System.Text.RegularExpressions;
using HaApi.TestSupport;
using Xunit.Abstractions;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>Runs after the other collections, alone: a second 3-node cluster next to the shared one would compete
/// for this machine's two cores and blur the timings those tests check.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WalkthroughCollection
{
    public const string Name = "cluster walk-through";
}

/// <summary>
/// Runs the README's cluster walk-through as written, so it cannot rot: every bash block between the
/// cluster-walkthrough markers, in order, in one bash (set -euo pipefail) with the environment the README tells the
/// operator to set. Its own cluster (scripts/cluster up 3 is the README's first command) gets a name unique to this
/// run, so its /24, its bridge address .254 (where the README's snmptrapd listens) and its state directory are its
/// own. The block for "another terminal" (snmptrapd) runs in the background. The transcript (bash -x) is then
/// checked for what the README promises.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed partial class ClusterWalkthroughTests(ITestOutputHelper output)
{
    private const string NamePrefix = "walk-";
    private const string AnotherTerminal = "# In another terminal";
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_readme_cluster_walkthrough_works_as_written()
    {
        NamespaceCluster.RequireRootAndTools();
        var missing = new[] { Snmptrapd.Binary, "/usr/bin/busybox", "/usr/bin/curl", "/usr/bin/timeout" }.Where(f => !File.Exists(f)).ToList();
        Assert.True(missing.Count == 0, $"missing {string.Join(", ", missing)}: install the Debian packages snmptrapd, busybox, curl, coreutils");
        var dll = Path.Combine(AppContext.BaseDirectory, "haapi.dll");
        NamespaceCluster.ReapAbandoned(NamePrefix, dll);

        var readme = await File.ReadAllTextAsync(Path.Combine(NamespaceCluster.RepositoryRoot, "README.md"));
        var region = Region().Match(readme);
        Assert.True(region.Success, "README.md has no cluster-walkthrough block");
        var blocks = BashBlock().Matches(region.Groups["text"].Value).Select(m => m.Groups["script"].Value).ToList();
        Assert.Single(blocks, b => b.StartsWith(AnotherTerminal, StringComparison.Ordinal));

        var name = $"{NamePrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var work = Directory.CreateTempSubdirectory("haapi-walkthrough-").FullName;
        var traps = Path.Combine(work, "snmptrapd.out");
        var run = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", Script(blocks)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NamespaceCluster.RepositoryRoot,
        };
        // What the README's set-up block exports, with this run's cluster name and the haapi of this build.
        run.Environment["HAAPI_CLUSTER_NAME"] = name;
        run.Environment["HAAPI_NODE_CMD"] = $"dotnet '{dll.Replace("'", "'\\''")}'";
        run.Environment["WALKTHROUGH_TRAPS"] = traps;
        // The README names the state directory /var/tmp/haapi-cluster/<name>, scripts/cluster's default.
        foreach (var inherited in new[] { "HAAPI_CLUSTER_STATE_ROOT", "HAAPI", "TOKEN", "VIP", "STATE" }) run.Environment.Remove(inherited);

        var clock = Stopwatch.StartNew();
        string transcript, received;
        try
        {
            using var bash = Process.Start(run)!;
            var stdout = bash.StandardOutput.ReadToEndAsync();
            var stderr = bash.StandardError.ReadToEndAsync();
            if (!bash.WaitForExit(Budget))
            {
                bash.Kill(entireProcessTree: true);
                bash.WaitForExit();
            }
            transcript = await stdout + await stderr;
            StopBackground($"{traps}.pid");
            received = File.Exists(traps) ? await File.ReadAllTextAsync(traps) : "";
            output.WriteLine(Masked(transcript));
            output.WriteLine($"--- snmptrapd\n{received}");
            output.WriteLine($"walk-through took {clock.Elapsed.TotalSeconds:0} s");
            Assert.True(bash.HasExited && bash.ExitCode == 0,
                $"the walk-through {(bash.HasExited ? $"failed ({bash.ExitCode})" : $"did not finish within {Budget}")}:\n{Masked(transcript)}\n{Logs(name)}");
        }
        finally
        {
            StopBackground($"{traps}.pid");
            Down(run);
            Directory.Delete(work, recursive: true);
        }

        var steps = Transcript.Parse(transcript);
        var vip = steps.Value("export VIP=");
        var served = steps.OutputsOf($"curl -s http://{vip}/").Where(o => o.Length > 0).ToList();
        Assert.True(served.Count == 5 && served.All(s => NodeName().IsMatch(s)), $"the VIP should have answered five times with a node name: {string.Join(", ", served)}");
        var (first, afterStandby, afterUnstandby, afterCut, afterConfirm) = (served[0], served[1], served[2], served[3], served[4]);
        Assert.NotEqual(first, afterStandby);
        Assert.Equal(afterStandby, afterUnstandby);
        Assert.NotEqual(afterUnstandby, afterCut);
        Assert.NotEqual(afterCut, afterConfirm);
        output.WriteLine($"served by {first}, {afterStandby} after standby, {afterUnstandby} after unstandby, {afterCut} after the cut, {afterConfirm} after the confirmation");

        // (c) The DC of the majority wrote the fail-over in pm_logconv's format; Prometheus moved the series.
        var pmLogconv = Assert.Single(steps.OutputsOf($"grep -A20 'Node {afterUnstandby} is lost'"));
        Assert.Matches($@"(?s)Start to fail-over\..*Resource web : Move {afterUnstandby} -> {afterCut}.*fail-over succeeded\.", pmLogconv);
        var series = steps.Steps.Select(s => s.Output).Where(o => o.StartsWith("ha_cluster_pacemaker_resources{", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, series.Count);
        Assert.Matches($@"^ha_cluster_pacemaker_resources{{.*node=""{afterUnstandby}"",resource=""web"",role=""started"",status=""active""}} 1$", series[0]);
        Assert.Matches($@"^ha_cluster_pacemaker_resources{{.*node=""{afterCut}"",resource=""web"",role=""started"",status=""active""}} 1$", series[1]);
        // snmptrapd printed PACEMAKER-MIB traps: the cut node lost, then web started on the survivor.
        const string mib = "PACEMAKER-MIB::pacemakerNotification";
        var trapsReceived = Snmptrapd.Parse(received).Where(t => t.VarBinds.Any(v => v.Value == $"OID: {mib}Trap")).ToList();
        Assert.Contains(trapsReceived, t => t[$"{mib}Node"] == $"STRING: \"{afterUnstandby}\"" && t[$"{mib}Description"] == "STRING: \"lost\"");
        Assert.Contains(trapsReceived, t => t[$"{mib}Node"] == $"STRING: \"{afterCut}\"" && t[$"{mib}Resource"] == "STRING: \"web\""
                                            && t[$"{mib}Operation"] == "STRING: \"start\"" && t[$"{mib}Description"] == "STRING: \"ok\"");

        // (d) A failed start keeps the worker stopped with its failures listed, until cleanup after the fix.
        var statuses = steps.OutputsOf("curl -s 'http://").Where(o => o.StartsWith("Cluster Summary:", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, statuses.Count);
        Assert.Matches(@"\* worker\s+\(haapi:Process\):\s+Stopped", statuses[1]);
        Assert.Matches(@"Failed Resource Actions:(\n  \* worker start on node\d returned 'error' \(command exited right after start[^\n]*){3}", statuses[1]);
        Assert.Matches(@"\* worker\s+\(haapi:Process\):\s+Started node\d", statuses[2]);
        Assert.DoesNotContain("Failed Resource Actions:", statuses[2]);

        // (e) The fencing failed with the script's reason; the survivors held the pair back until the confirmation.
        Assert.Contains($"no route to the power switch of {afterCut}", Assert.Single(steps.Steps, s => s.Output.StartsWith("\"reason\":\"fencing", StringComparison.Ordinal)).Output);
        Assert.Contains($"* Node {afterCut}: UNCLEAN (offline)", statuses[3]);
        Assert.Matches($@"\* web\s+\(haapi:Process\):\s+Started {afterCut} \(UNCLEAN\)", statuses[3]);
        Assert.Contains($"Pending Fencing Actions:\n  * reboot of {afterCut} pending", statuses[3]);
        Assert.Contains($"\"summary\":\"{afterCut} is recorded as fenced", Assert.Single(steps.OutputsOf("curl -s -X POST http://"), o => o.Contains("recorded as fenced")));
        Assert.Contains($"cluster '{name}': down", Assert.Single(steps.OutputsOf("scripts/cluster down")));
    }

    /// <summary>The blocks as one script: traced (bash -x, each trace on a line of its own, stderr merged so the
    /// transcript keeps commands and their output in order), the other terminal's block in the background.</summary>
    private static string Script(IEnumerable<string> blocks) =>
        string.Join("\n", [
            "exec 2>&1",
            "PS4=$'\\n+ '",
            "set -x",
            .. blocks.Select(b => b.StartsWith(AnotherTerminal, StringComparison.Ordinal)
                ? $"(\n{b}) >\"$WALKTHROUGH_TRAPS\" 2>&1 &\nset +x; echo $! >\"$WALKTHROUGH_TRAPS.pid\"; set -x"
                : b),
        ]);

    /// <summary>snmptrapd outlives the script (it runs until stopped, as in the operator's second terminal).</summary>
    private static void StopBackground(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The README ends with "scripts/cluster down"; this repeats it (harmless when done) for a run that failed
    /// before reaching it.</summary>
    private static void Down(ProcessStartInfo environment)
    {
        var down = new ProcessStartInfo(Path.Combine(NamespaceCluster.RepositoryRoot, "scripts", "cluster"), ["down"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NamespaceCluster.RepositoryRoot,
        };
        foreach (var (key, value) in environment.Environment) down.Environment[key] = value;
        using var process = Process.Start(down)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(60));
    }

    /// <summary>The nodes' haapi logs, for a failed run (kept until the finally's "down").</summary>
    private static string Logs(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (var log in Directory.Exists($"/var/tmp/haapi-cluster/{name}") ? Directory.EnumerateFiles($"/var/tmp/haapi-cluster/{name}", "haapi.log", SearchOption.AllDirectories) : [])
            text.AppendLine($"--- {log}").AppendJoin('\n', File.ReadLines(log).TakeLast(30)).AppendLine();
        return text.ToString();
    }

    /// <summary>The cluster's API token is printed by "scripts/cluster up" and traced; it stays out of test logs.</summary>
    private static string Masked(string transcript) =>
        Token().Match(transcript) is { Success: true } token ? transcript.Replace(token.Groups[1].Value, "***") : transcript;

    [GeneratedRegex(@"<!-- cluster-walkthrough:start -->(?<text>.*?)<!-- cluster-walkthrough:end -->", RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"```bash\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"^node[1-3]$")]
    private static partial Regex NodeName();

    [GeneratedRegex(@"^token: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Token();
}
