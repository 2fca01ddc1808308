using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class SystemdAndCompositeRunnerTests
{
    [Theory]
    [InlineData("nginx", "nginx.service")]
    [InlineData("nginx.service", "nginx.service")]
    [InlineData("cups.socket", "cups.socket")]
    [InlineData("getty@tty1", "getty@tty1.service")]
    public void Systemd_unit_names_default_to_services(string type, string unit)
    {
        Assert.Equal(unit, SystemdAgentRunner.UnitName(type));
    }

    [Fact]
    public async Task Systemd_unit_that_cannot_run_here_is_not_installed_and_stopping_it_succeeds()
    {
        AgentTestBed.RequireFile("/usr/bin/systemctl", "systemd");
        using var bed = new AgentTestBed();
        var runner = new SystemdAgentRunner(bed.Options);
        var unit = AgentTestBed.Primitive("web", ResourceClass.Systemd, null, "haapi-test-" + Guid.NewGuid().ToString("N")[..8]);
        // In a container systemd is not PID 1; on a full host the unit simply does not exist. Either way it cannot run.
        var booted = Directory.Exists("/run/systemd/system");

        var start = await runner.ExecuteAsync(AgentTestBed.Request(unit, "start"), default);
        Assert.Equal(5, start.ExitCode);
        Assert.Contains(booted ? "not found" : "systemd is not running", start.ExitReason);

        var probe = await runner.ExecuteAsync(AgentTestBed.Request(unit, "monitor"), default);
        Assert.Equal(booted ? 7 : 5, probe.ExitCode);
        Assert.False(ResultPolicy.Assess("monitor", TimeSpan.Zero, null, probe, false) is { Role: Role.Started or Role.Promoted });
        if (booted) Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(unit, "stop"), default)).ExitCode);
        Assert.Equal(3, (await runner.ExecuteAsync(AgentTestBed.Request(unit, "promote"), default)).ExitCode);
    }

    [Fact]
    public async Task Composite_runner_dispatches_by_resource_class()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/heartbeat/Dummy", "resource-agents");
        using var bed = new AgentTestBed();
        using var runner = new ResourceAgentRunner(bed.Options);

        var ocf = AgentTestBed.Primitive("o", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", bed.PathFor("o.state"))]);
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(ocf, "start"), default)).ExitCode);
        Assert.True(File.Exists(bed.PathFor("o.state")));

        var builtIn = AgentTestBed.Primitive("b", ResourceClass.Haapi, null, "Dummy");
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(builtIn, "start"), default)).ExitCode);
        Assert.True(File.Exists(Path.Combine(bed.Options.StateDirectory, "Dummy-b.state")));

        var lsb = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("l", ResourceClass.Lsb, null, "absent"), "start"), default);
        Assert.Contains("LSB script", lsb.ExitReason);

        var fence = await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive("f", ResourceClass.Stonith, null, "fence_aws"), "monitor"), default);
        Assert.Equal(ExecutionStatus.NotSupported, fence.Status);
        Assert.Contains("fencer", fence.ExitReason);
    }
}
