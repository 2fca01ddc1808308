using System.Text.Json;
using HaApi.Engine.Model;
using HaApi.Engine.Status;
using static HaApi.Engine.Tests.Status.StatusFixture;

namespace HaApi.Engine.Tests.Status;

public sealed class StatusReportTests
{
    private static readonly ClusterConfig Vip = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("vip")]);

    [Fact]
    public void A_started_resource_is_listed_with_its_node_as_pcs_status_shows_it()
    {
        var report = Report(Vip, [Member("node1", "1", [Running("vip")]), Member("node2", "2", [NotRunning("vip")])]);
        var vip = Assert.Single(report.Resources);
        Assert.Equal("Started", vip.Role);
        Assert.Equal(["node1"], vip.Nodes.ToArray());
        var lines = Lines(report);
        Assert.Contains("  * vip\t(ocf:heartbeat:IPaddr2):\t Started node1", lines);
        Assert.Contains("  * Online: [ node1 node2 ]", lines);
        Assert.Contains("  * Current DC: node1 (version unknown) - partition with quorum", lines);
        Assert.Contains("  * 1 resource instance configured", lines);
        Assert.DoesNotContain("Failed Resource Actions:", lines);
    }

    [Fact]
    public void A_failed_monitor_is_listed_once_with_its_exit_reason_time_and_duration()
    {
        var failedAt = new DateTimeOffset(2026, 11, 26, 11, 59, 0, TimeSpan.Zero);
        // StatusStore keeps the failure both as "_last_failure_0" and in the monitor's own record.
        var failure = new OperationRecord("vip_last_failure_0", "monitor", TimeSpan.FromSeconds(10), 7, 7, 0, 0, failedAt, 12) { ExitReason = "IP is gone" };
        var history = Running("vip", 1, failure, failure with { Id = "vip_monitor_10000" });
        var report = Report(Vip, [Member("node1", "1", [history]), Member("node2", "2", [])]);

        var f = Assert.Single(report.FailedActions);
        Assert.Equal(("vip", "monitor", 10_000L, "node1", "not running", "IP is gone", failedAt),
            (f.Resource, f.Operation, f.IntervalMs, f.Node, f.RcText, f.ExitReason, f.LastRcChange));
        Assert.Equal("  * vip 10s-interval monitor on node1 returned 'not running' (IP is gone) at Thu Nov 26 11:59:00 2026 after 12ms",
            Lines(report)[^2]);
        Assert.Equal("  * vip_monitor_10000 on node1 'not running' (7): call=7, status='complete', exitreason='IP is gone', " +
            "last-rc-change='Thu Nov 26 11:59:00 2026', exec=12ms", Lines(report, failureDetail: true)[^2]);
        Assert.Contains("  * vip\t(ocf:heartbeat:IPaddr2):\t FAILED node1", Lines(report));
    }

    [Fact]
    public void An_operation_that_could_not_run_says_so_with_the_executor_status()
    {
        var timeout = new OperationRecord("vip_last_failure_0", "start", TimeSpan.Zero, 3, 1, 2, 0, null, 20_001);
        var history = new ResourceHistory("vip", "ocf", "heartbeat", "IPaddr2", [timeout]);
        var report = Report(Vip, [Member("node1", "1", [history]), Member("node2", "2", [])]);
        Assert.Equal("  * vip start on node1 could not be executed (Timed Out) after 20.001s", Lines(report)[^2]);
    }

    [Theory]
    [InlineData(999, "999ms")]
    [InlineData(1_000, "1000ms")]
    [InlineData(60_000, "60s")]
    [InlineData(90_500, "1m30.500s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Durations_are_written_as_pacemaker_writes_them(long execMs, string text)
    {
        var failure = new OperationRecord("vip_last_failure_0", "stop", TimeSpan.Zero, 3, 1, 0, 0, null, execMs);
        var history = new ResourceHistory("vip", "ocf", "heartbeat", "IPaddr2", [failure]);
        var report = Report(Vip, [Member("node1", "1", [history]), Member("node2", "2", [])]);
        Assert.Equal($"  * vip stop on node1 returned 'error' after {text}", Lines(report)[^2]);
    }

    [Fact]
    public void Failures_recorded_on_a_node_that_is_gone_are_not_listed()
    {
        // Fencing enabled (the default): the lost node is unclean and its history is read, but it is not online.
        var config = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("vip")]) with { Properties = ClusterProperties.Default };
        var failure = new OperationRecord("vip_last_failure_0", "monitor", TimeSpan.FromSeconds(10), 3, 7, 0, 0);
        var lost = new NodeState("2", "node2", false, false, "member", "member", Attributes.Empty, [Running("vip", 1, failure)]);
        var report = Report(config, [Member("node1", "1", []), lost]);
        Assert.Equal("UNCLEAN (offline)", report.Nodes.Single(n => n.Name == "node2").State);
        Assert.Empty(report.FailedActions);
    }

    [Fact]
    public void Fail_counts_add_every_operation_of_the_resource_on_each_node()
    {
        var lastFailure = new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);
        var node1 = Member("node1", "1", [Running("vip")],
            ("fail-count-vip#monitor_10000", "2"), ("fail-count-vip#start_0", "1"), ("fail-count-vipx#start_0", "5"),
            ("last-failure-vip#monitor_10000", lastFailure.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var node2 = Member("node2", "2", [], ("fail-count-vip#start_0", "INFINITY"));
        var vip = Report(Vip, [node1, node2]).Resources.Single();
        Assert.Equal([new FailCount("node1", 3, lastFailure), new FailCount("node2", Score.InfinityValue, null)], vip.FailCounts.ToArray());
    }

    [Fact]
    public void Nodes_in_standby_maintenance_or_down_are_listed_apart_from_the_online_ones()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2), Node("node3", 3, ("standby", "on")), Node("node10", 10, ("maintenance", "on"))],
            [Primitive("vip")]);
        var report = Report(config, [Member("node1", "1", []), Down("node2", "2"), Member("node3", "3", []), Member("node10", "10", [])],
            dc: "node1", quorate: false);
        Assert.Equal(["node1", "node2", "node3", "node10"], report.Nodes.Select(n => n.Name).ToArray());
        Assert.Equal(["online", "OFFLINE", "standby", "maintenance"], report.Nodes.Select(n => n.State).ToArray());
        Assert.True(report.Nodes[0] is { IsDc: true, IsLocal: true });
        var lines = Lines(report);
        var nodeList = lines.SkipWhile(l => l != "Node List:").Skip(1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(["  * Node node3: standby", "  * Node node10: maintenance", "  * Online: [ node1 ]", "  * OFFLINE: [ node2 ]"], nodeList);
        Assert.Contains("  * Current DC: node1 (version unknown) - partition WITHOUT quorum", lines);
        Assert.Contains("  * 4 nodes configured", lines);
    }

    [Fact]
    public void Actions_in_flight_and_pending_fencing_are_shown_as_crm_mon_shows_pending_work()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("vip"), Primitive("web", "apache")]);
        var inFlight = new InFlightAction[]
        {
            new("vip", "start", "node2", TimeSpan.Zero, Now.AddSeconds(-3)),
            new("web", "monitor", "node1", TimeSpan.FromSeconds(10), Now.AddSeconds(-1)),
        };
        var fencing = new PendingFencing[] { new("node2", "reboot", "node1", Now.AddSeconds(-5)) };
        var web = new ResourceHistory("web", "ocf", "heartbeat", "apache", Running("web").Operations);
        var report = Report(config, [Member("node1", "1", [web]), Member("node2", "2", [])], inFlight: inFlight, fencing: fencing);

        Assert.Equal(("start", "node2"), (report.Resources[0].PendingOperation, report.Resources[0].PendingNode));
        var lines = Lines(report);
        Assert.Contains("  * vip\t(ocf:heartbeat:IPaddr2):\t Starting node2", lines);
        Assert.Contains("  * web\t(ocf:heartbeat:apache):\t Started node1 (Monitoring)", lines);
        Assert.Equal(["Pending Fencing Actions:", "  * reboot of node2 pending: client=haapi, origin=node1", ""], lines[^3..]);
        Assert.Equal(2, report.ActionsInFlight.Length);
    }

    [Fact]
    public void A_failed_fencing_is_listed_with_its_reason_before_the_pending_one()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("vip")]);
        var input = new StatusInput(config, new ClusterStatus([Member("node1", "1", []), Member("node2", "2", [])]), true, "node1", "node1", Now, [],
            [new PendingFencing("node2", "reboot", "node1", Now.AddSeconds(-1))])
        {
            FailedFencing = [new FailedFencing("node2", "off", "node1", "fencing node2 (off) failed: script exited 1", Now.AddSeconds(-30))],
        };

        var lines = Lines(StatusReport.Build(input));

        Assert.Equal(["Failed Fencing Actions:",
            "  * turn off of node2 failed (fencing node2 (off) failed: script exited 1): client=haapi, origin=node1, last-failed='Thu Nov 26 11:59:30 2026'",
            "", "Pending Fencing Actions:", "  * reboot of node2 pending: client=haapi, origin=node1", ""], lines[^6..]);
    }

    [Fact]
    public void Clone_instances_in_a_plain_state_are_summarised_per_role_and_the_rest_of_the_nodes_as_stopped()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2), Node("node3", 3)], [Primitive("ping", "ping")],
            clones: [new Clone("ping-clone", "ping", Attributes.Empty)]);
        var report = Report(config, [Member("node2", "2", [Running("ping")]), Member("node1", "1", [Running("ping")]), Member("node3", "3", [NotRunning("ping")])]);
        var resources = Lines(report).SkipWhile(l => l != "Full List of Resources:").Skip(1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(["  * Clone Set: ping-clone [ping]:", "    * Started: [ node1 node2 ]", "    * Stopped: [ node3 ]"], resources);
        Assert.Equal(3, report.Resources.Length);
        Assert.All(report.Resources, r => Assert.Equal("ping-clone", r.CloneId));
    }

    [Fact]
    public void The_report_serialises_to_json_with_words_not_numbers()
    {
        var report = Report(Vip, [Member("node1", "1", [Running("vip")]), Member("node2", "2", [])]);
        var json = JsonSerializer.Serialize(report, JsonSerializerOptions.Web);
        Assert.Contains("\"role\":\"Started\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"online\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<StatusReport>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(report.Resources[0].Nodes.ToArray(), back.Resources[0].Nodes.ToArray());
        Assert.Equal(report.Dc, back.Dc);
    }
}
