using System.Diagnostics;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class OcfAgentRunnerTests
{
    private const string HeartbeatDummy = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
    private const string PacemakerStateful = "/usr/lib/ocf/resource.d/pacemaker/Stateful";
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Heartbeat_Dummy_goes_through_probe_start_monitor_stop_with_OCF_exit_codes()
    {
        AgentTestBed.RequireFile(HeartbeatDummy, "resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var state = bed.PathFor("d1.state");
        var dummy = AgentTestBed.Primitive("d1", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", state)]);

        var probe = await runner.ExecuteAsync(AgentTestBed.Request(dummy, "monitor"), default);
        Assert.Equal(7, probe.ExitCode);
        Assert.Null(probe.ExitReason); // Dummy gives no reason for a probe
        Assert.False(ResultPolicy.Assess("monitor", TimeSpan.Zero, null, probe, promotable: false).IsFailure);

        var start = await runner.ExecuteAsync(AgentTestBed.Request(dummy, "start"), default);
        Assert.Equal(0, start.ExitCode);
        Assert.Equal(ExecutionStatus.Done, start.Status);
        Assert.True(File.Exists(state));

        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "monitor", TenSeconds), default)).ExitCode);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "start"), default)).ExitCode); // idempotent

        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "stop"), default)).ExitCode);
        Assert.False(File.Exists(state));
        Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "monitor", TenSeconds), default)).ExitCode);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "stop"), default)).ExitCode); // idempotent
        Assert.Equal(3, (await runner.ExecuteAsync(AgentTestBed.Request(dummy, "bogus"), default)).ExitCode);
    }

    [Fact]
    public async Task Recurring_monitor_of_a_stopped_Dummy_reports_the_agents_exit_reason()
    {
        AgentTestBed.RequireFile(HeartbeatDummy, "resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var dummy = AgentTestBed.Primitive("d2", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", bed.PathFor("d2.state"))]);

        var result = await runner.ExecuteAsync(AgentTestBed.Request(dummy, "monitor", TenSeconds), default);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("No process state file found", result.ExitReason);
        var verdict = ResultPolicy.Assess("monitor", TenSeconds, null, result, promotable: false);
        Assert.Equal(FailureSeverity.Soft, verdict.Severity);
    }

    [Fact]
    public async Task Dummy_validate_all_with_an_unwritable_state_dir_is_invalid_argument_with_reason()
    {
        AgentTestBed.RequireFile(HeartbeatDummy, "resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var state = bed.PathFor("no/such/dir/x.state");
        var dummy = AgentTestBed.Primitive("d3", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", state)]);

        var result = await runner.ExecuteAsync(AgentTestBed.Request(dummy, "validate-all"), default);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"State file \"{state}\" is not writable", result.ExitReason);
        Assert.Equal(FailureSeverity.Hard, ResultPolicy.Assess("validate-all", TimeSpan.Zero, null, result, false).Severity);
    }

    [Fact]
    public async Task Missing_agent_is_not_installed_with_a_reason_naming_the_path()
    {
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var ghost = AgentTestBed.Primitive("g", ResourceClass.Ocf, "heartbeat", "NoSuchAgent" + Guid.NewGuid().ToString("N")[..6]);

        var result = await runner.ExecuteAsync(AgentTestBed.Request(ghost, "start"), default);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(ExecutionStatus.NotInstalled, result.Status);
        Assert.Contains("/usr/lib/ocf/resource.d/heartbeat/NoSuchAgent", result.ExitReason);
        Assert.Contains("not installed", result.ExitReason);
    }

    [Fact]
    public async Task Agent_file_that_is_not_executable_is_not_installed()
    {
        using var bed = new AgentTestBed(ocfRoot: null);
        var root = bed.PathFor("ocf");
        var path = Path.Combine(root, "resource.d", "test", "NoExec");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });

        var result = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("n", ResourceClass.Ocf, "test", "NoExec"), "start"), default);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("is not executable", result.ExitReason);
    }

    [Fact]
    public async Task Agent_type_cannot_escape_the_agent_directory()
    {
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var evil = AgentTestBed.Primitive("e", ResourceClass.Ocf, "..", "..");

        var result = await runner.ExecuteAsync(AgentTestBed.Request(evil, "start"), default);

        Assert.Equal(6, result.ExitCode);
        Assert.Equal(ExecutionStatus.ErrorFatal, result.Status);
    }

    [Fact]
    public async Task Hanging_agent_and_its_child_are_killed_at_the_timeout()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        var childPidFile = bed.PathFor("child.pid");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Hang"), """
            #!/bin/sh
            sleep 300 &
            echo $! > "$OCF_RESKEY_childpid"
            echo $$ >> "$OCF_RESKEY_childpid"
            echo "ocf-exit-reason:still starting" >&2
            sleep 300
            """);
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });
        var hang = AgentTestBed.Primitive("h", ResourceClass.Ocf, "test", "Hang", [new("childpid", childPidFile)]);

        var clock = Stopwatch.StartNew();
        var result = await runner.ExecuteAsync(AgentTestBed.Request(hang, "start", timeout: TimeSpan.FromSeconds(1.5)), default);
        clock.Stop();

        Assert.Equal(ExecutionStatus.TimedOut, result.Status);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("timed out after 1500ms", result.ExitReason);
        Assert.Contains("still starting", result.ErrorOutput); // output up to the kill is kept
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(6));
        var pids = File.ReadAllLines(childPidFile).Select(int.Parse).ToArray();
        Assert.Equal(2, pids.Length);
        Assert.True(AgentTestBed.WaitUntilDead(pids[0], TimeSpan.FromSeconds(3)), $"child sleep {pids[0]} survived the timeout");
        Assert.True(AgentTestBed.WaitUntilDead(pids[1], TimeSpan.FromSeconds(3)), $"agent {pids[1]} survived the timeout");
    }

    [Fact]
    public async Task Cancellation_kills_the_agent_and_reports_cancelled()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Slow"), "#!/bin/sh\necho $$ > \"$OCF_RESKEY_pidfile\"\nexec sleep 300\n");
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });
        var pidFile = bed.PathFor("slow.pid");
        using var cts = new CancellationTokenSource();

        var running = runner.ExecuteAsync(
            AgentTestBed.Request(AgentTestBed.Primitive("s", ResourceClass.Ocf, "test", "Slow", [new("pidfile", pidFile)]), "start"), cts.Token);
        for (var i = 0; i < 500 && !File.Exists(pidFile); i++) await Task.Delay(10);
        await Task.Delay(50); // the pid is written
        cts.Cancel();
        var result = await running;

        Assert.Equal(ExecutionStatus.Cancelled, result.Status);
        Assert.True(AgentTestBed.WaitUntilDead(int.Parse(File.ReadAllText(pidFile).Trim()), TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Unknown_exit_code_and_garbage_output_become_a_generic_error_with_a_reason()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Garbage"),
            "#!/bin/sh\nhead -c 3000 /dev/urandom\nhead -c 500 /dev/urandom >&2\nexit 42\n");
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });

        var result = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("x", ResourceClass.Ocf, "test", "Garbage"), "monitor", TenSeconds), default);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(ExecutionStatus.Done, result.Status);
        Assert.Contains("code 42", result.ExitReason);
        Assert.NotNull(result.Output);
        Assert.DoesNotContain('\0', result.Output);
    }

    [Fact]
    public async Task Output_is_bounded_and_an_agent_leaving_a_daemon_on_stdout_does_not_hang_the_call()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        var daemonPid = bed.PathFor("daemon.pid");
        // The background sleep keeps the agent's stdout open after the agent exits, as a careless daemon would.
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Chatty"), """
            #!/bin/sh
            head -c 1000000 /dev/zero | tr '\0' 'a'
            sleep 30 &
            echo $! > "$OCF_RESKEY_daemonpid"
            exit 0
            """);
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root, OutputLimitBytes = 4096 });

        var clock = Stopwatch.StartNew();
        var result = await runner.ExecuteAsync(
            AgentTestBed.Request(AgentTestBed.Primitive("c", ResourceClass.Ocf, "test", "Chatty", [new("daemonpid", daemonPid)]), "start"), default);
        try
        {
            Assert.Equal(0, result.ExitCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"call took {clock.Elapsed}");
            Assert.InRange(result.Output!.Length, 4096, 4096 + 64);
            Assert.EndsWith("[995904 bytes truncated]", result.Output);
        }
        finally
        {
            Process.GetProcessById(int.Parse(File.ReadAllText(daemonPid).Trim())).Kill();
        }
    }

    [Fact]
    public async Task Agent_gets_the_environment_Pacemaker_gives()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "acme", "EnvDump"), "#!/bin/sh\nenv\n");
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });
        var p = AgentTestBed.Primitive("web:1", ResourceClass.Ocf, "acme", "EnvDump",
            [new("ip", "10.0.0.5"), new("OCF_CHECK_LEVEL", "10")], [new("clone-max", "2"), new("target-role", "Started")]);

        var result = await runner.ExecuteAsync(
            AgentTestBed.Request(p, "monitor", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), [new("notify_type", "pre")]), default);

        var env = result.Output!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(root, env["OCF_ROOT"]);
        Assert.Equal("1", env["OCF_RA_VERSION_MAJOR"]);
        Assert.Equal("1", env["OCF_RA_VERSION_MINOR"]);
        Assert.Equal("web:1", env["OCF_RESOURCE_INSTANCE"]);
        Assert.Equal("EnvDump", env["OCF_RESOURCE_TYPE"]);
        Assert.Equal("acme", env["OCF_RESOURCE_PROVIDER"]);
        Assert.Equal("ocf-exit-reason:", env["OCF_EXIT_REASON_PREFIX"]);
        Assert.Equal("10.0.0.5", env["OCF_RESKEY_ip"]);
        Assert.Equal("10", env["OCF_CHECK_LEVEL"]);
        Assert.Equal("15000", env["OCF_RESKEY_CRM_meta_interval"]);
        Assert.Equal("30000", env["OCF_RESKEY_CRM_meta_timeout"]);
        Assert.Equal("monitor", env["OCF_RESKEY_CRM_meta_name"]);
        Assert.Equal("node1", env["OCF_RESKEY_CRM_meta_on_node"]);
        Assert.Equal("2", env["OCF_RESKEY_CRM_meta_clone_max"]);
        Assert.Equal("Started", env["OCF_RESKEY_CRM_meta_target_role"]);
        Assert.Equal("pre", env["OCF_RESKEY_CRM_meta_notify_type"]);
        Assert.Contains("/usr/sbin:", env["PATH"]);
        Assert.Contains(":/sbin", env["PATH"]);
        Assert.True(File.Exists(Path.Combine(env["HA_SBIN_DIR"], "crm_attribute")));
        Assert.DoesNotContain("HOME", env.Keys); // a clean environment, not HaApi's own
    }

    [Fact]
    public async Task Parameter_names_the_environment_cannot_carry_are_a_configuration_error()
    {
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var p = AgentTestBed.Primitive("b", ResourceClass.Ocf, "heartbeat", "Dummy", [new("bad name=x", "1")]);
        AgentTestBed.RequireFile(HeartbeatDummy, "resource-agents");

        var result = await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("'bad name=x'", result.ExitReason);
    }

    [Fact]
    public async Task Stateful_publishes_promotion_scores_through_the_crm_attribute_shim()
    {
        AgentTestBed.RequireFile(PacemakerStateful, "pacemaker-resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var state = bed.PathFor("db.state");
        var db = AgentTestBed.Primitive("db:0", ResourceClass.Ocf, "pacemaker", "Stateful", [new("state", state)],
            [new("promotable", "true"), new("clone-max", "2")]);

        var start = await runner.ExecuteAsync(AgentTestBed.Request(db, "start"), default);
        Assert.Equal(0, start.ExitCode);
        Assert.Equal([new AttributeUpdate("master-db", "5")], start.AttributeUpdates.ToArray());

        var promote = await runner.ExecuteAsync(AgentTestBed.Request(db, "promote"), default);
        Assert.Equal(0, promote.ExitCode);
        Assert.Equal([new AttributeUpdate("master-db", "10")], promote.AttributeUpdates.ToArray());

        var monitor = await runner.ExecuteAsync(AgentTestBed.Request(db, "monitor", TenSeconds), default);
        Assert.Equal(8, monitor.ExitCode);
        Assert.Empty(monitor.AttributeUpdates);
        Assert.False(ResultPolicy.Assess("monitor", TenSeconds, Role.Promoted, monitor, promotable: true).IsFailure);

        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(db, "demote"), default)).ExitCode);
        var stop = await runner.ExecuteAsync(AgentTestBed.Request(db, "stop"), default);
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal([new AttributeUpdate("master-db", null)], stop.AttributeUpdates.ToArray());
        Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(db, "monitor"), default)).ExitCode);
    }

    [Fact]
    public async Task Stateful_reporting_degraded_is_running_with_a_warning_and_its_reason()
    {
        AgentTestBed.RequireFile(PacemakerStateful, "pacemaker-resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var state = bed.PathFor("db.state");
        var db = AgentTestBed.Primitive("db", ResourceClass.Ocf, "pacemaker", "Stateful", [new("state", state)]);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(db, "start"), default)).ExitCode);
        File.WriteAllText(state + ".rc", "190\n"); // Stateful's documented hook to force a monitor result

        var monitor = await runner.ExecuteAsync(AgentTestBed.Request(db, "monitor", TenSeconds), default);

        Assert.Equal(190, monitor.ExitCode);
        Assert.Equal("190 GB redirected to /dev/null", monitor.ExitReason);
        var verdict = ResultPolicy.Assess("monitor", TenSeconds, null, monitor, promotable: true);
        Assert.False(verdict.IsFailure);
        Assert.True(verdict.Degraded);
        Assert.Equal(Role.Unpromoted, verdict.Role);
    }
}
