using System.Collections.Concurrent;
using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Integrations.Alerts;

namespace HaApi.Integrations.Tests.Alerts;

public sealed class AlertAgentRunnerTests : IDisposable
{
    private const string SampleFileAgent = "/usr/share/pacemaker/alerts/alert_file.sh.sample";
    private static readonly DateTimeOffset T = new DateTimeOffset(2026, 4, 24, 6, 26, 50, TimeSpan.Zero).AddTicks(1_234_567);

    private readonly string _dir = Directory.CreateTempSubdirectory("haapi-alerts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AlertRunnerOptions Options => new() { TimeZone = TimeZoneInfo.Utc };

    private static Alert FileAlert(string agent, string recipientFile, AlertKinds kinds = AlertKinds.All,
        ImmutableArray<string> selectAttributes = default, TimeSpan timeout = default,
        ImmutableSortedDictionary<string, string>? parameters = null) =>
        new("alert_file", agent, [new AlertRecipient("logfile_destination", recipientFile, ImmutableSortedDictionary<string, string>.Empty)],
            kinds, parameters ?? ImmutableSortedDictionary<string, string>.Empty,
            selectAttributes.IsDefault ? [] : selectAttributes, timeout == default ? TimeSpan.FromSeconds(10) : timeout);

    private static string RequireSampleAgent()
    {
        if (!File.Exists(SampleFileAgent))
            Assert.Fail($"{SampleFileAgent} is missing: install the Debian package 'pacemaker-common' (scripts/test-deps.d/metrics.txt).");
        return SampleFileAgent;
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static ResourceOperationCompleted Op(string op, int rc, int expected = 0, double intervalSeconds = 0, string status = "Done", int ms = 0) =>
        new(T.AddSeconds(1), "pm02", "pm02", "prmEx", "ocf::heartbeat:Dummy", op, TimeSpan.FromSeconds(intervalSeconds), rc, expected, status, null, TimeSpan.FromMilliseconds(ms));

    [Fact]
    public async Task Pacemakers_sample_file_agent_writes_node_and_resource_events()
    {
        var output = Path.Combine(_dir, "alerts.log");
        var alert = FileAlert(RequireSampleAgent(), output);
        var runner = new AlertAgentRunner(Options, () => [alert]);

        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false) { Sequence = 1 });
        runner.Publish(Op("monitor", 7, expected: 7));            // probe found it stopped, as expected: no alert
        runner.Publish(Op("start", 0));
        runner.Publish(Op("monitor", 0, intervalSeconds: 10));
        runner.Publish(Op("monitor", 0, intervalSeconds: 10));              // unchanged recurring result: no alert
        runner.Publish(Op("monitor", 7, intervalSeconds: 10));
        runner.Publish(Op("promote", 1, status: "TimedOut"));
        runner.Publish(new QuorumChanged(T, "pm02", true));                 // no alert kind
        await runner.DisposeAsync();

        Assert.Equal(
        [
            "06:26:50.123456: Node 'pm01' is now 'lost'",
            "06:26:51.123456: Resource operation 'start' for 'prmEx' on 'pm02': ok",
            "06:26:51.123456: Resource operation 'monitor (10000)' for 'prmEx' on 'pm02': ok",
            "06:26:51.123456: Resource operation 'monitor (10000)' for 'prmEx' on 'pm02': not running",
            "06:26:51.123456: Resource operation 'promote' for 'prmEx' on 'pm02': Timed Out",
        ], await File.ReadAllLinesAsync(output));
        Assert.Equal(0, runner.Failures);
    }

    [Fact]
    public async Task Sample_agent_gets_fencing_and_selected_attribute_events_with_the_configured_timestamp_format()
    {
        var output = Path.Combine(_dir, "alerts.log");
        var alert = FileAlert(RequireSampleAgent(), output, selectAttributes: ["default_ping_set"]) with { TimestampFormat = "%Y-%m-%d,%H:%M:%S.%01N" };
        var runner = new AlertAgentRunner(Options, () => [alert]);

        runner.Publish(new FencingCompleted(T, "pm02", "pm01", "reboot", "prmStonith1-1", true, null, TimeSpan.FromSeconds(3))); // a device attempt: no alert
        runner.Publish(new FencingCompleted(T, "pm02", "pm01", "reboot", null, true, null, TimeSpan.FromSeconds(5)) { Sequence = 42 });
        runner.Publish(new NodeAttributeChanged(T, "pm02", "pm01", "default_ping_set", "0"));
        runner.Publish(new NodeAttributeChanged(T, "pm02", "pm01", "other", "1"));
        await runner.DisposeAsync();

        Assert.Equal(
        [
            "2026-04-24,06:26:50.1: Fencing Operation reboot of pm01 by pm02 for haapi@pm02: OK (ref=42)",
            "2026-04-24,06:26:50.1: Attribute 'default_ping_set' on node 'pm01' was updated to '0'",
        ], await File.ReadAllLinesAsync(output));
    }

    [Fact]
    public async Task The_environment_is_exactly_pacemakers_for_a_resource_alert()
    {
        var output = Path.Combine(_dir, "env.txt");
        var agent = Script("dump-env.sh", "env | grep -E '^(CRM_|debug_exec_order=|per_recipient=)' | LC_ALL=C sort > \"$CRM_alert_recipient\"");
        var alert = FileAlert(agent, output, parameters: ImmutableSortedDictionary<string, string>.Empty.Add("debug_exec_order", "false"));
        alert = alert with { Recipients = [alert.Recipients[0] with { Parameters = ImmutableSortedDictionary<string, string>.Empty.Add("per_recipient", "x") }] };
        var runner = new AlertAgentRunner(Options, () => [alert]);

        runner.Publish(Op("monitor", 7, expected: 0, intervalSeconds: 10, ms: 35) with { Sequence = 7 });
        await runner.DisposeAsync();

        var env = (await File.ReadAllLinesAsync(output)).Where(l => !l.StartsWith("CRM_notify_", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "CRM_alert_desc=not running",
            "CRM_alert_exec_time=35",
            "CRM_alert_interval=10000",
            "CRM_alert_kind=resource",
            "CRM_alert_node=pm02",
            "CRM_alert_node_sequence=7",
            "CRM_alert_rc=7",
            "CRM_alert_recipient=" + output,
            "CRM_alert_rsc=prmEx",
            "CRM_alert_status=0",
            "CRM_alert_target_rc=0",
            "CRM_alert_task=monitor",
            "CRM_alert_timestamp=06:26:51.123456",
            "CRM_alert_timestamp_epoch=" + T.AddSeconds(1).ToUnixTimeSeconds(),
            "CRM_alert_timestamp_usec=123456",
            "CRM_alert_version=" + AlertEnvironment.PacemakerVersion,
            "debug_exec_order=false",
            "per_recipient=x",
        ], env);
        Assert.Contains("CRM_notify_kind=resource", await File.ReadAllLinesAsync(output));
    }

    [Fact]
    public async Task A_node_alert_sets_nodeid_and_leaves_resource_variables_unset()
    {
        var output = Path.Combine(_dir, "env.txt");
        var agent = Script("dump-env.sh", "env | grep -E '^CRM_alert_' | cut -d= -f1 | LC_ALL=C sort > \"$CRM_alert_recipient\"; echo \"$CRM_alert_nodeid $CRM_alert_desc\" >> \"$CRM_alert_recipient\"");
        var runner = new AlertAgentRunner(Options, () => [FileAlert(agent, output)]);

        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 3232235777, Member: true));
        await runner.DisposeAsync();

        Assert.Equal(
        [
            "CRM_alert_desc", "CRM_alert_kind", "CRM_alert_node", "CRM_alert_node_sequence", "CRM_alert_nodeid",
            "CRM_alert_recipient", "CRM_alert_timestamp", "CRM_alert_timestamp_epoch", "CRM_alert_timestamp_usec", "CRM_alert_version",
            "3232235777 member",
        ], await File.ReadAllLinesAsync(output));
    }

    [Fact]
    public async Task A_hanging_agent_and_its_children_are_killed_at_the_timeout()
    {
        var childPidFile = Path.Combine(_dir, "child.pid");
        var agent = Script("hang.sh", $"sleep 300 &\necho $! > '{childPidFile}'\nwait");
        var runs = new ConcurrentQueue<AlertRun>();
        var runner = new AlertAgentRunner(Options, () => [FileAlert(agent, "unused", timeout: TimeSpan.FromSeconds(1))]);
        runner.Completed += runs.Enqueue;

        var started = DateTime.UtcNow;
        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        await runner.DisposeAsync();
        var elapsed = DateTime.UtcNow - started;

        var run = Assert.Single(runs);
        Assert.True(run.TimedOut);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        Assert.Equal(1, runner.Timeouts);
        var childPid = int.Parse((await File.ReadAllTextAsync(childPidFile)).Trim());
        await AssertProcessGone(childPid);
    }

    [Fact]
    public async Task Failures_are_counted_and_logged_once_per_interval_without_secrets()
    {
        var agent = Script("fail.sh", "echo \"cannot reach server with token $api_token\" >&2\nexit 3");
        var alert = FileAlert(agent, "r", parameters: ImmutableSortedDictionary<string, string>.Empty.Add("api_token", "s3cr3t-T0ken"));
        var log = new ConcurrentQueue<string>();
        var runner = new AlertAgentRunner(Options with { FailureLogInterval = TimeSpan.FromHours(1) }, () => [alert], log.Enqueue);

        for (var i = 0; i < 3; i++) runner.Publish(new NodeMembershipChanged(T, "pm02", $"n{i}", 1, Member: true));
        await runner.DisposeAsync();

        Assert.Equal(3, runner.Failures);
        var line = Assert.Single(log);
        Assert.Contains("exit code 3", line);
        Assert.Contains("'alert_file'", line);
        Assert.DoesNotContain("s3cr3t-T0ken", line);
    }

    [Fact]
    public async Task Snmp_alerts_unselected_kinds_and_missing_agents_are_handled_without_blocking()
    {
        var output = Path.Combine(_dir, "alerts.log");
        var sample = RequireSampleAgent();
        var runs = new ConcurrentQueue<AlertRun>();
        ImmutableArray<Alert> alerts =
        [
            FileAlert(sample, output) with { Id = "snmp", Agent = Alert.SnmpAgent },
            FileAlert(sample, output, kinds: AlertKinds.Resource) with { Id = "resources-only" },
            FileAlert(Path.Combine(_dir, "does-not-exist"), output) with { Id = "missing" },
        ];
        var runner = new AlertAgentRunner(Options, () => alerts);
        runner.Completed += runs.Enqueue;

        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        await runner.DisposeAsync();

        var run = Assert.Single(runs);
        Assert.Equal("missing", run.AlertId);
        Assert.NotEqual(0, run.ExitCode);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_failing_configuration_callback_costs_one_event_not_the_runner()
    {
        var output = Path.Combine(_dir, "alerts.log");
        var alert = FileAlert(RequireSampleAgent(), output);
        var calls = 0;
        var log = new ConcurrentQueue<string>();
        var runner = new AlertAgentRunner(Options, () => ++calls == 1 ? throw new InvalidOperationException("config not loaded") : [alert], log.Enqueue);

        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        runner.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: true));
        await runner.DisposeAsync();

        Assert.Equal(["06:26:50.123456: Node 'pm01' is now 'member'"], await File.ReadAllLinesAsync(output));
        Assert.Contains(log, l => l.Contains("config not loaded", StringComparison.Ordinal));
    }

    private static async Task AssertProcessGone(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var stat = $"/proc/{pid}/stat";
            // A killed child whose reaper has not run yet is a zombie ('Z'): it is dead.
            if (!File.Exists(stat) || (await File.ReadAllTextAsync(stat)).Split(") ")[^1].StartsWith('Z')) return;
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} of the timed-out agent is still running");
            await Task.Delay(20);
        }
    }
}
