using System.Diagnostics;
using static HaApi.Bench.Failover.Milestones;

namespace HaApi.Bench.Failover;

/// <summary>
/// Scenario 1: the home node's link is cut (iptables DROP on all its traffic with the other nodes, scripts/cluster
/// cut). Detection is cut → the first survivor's NodeMembershipChanged "lost" event (corosync's token timeout and
/// consensus, then haapi's view); recovery is that event → the last successful start result on a survivor. The steps
/// between them say where recovery time goes. Heals afterwards and waits until every resource is back home.
/// </summary>
public static class NodeCutRun
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    public static async Task RunAsync(Lab lab, EventRecorder events, int nodes, int run, Series series)
    {
        var survivors = Enumerable.Range(1, nodes).Where(i => i != lab.Home).Select(i => $"node{i}").ToList();
        await using var clock = await CutClock.StartAsync(lab.HomeAddress);
        var before = DateTimeOffset.UtcNow;
        var command = Stopwatch.StartNew();
        List<RecordedEvent> seen;
        string monitored;
        try
        {
            lab.Cluster.Run("cut", lab.HomeName);
            command.Stop();
            seen = await events.WaitAsync(before, e => EachSucceeded(e, "start", lab.Resources, survivors) is not null,
                RecoveryTimeout, $"run {run}: every resource started on {string.Join("/", survivors)}");
            // Before the heal, which moves them back.
            monitored = await MonitoredAsync(events, before, lab.Resources, survivors);
        }
        finally
        {
            lab.Cluster.Run("heal", lab.HomeName);
        }

        var lost = seen.FirstOrDefault(e => e.Kind == "NodeMembershipChanged" && e.Str("target") == lab.HomeName
                                            && e.Data["member"]?.GetValue<bool>() == false && survivors.Contains(e.Str("node") ?? ""))?.Time
            ?? throw new InvalidOperationException($"run {run}: the resources were recovered but no survivor reported {lab.HomeName} lost");
        var (cut, uncertainty) = clock.CutBefore(lost);
        var starts = EachSucceeded(seen, "start", lab.Resources, survivors)!;
        var lastStart = starts.Max(e => e.Time);
        var dc = seen.FirstOrDefault(e => e.Kind == "DcChanged" && e.Time >= lost && e.Str("dc") is not null && survivors.Contains(e.Str("node") ?? ""));
        var (firstBegun, lastBegun) = Began(seen, "start", lab.Resources, survivors);
        var placement = string.Join(", ", starts.GroupBy(e => e.Str("target")).OrderBy(g => g.Key).Select(g => $"{g.Count()} on {g.Key}"));

        series.Add("scripts/cluster cut (command)", command.Elapsed.TotalMilliseconds);
        series.Add("cut time uncertainty (ping gap)", uncertainty.TotalMilliseconds);
        series.Add("DETECTION: cut -> membership lost", Ms(cut, lost));
        series.Add("RECOVERY: lost -> last start done", Ms(lost, lastStart));
        series.Add("  lost -> view synced (DcChanged)", dc is null ? null : Ms(lost, dc.Time));
        series.Add("  lost -> first start begun", firstBegun is { } f ? Ms(lost, f) : null);
        series.Add("  lost -> last start begun", lastBegun is { } l ? Ms(lost, l) : null);
        series.Add("total: cut -> last start done", Ms(cut, lastStart));
        Console.WriteLine($"  cut run {run} ({placement}, {monitored}): {series.TakeRun()}");
        lab.PrintTrace(lost.AddMilliseconds(-100), lastStart.AddMilliseconds(100), lost, "membership lost");

        await lab.WaitSettledAsync();
    }
}
