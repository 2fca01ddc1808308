using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class BuiltInAgentRunnerTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Haapi_Dummy_runs_like_Pacemakers_Dummy()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var d = AgentTestBed.Primitive("d1", ResourceClass.Haapi, null, "Dummy");
        var state = Path.Combine(bed.Options.StateDirectory, "Dummy-d1.state");

        var probe = await runner.ExecuteAsync(AgentTestBed.Request(d, "monitor"), default);
        Assert.Equal(7, probe.ExitCode);
        Assert.Null(probe.ExitReason);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(d, "start"), default)).ExitCode);
        Assert.True(File.Exists(state));
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(d, "monitor", TenSeconds), default)).ExitCode);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(d, "stop"), default)).ExitCode);
        Assert.False(File.Exists(state));
        var monitor = await runner.ExecuteAsync(AgentTestBed.Request(d, "monitor", TenSeconds), default);
        Assert.Equal(7, monitor.ExitCode);
        Assert.Contains("not found", monitor.ExitReason);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(d, "stop"), default)).ExitCode);
        Assert.Equal(3, (await runner.ExecuteAsync(AgentTestBed.Request(d, "bogus"), default)).ExitCode);

        var meta = await runner.ExecuteAsync(AgentTestBed.Request(d, "meta-data"), default);
        var xml = XDocument.Parse(meta.Output!);
        Assert.Equal("Dummy", xml.Root!.Attribute("name")!.Value);
    }

    [Fact]
    public async Task Unknown_built_in_agent_is_not_installed()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var result = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("x", ResourceClass.Haapi, null, "Nope"), "start"), default);
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("haapi:Dummy, haapi:Process", result.ExitReason);
    }

    [Fact]
    public async Task Haapi_Process_starts_monitors_and_stops_a_long_running_command_and_its_children()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var pids = bed.PathFor("pids");
        var p = AgentTestBed.Primitive("worker", ResourceClass.Haapi, null, "Process",
            [new("command", $"echo $$ > {pids}; sleep 300 & echo $! >> {pids}; wait"), new("stop_timeout", "3s")]);

        Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor"), default)).ExitCode);
        var start = await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default);
        Assert.True(start.ExitCode == 0, start.ExitReason);
        var started = File.ReadAllLines(pids).Select(int.Parse).ToArray();
        Assert.Equal(2, started.Length);
        Assert.All(started, pid => Assert.True(AgentTestBed.IsAlive(pid)));

        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor", TenSeconds), default)).ExitCode);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default)).ExitCode); // idempotent
        Assert.Equal(started, File.ReadAllLines(pids).Select(int.Parse).ToArray()); // not launched twice

        var stop = await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default);
        Assert.Equal(0, stop.ExitCode);
        Assert.All(started, pid => Assert.True(AgentTestBed.WaitUntilDead(pid, TimeSpan.FromSeconds(2)), $"{pid} survived stop"));
        var after = await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor", TenSeconds), default);
        Assert.Equal(7, after.ExitCode);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default)).ExitCode);
    }

    [Fact]
    public async Task Haapi_Process_stop_escalates_to_SIGKILL_when_SIGTERM_is_ignored()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var p = AgentTestBed.Primitive("stubborn", ResourceClass.Haapi, null, "Process",
            [new("command", "trap '' TERM; while :; do sleep 0.1; done"), new("stop_timeout", "500ms")]);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default)).ExitCode);

        var clock = Stopwatch.StartNew();
        var stop = await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default);

        Assert.Equal(0, stop.ExitCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor"), default)).ExitCode);
    }

    [Fact]
    public async Task Haapi_Process_detects_a_crashed_process_as_not_running()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var pidFile = bed.PathFor("pid");
        var p = AgentTestBed.Primitive("crashy", ResourceClass.Haapi, null, "Process", [new("command", $"echo $$ > {pidFile}; exec sleep 300")]);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default)).ExitCode);

        Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim())).Kill();
        Assert.True(AgentTestBed.WaitUntilDead(int.Parse(File.ReadAllText(pidFile).Trim()), TimeSpan.FromSeconds(2)));

        var monitor = await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor", TenSeconds), default);
        Assert.Equal(7, monitor.ExitCode);
        Assert.Equal(FailureSeverity.Soft, ResultPolicy.Assess("monitor", TenSeconds, null, monitor, false).Severity);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default)).ExitCode);
    }

    [Fact]
    public async Task Haapi_Process_whose_command_exits_at_once_fails_to_start()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var log = bed.PathFor("out.log");
        var p = AgentTestBed.Primitive("bad", ResourceClass.Haapi, null, "Process",
            [new("command", "echo boom; no-such-command-haapi"), new("log_file", log)]);

        var start = await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("exited right after start", start.ExitReason);
        Assert.Contains("boom", File.ReadAllText(log));
        Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor"), default)).ExitCode);
    }

    [Fact]
    public async Task Haapi_Process_without_command_is_not_configured()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var result = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("n", ResourceClass.Haapi, null, "Process"), "start"), default);
        Assert.Equal(6, result.ExitCode);
        Assert.Contains("command", result.ExitReason);
        var badUrl = AgentTestBed.Primitive("u", ResourceClass.Haapi, null, "Process", [new("command", "sleep 1"), new("health_url", "ftp://x")]);
        Assert.Equal(6, (await runner.ExecuteAsync(AgentTestBed.Request(badUrl, "start"), default)).ExitCode);
    }

    [Fact]
    public async Task Haapi_Process_checks_health_url_and_expected_body_of_a_real_http_server()
    {
        AgentTestBed.RequireFile("/usr/bin/python3", "python3");
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var site = Directory.CreateDirectory(bed.PathFor("site")).FullName;
        File.WriteAllText(Path.Combine(site, "health"), "status: ready\n");
        var port = FreeLoopbackPort();
        var url = $"http://127.0.0.1:{port}/health";
        Primitive Web(string expected) => AgentTestBed.Primitive("web", ResourceClass.Haapi, null, "Process",
            [new("command", $"exec /usr/bin/python3 -m http.server {port} --bind 127.0.0.1 --directory {site}"),
             new("health_url", url), new("expected_body", expected), new("health_timeout", "1s")]);

        try
        {
            var start = await runner.ExecuteAsync(AgentTestBed.Request(Web("ready"), "start"), default);
            Assert.True(start.ExitCode == 0, start.ExitReason);
            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(Web("status: (ready|ok)"), "monitor", TenSeconds), default)).ExitCode);

            var mismatch = await runner.ExecuteAsync(AgentTestBed.Request(Web("^down$"), "monitor", TenSeconds), default);
            Assert.Equal(1, mismatch.ExitCode);
            Assert.Contains("does not match expected_body", mismatch.ExitReason);

            File.Delete(Path.Combine(site, "health"));
            var notFound = await runner.ExecuteAsync(AgentTestBed.Request(Web("ready"), "monitor", TenSeconds), default);
            Assert.Equal(1, notFound.ExitCode);
            Assert.Contains("answered 404", notFound.ExitReason);
        }
        finally
        {
            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(Web("ready"), "stop"), default)).ExitCode);
        }
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task Haapi_Process_start_times_out_when_health_never_comes_and_stop_cleans_up()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var pidFile = bed.PathFor("pid");
        var port = FreeLoopbackPort(); // nothing listens there
        var p = AgentTestBed.Primitive("slow", ResourceClass.Haapi, null, "Process",
            [new("command", $"echo $$ > {pidFile}; exec sleep 300"), new("health_url", $"http://127.0.0.1:{port}/"), new("health_timeout", "200ms")]);

        var start = await runner.ExecuteAsync(AgentTestBed.Request(p, "start", timeout: TimeSpan.FromSeconds(1.5)), default);

        Assert.Equal(ExecutionStatus.TimedOut, start.Status);
        Assert.Contains("health check", start.ExitReason);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default)).ExitCode);
        Assert.True(AgentTestBed.WaitUntilDead(int.Parse(File.ReadAllText(pidFile).Trim()), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Haapi_Process_does_not_mistake_a_recycled_pid_for_its_process()
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        // An unrelated process (same pid as "ours" but a different start time) must be neither reported nor killed.
        using var stranger = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
        try
        {
            Directory.CreateDirectory(bed.Options.StateDirectory);
            File.WriteAllText(Path.Combine(bed.Options.StateDirectory, "Process-old.json"),
                $$"""{"Pid":{{stranger.Id}},"StartTicks":1,"ProcessGroupId":{{stranger.Id}},"Command":"sleep 30"}""");
            var p = AgentTestBed.Primitive("old", ResourceClass.Haapi, null, "Process", [new("command", "sleep 30")]);

            Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(p, "monitor"), default)).ExitCode);
            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(p, "stop"), default)).ExitCode);
            Assert.True(AgentTestBed.IsAlive(stranger.Id));
        }
        finally
        {
            stranger.Kill();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
