using static HaApi.Bench.Failover.Milestones;

namespace HaApi.Bench.Failover;

/// <summary>
/// Scenario 2: the home node is put in standby (POST /api/v1/nodes/{home}/standby to another node). Switchover is the
/// request → the last successful start on another node: the configuration commit, the transition, every stop on the
/// home node and its result, then the starts. Unstandby afterwards and wait until every resource is back home.
/// </summary>
public static class StandbyRun
{
    private static readonly TimeSpan SwitchoverTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Lab lab, EventRecorder events, int nodes, int run, Series series)
    {
        var others = Enumerable.Range(1, nodes).Where(i => i != lab.Home).Select(i => $"node{i}").ToList();
        var api = lab.Client(lab.Other);
        var requested = DateTimeOffset.UtcNow;
        List<RecordedEvent> seen;
        DateTimeOffset acknowledged;
        string monitored;
        try
        {
            await Lab.SendAsync(api, HttpMethod.Post, $"/api/v1/nodes/{lab.HomeName}/standby");
            acknowledged = DateTimeOffset.UtcNow;
            seen = await events.WaitAsync(requested, e => EachSucceeded(e, "start", lab.Resources, others) is not null,
                SwitchoverTimeout, $"run {run}: every resource started on {string.Join("/", others)}");
            // Before unstandby, which moves them back.
            monitored = await MonitoredAsync(events, requested, lab.Resources, others);
        }
        finally
        {
            await Lab.SendAsync(api, HttpMethod.Post, $"/api/v1/nodes/{lab.HomeName}/unstandby");
        }

        var stops = EachSucceeded(seen, "stop", lab.Resources, [lab.HomeName]);
        var starts = EachSucceeded(seen, "start", lab.Resources, others)!;
        var lastStart = starts.Max(e => e.Time);
        var (firstStopBegun, _) = Began(seen, "stop", lab.Resources, [lab.HomeName]);
        var (firstStartBegun, _) = Began(seen, "start", lab.Resources, others);
        var placement = string.Join(", ", starts.GroupBy(e => e.Str("target")).OrderBy(g => g.Key).Select(g => $"{g.Count()} on {g.Key}"));

        series.Add("SWITCHOVER: request -> last start done", Ms(requested, lastStart));
        series.Add("  request -> standby acknowledged (HTTP 200)", Ms(requested, acknowledged));
        series.Add("  request -> first stop begun", firstStopBegun is { } fs ? Ms(requested, fs) : null);
        series.Add("  request -> last stop done", stops is null ? null : Ms(requested, stops.Max(e => e.Time)));
        series.Add("  request -> first start begun", firstStartBegun is { } fst ? Ms(requested, fst) : null);
        Console.WriteLine($"  standby run {run} ({placement}, {monitored}): {series.TakeRun()}");
        lab.PrintTrace(requested, lastStart.AddMilliseconds(100), requested, "standby request");

        await lab.WaitSettledAsync();
    }
}
