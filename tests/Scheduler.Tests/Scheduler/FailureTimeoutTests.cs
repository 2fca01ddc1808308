using HaApi.Engine.Scheduler;
using HaApi.Scheduler.Tests.Differential;
using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// failure-timeout against the input's "now". The failures are recorded at 2023-11-14T22:13:20Z with a 60 s
/// failure-timeout; every expectation was checked with `crm_simulate -x FILE -R -t "2023-11-14 22:14:2xZ"`.
/// </summary>
public sealed class FailureTimeoutTests
{
    private static readonly DateTimeOffset Failed = DateTimeOffset.FromUnixTimeSeconds(1700000000);
    private static readonly DateTimeOffset AtTimeout = Failed + TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset JustAfterTimeout = Failed + TimeSpan.FromSeconds(61);

    private static readonly string Rsc1 = Dummy("rsc1", Pair("failure-timeout", "60s") + Pair("migration-threshold", "1")).Replace("</primitive>", """<operations><op id="rsc1-mon" name="monitor" interval="10s"/></operations></primitive>""", StringComparison.Ordinal);

    // Pacemaker reads per-operation fail counts (fail-count-rsc1#monitor_10000) only from CIBs of feature set
    // 3.0.13 or later, so the document says which it is.
    private static string Cluster(string node1History, params (string, string)[] failCounts) =>
        Document(Rsc1, nodes: "node1 node2", status:
            Member("node1", failCounts, node1History) +
            Member("node2", [], History("rsc1", "Dummy", HistoryXml.Op("rsc1", "monitor", 0, 7, 7, 9))))
        .Replace("<cib ", "<cib crm_feature_set=\"3.16.1\" ", StringComparison.Ordinal);

    private static string FailedMonitor() =>
        History("rsc1", "Dummy", HistoryXml.Op("rsc1", "start", 0, 0, 0, 1), HistoryXml.Op("rsc1", "monitor", 10000, 1, 0, 2));

    private static readonly (string, string)[] MonitorFailCount = [("fail-count-rsc1#monitor_10000", "1"), ("last-failure-rsc1#monitor_10000", "1700000000")];

    [Fact]
    public void A_fail_count_still_counts_at_exactly_last_failure_plus_failure_timeout()
    {
        Assert.Equal(["* Recover rsc1 ( node1 -> node2 )"], Summary(Cluster(FailedMonitor(), MonitorFailCount), AtTimeout));
    }

    [Fact]
    public void An_expired_failure_is_forgotten_and_its_fail_count_cleared()
    {
        var transition = Schedule(Cluster(FailedMonitor(), MonitorFailCount), JustAfterTimeout);
        Assert.Empty(TransitionSummary.Format(transition));
        Assert.Contains(transition.Actions, a => a is { Kind: ActionKind.ClearFailCount, Resource: "rsc1", Node: "node1" });
        // The failed recurring monitor is started again.
        Assert.Contains(transition.Actions, a => a.Kind == ActionKind.Monitor && a.Node == "node1" && a.Interval == TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_failed_operation_without_fail_count_expires_at_exactly_its_age_limit()
    {
        Assert.Equal(["* Recover rsc1 ( node1 )"], Summary(Cluster(FailedMonitor()), AtTimeout - TimeSpan.FromSeconds(1)));
        var transition = Schedule(Cluster(FailedMonitor()), AtTimeout);
        Assert.Empty(TransitionSummary.Format(transition));
        Assert.DoesNotContain(transition.Actions, a => a.Kind == ActionKind.ClearFailCount);
    }

    [Fact]
    public void An_expired_failed_start_lets_the_resource_start_on_that_node_again()
    {
        var xml = Cluster(History("rsc1", "Dummy", HistoryXml.Op("rsc1", "start", 0, 1, 0, 1)), ("fail-count-rsc1#start_0", "INFINITY"), ("last-failure-rsc1#start_0", "1700000000"));
        Assert.Equal(["* Recover rsc1 ( node1 -> node2 )"], Summary(xml, AtTimeout));
        Assert.Equal(["* Start rsc1 ( node1 )"], Summary(xml, JustAfterTimeout));
    }
}
