using HaApi.Engine.Events;
using HaApi.Integrations.PmLogconv;

namespace HaApi.Integrations.Tests.PmLogconv;

/// <summary>
/// The verified pm_logconv output lines of the monitoring-formats spec (A.7), produced from the engine events
/// that correspond to the Pacemaker log lines upstream pm_logconv converted.
/// </summary>
public class PmLogconvGoldenTests
{
    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Convert(string host, IEnumerable<ClusterEvent> events, bool syslogDate = true,
        IReadOnlySet<string>? serviceResources = null)
    {
        var formatter = new PmLogconvFormatter(new PmLogconvOptions
        {
            HostName = host, TimeZone = TimeZoneInfo.Utc, SyslogDateFormat = syslogDate, ServiceResources = serviceResources,
        });
        return events.SelectMany(formatter.Format).ToList();
    }

    private static ResourceOperationCompleted Done(string time, string host, string rsc, string op, int rc, string status = "Done",
        double intervalSeconds = 0, int expectedRc = 0) =>
        new(At(time), host, host, rsc, "ocf::heartbeat:Dummy", op, TimeSpan.FromSeconds(intervalSeconds), rc, expectedRc, status, null, TimeSpan.FromSeconds(1));

    private static ResourceOperationStarted Starting(string time, string host, string rsc, string op, double intervalSeconds = 0) =>
        new(At(time), host, host, rsc, "ocf::heartbeat:Dummy", op, TimeSpan.FromSeconds(intervalSeconds));

    [Fact]
    public void Resource_failure_and_successful_fail_over_on_the_dc_pm01()
    {
        var lines = Convert("pm01",
        [
            Done("2026-04-24T06:19:55", "pm01", "prmPg", "monitor", 7, intervalSeconds: 10),
            new FailoverStarted(At("2026-04-24T06:19:55"), "pm01", null, ["prmEx", "prmPg"]),
            Starting("2026-04-24T06:19:55", "pm01", "prmPg", "stop"),
            Done("2026-04-24T06:19:56", "pm01", "prmPg", "stop", 0),
            // pm02's operations reach pm01's stream too; they are pm02's lines, not pm01's.
            Starting("2026-04-24T06:19:55", "pm02", "prmEx", "start"),
            new FailoverResourceMoved(At("2026-04-24T06:19:59"), "pm01", "prmEx", "pm01", "pm02"),
            new FailoverResourceMoved(At("2026-04-24T06:19:59"), "pm01", "prmPg", "pm01", "pm02"),
            new FailoverCompleted(At("2026-04-24T06:19:59"), "pm01", true, TimeSpan.FromSeconds(4)),
            new NodeAttributeChanged(At("2026-04-24T06:26:35"), "pm01", "pm01", "default_ping_set", "0"),
            new NodeAttributeChanged(At("2026-04-24T06:26:35"), "pm01", "pm01", "fail-count-prmPg#monitor_10000", "1"),
            Done("2026-04-24T06:26:43", "pm01", "prmPg", "stop", 1),
        ]);

        Assert.Equal(
        [
            "Apr 24 06:19:55 pm01   error: Resource prmPg does not work. (rc=7) not running",
            "Apr 24 06:19:55 pm01   error: Start to fail-over.",
            "Apr 24 06:19:55 pm01    info: Resource prmPg tries to stop.",
            "Apr 24 06:19:56 pm01    info: Resource prmPg stopped. (rc=0) ok",
            "Apr 24 06:19:59 pm01    info: Resource prmEx : Move pm01 -> pm02",
            "Apr 24 06:19:59 pm01    info: Resource prmPg : Move pm01 -> pm02",
            "Apr 24 06:19:59 pm01    info: fail-over succeeded.",
            "Apr 24 06:26:35 pm01    info: Attribute \"default_ping_set\" is updated to \"0\" at \"pm01\".",
            "Apr 24 06:26:43 pm01   error: Resource prmPg failed to stop. (rc=1) unknown error",
        ], lines);
    }

    [Fact]
    public void Start_on_the_new_node_and_fencing_of_the_failed_node_on_pm02()
    {
        var lines = Convert("pm02",
        [
            Starting("2026-04-24T06:19:55", "pm02", "prmEx", "start"),
            Starting("2026-04-24T06:19:55", "pm02", "prmEx", "monitor", intervalSeconds: 10),
            Done("2026-04-24T06:19:56", "pm02", "prmEx", "start", 0),
            Done("2026-04-24T06:19:56", "pm02", "prmEx", "monitor", 0, intervalSeconds: 10),
            // The failover summary is the DC's (pm01) to write.
            new FailoverCompleted(At("2026-04-24T06:19:59"), "pm01", true, TimeSpan.FromSeconds(4)),
            new FencingStarted(At("2026-04-24T06:26:43"), "pm02", "pm01", "reboot", null),
            new FencingStarted(At("2026-04-24T06:26:43"), "pm02", "pm01", "reboot", "prmStonith1-1"),
            new FencingCompleted(At("2026-04-24T06:26:47"), "pm02", "pm01", "reboot", "prmStonith1-1", false, "No data available", TimeSpan.FromSeconds(4)),
            new NodeMembershipChanged(At("2026-04-24T06:26:50"), "pm02", "pm01", 1, Member: false),
            new FencingCompleted(At("2026-04-24T06:26:52"), "pm02", "pm01", "reboot", "prmStonith1-2", true, null, TimeSpan.FromSeconds(5)),
            new FencingCompleted(At("2026-04-24T06:26:52"), "pm02", "pm01", "reboot", null, true, null, TimeSpan.FromSeconds(9)),
        ]);

        Assert.Equal(
        [
            "Apr 24 06:19:55 pm02    info: Resource prmEx tries to start.",
            "Apr 24 06:19:56 pm02    info: Resource prmEx started. (rc=0) ok",
            "Apr 24 06:26:43 pm02    info: Try to STONITH (reboot) pm01.",
            "Apr 24 06:26:43 pm02    info: Try to execute STONITH device prmStonith1-1 on pm02 for reboot pm01.",
            "Apr 24 06:26:47 pm02 warning: Failed to execute STONITH device prmStonith1-1 for pm01.",
            "Apr 24 06:26:50 pm02 warning: Node pm01 is lost",
            "Apr 24 06:26:52 pm02    info: Succeeded to execute STONITH device prmStonith1-2 for pm01.",
            "Apr 24 06:26:52 pm02    info: Succeeded to STONITH (reboot) pm01 by pm02.",
        ], lines);
    }

    [Fact]
    public void Membership_dc_operation_results_attributes_and_fencing_failure_with_an_unpadded_day()
    {
        var lines = Convert("pm01",
        [
            new NodeMembershipChanged(At("2026-05-03T09:00:03"), "pm01", "pm02", 2, Member: true),
            new DcChanged(At("2026-05-03T09:00:04"), "pm01", "pm01"),
            Done("2026-05-03T09:00:06", "pm01", "prmMS", "monitor", 0), // a probe: nothing
            Done("2026-05-03T09:00:07", "pm01", "prmMS", "promote", 0),
            Done("2026-05-03T09:00:08", "pm01", "prmMS", "monitor", 8, intervalSeconds: 10, expectedRc: 8),
            Done("2026-05-03T09:00:10", "pm01", "prmApp", "start", 1, status: "TimedOut"),
            Done("2026-05-03T09:00:11", "pm01", "prmApp", "monitor", 1, intervalSeconds: 10),
            Done("2026-05-03T09:00:12", "pm01", "prmApp", "monitor", 0, status: "Cancelled", intervalSeconds: 10),
            Done("2026-05-03T09:00:14", "pm01", "prmStonith", "start", 1, status: "Error"),
            new NodeAttributeChanged(At("2026-05-03T09:00:22"), "pm01", "pm02", "default_ping_set", null),
            new FencingCompleted(At("2026-05-03T09:00:31"), "pm01", "pm02", "off", null, false, "Timed out", TimeSpan.FromSeconds(60)),
            new DcChanged(At("2026-05-03T09:00:36"), "pm01", null),
        ]);

        Assert.Equal(
        [
            "May 3 09:00:03 pm01    info: Node pm02 is member",
            "May 3 09:00:04 pm01    info: Set DC node to pm01.",
            "May 3 09:00:07 pm01    info: Resource prmMS promoted. (rc=0) ok",
            "May 3 09:00:10 pm01   error: Resource prmApp failed to start. (Timed Out)",
            "May 3 09:00:11 pm01   error: Resource prmApp failed to monitor. (rc=1) unknown error",
            "May 3 09:00:14 pm01   error: Resource prmStonith failed to start. Error",
            "May 3 09:00:22 pm01    info: Attribute \"default_ping_set\" is deleted at \"pm02\".",
            "May 3 09:00:31 pm01   error: Failed to STONITH (off) pm02 by pm01.",
            "May 3 09:00:36 pm01    info: Unset DC node pm01.",
        ], lines);
    }

    [Fact]
    public void Failed_fail_over_in_the_numeric_date_format_reports_only_service_resources()
    {
        var lines = Convert("pm01",
        [
            Done("2026-06-10T10:00:00", "pm01", "prmPg", "monitor", 7, intervalSeconds: 10),
            new FailoverStarted(At("2026-06-10T10:00:00"), "pm01", null, ["prmEx", "prmFs", "prmPg"]),
            Starting("2026-06-10T10:00:00", "pm01", "prmPg", "stop"),
            Done("2026-06-10T10:00:01", "pm01", "prmPg", "stop", 0),
            new FailoverResourceMoved(At("2026-06-10T10:00:02"), "pm01", "prmEx", "pm01", null),
            new FailoverResourceMoved(At("2026-06-10T10:00:02"), "pm01", "prmFs", "pm01", null),
            new FailoverResourceMoved(At("2026-06-10T10:00:02"), "pm01", "prmPg", "pm01", null),
            new FailoverCompleted(At("2026-06-10T10:00:02"), "pm01", false, TimeSpan.FromSeconds(2)),
        ], syslogDate: false, serviceResources: new HashSet<string> { "prmEx", "prmPg" });

        Assert.Equal(
        [
            "2026/06/10_10:00:00 pm01   error: Resource prmPg does not work. (rc=7) not running",
            "2026/06/10_10:00:00 pm01   error: Start to fail-over.",
            "2026/06/10_10:00:00 pm01    info: Resource prmPg tries to stop.",
            "2026/06/10_10:00:01 pm01    info: Resource prmPg stopped. (rc=0) ok",
            "2026/06/10_10:00:02 pm01   error: Resource prmEx : Stopped",
            "2026/06/10_10:00:02 pm01   error: Resource prmPg : Stopped",
            "2026/06/10_10:00:02 pm01   error: fail-over failed.",
        ], lines);
    }

    [Fact]
    public void A_resource_recovered_in_place_is_started_on_its_node()
    {
        var lines = Convert("pm01",
        [
            new FailoverStarted(At("2026-06-10T10:00:00"), "pm01", null, ["prmEx"]),
            new FailoverResourceMoved(At("2026-06-10T10:00:02"), "pm01", "prmEx", "pm01", "pm01"),
            new FailoverCompleted(At("2026-06-10T10:00:02"), "pm01", true, TimeSpan.FromSeconds(2)),
        ]);
        Assert.Equal(
        [
            "Jun 10 10:00:00 pm01   error: Start to fail-over.",
            "Jun 10 10:00:02 pm01    info: Resource prmEx : Started on pm01",
            "Jun 10 10:00:02 pm01    info: fail-over succeeded.",
        ], lines);
    }

    [Fact]
    public void A_fail_over_of_resources_outside_the_service_is_not_announced()
    {
        var lines = Convert("pm01",
        [
            new FailoverStarted(At("2026-06-10T10:00:00"), "pm01", null, ["prmOther"]),
            new FailoverResourceMoved(At("2026-06-10T10:00:02"), "pm01", "prmOther", "pm01", "pm02"),
            new FailoverCompleted(At("2026-06-10T10:00:02"), "pm01", true, TimeSpan.FromSeconds(2)),
        ], serviceResources: new HashSet<string> { "prmEx", "prmPg" });
        Assert.Empty(lines);
    }

    [Fact]
    public void Every_line_matches_the_pm_logconv_line_grammar()
    {
        var lines = Convert("pm01",
        [
            new NodeMembershipChanged(At("2026-01-02T03:04:05"), "pm01", "pm02", 2, false),
            Done("2026-01-02T03:04:05", "pm01", "r", "stop", 6),
            new FencingCompleted(At("2026-01-02T03:04:05"), "pm01", "pm02", "reboot", "dev", false, null, TimeSpan.Zero),
        ]);
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^[A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} \S+ ( {3}info| {2}error|warning): .+$", l));
        Assert.Equal("Jan 2 03:04:05 pm01   error: Resource r failed to stop. (rc=6) not configured", lines[1]);
    }
}
