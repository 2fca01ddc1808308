using System.Xml.Linq;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class LsbAgentRunnerTests
{
    [Theory]
    [InlineData("status", 0, 0)]
    [InlineData("status", 1, 7)]
    [InlineData("status", 2, 7)]
    [InlineData("status", 3, 7)]
    [InlineData("status", 4, 1)]
    [InlineData("status", 150, 5)]
    [InlineData("status", 151, 4)]
    [InlineData("status", 99, 1)]
    [InlineData("start", 0, 0)]
    [InlineData("start", 5, 5)]
    [InlineData("stop", 7, 7)]
    [InlineData("start", 8, 1)]
    [InlineData("start", 150, 1)]
    public void Lsb_exit_codes_map_to_OCF_as_Pacemaker_maps_them(string action, int lsb, int ocf)
    {
        Assert.Equal(ocf, LsbAgentRunner.ToOcf(action, lsb));
    }

    [Fact]
    public async Task Init_script_starts_reports_status_and_stops_a_real_daemon()
    {
        using var bed = new AgentTestBed();
        var pidFile = bed.PathFor("svc.pid");
        AgentTestBed.WriteScript(Path.Combine(bed.Options.InitDirectory, "haapi-test-svc"), $$"""
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          haapi-test-svc
            # Short-Description: HaApi test service
            # Description:       A sleep that pretends to be a daemon.
            ### END INIT INFO
            PIDFILE={{pidFile}}
            running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
            case "$1" in
              start) running && exit 0; setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! > "$PIDFILE"; exit 0 ;;
              stop) running && kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; exit 0 ;;
              status) running && exit 0; [ -f "$PIDFILE" ] && exit 1; exit 3 ;;
              *) echo "Usage: $0 {start|stop|status}" >&2; exit 3 ;;
            esac
            """);
        var runner = new LsbAgentRunner(bed.Options);
        var svc = AgentTestBed.Primitive("svc", ResourceClass.Lsb, null, "haapi-test-svc");

        try
        {
            Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "monitor"), default)).ExitCode);
            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "start"), default)).ExitCode);
            var pid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.True(AgentTestBed.IsAlive(pid));
            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "monitor", TimeSpan.FromSeconds(15)), default)).ExitCode);

            // Dead daemon with its pid file left behind: LSB status 1, which means "not running" to the cluster.
            File.WriteAllText(pidFile, "999999999\n");
            Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "monitor", TimeSpan.FromSeconds(15)), default)).ExitCode);
            File.WriteAllText(pidFile, pid + "\n");

            Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "stop"), default)).ExitCode);
            Assert.True(AgentTestBed.WaitUntilDead(pid, TimeSpan.FromSeconds(2)));
            Assert.Equal(7, (await runner.ExecuteAsync(AgentTestBed.Request(svc, "monitor", TimeSpan.FromSeconds(15)), default)).ExitCode);

            var meta = await runner.ExecuteAsync(AgentTestBed.Request(svc, "meta-data"), default);
            Assert.Equal("HaApi test service", XDocument.Parse(meta.Output!).Root!.Element("shortdesc")!.Value);
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var left) && AgentTestBed.IsAlive(left))
                System.Diagnostics.Process.GetProcessById(left).Kill();
        }
    }

    [Fact]
    public async Task Missing_init_script_is_not_installed()
    {
        using var bed = new AgentTestBed();
        var runner = new LsbAgentRunner(bed.Options);
        var result = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("x", ResourceClass.Lsb, null, "nope"), "start"), default);
        Assert.Equal(5, result.ExitCode);
        Assert.Equal(ExecutionStatus.NotInstalled, result.Status);
        Assert.Contains(Path.Combine(bed.Options.InitDirectory, "nope"), result.ExitReason);
    }
}
