using System.Threading.Channels;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class LocalExecutorWithRealAgentTests
{
    [Fact]
    public async Task Recurring_monitor_of_a_real_Dummy_reports_its_death_with_the_agents_reason()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/heartbeat/Dummy", "resource-agents");
        using var bed = new AgentTestBed();
        using var runner = new ResourceAgentRunner(bed.Options);
        var reports = Channel.CreateBounded<RecurringResult>(16);
        await using var executor = new LocalExecutor(runner, TimeProvider.System, (r, ct) => reports.Writer.WriteAsync(r, ct));
        executor.Start();
        var state = bed.PathFor("d.state");
        var dummy = AgentTestBed.Primitive("d", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", state)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Assert.Equal(0, (await executor.ExecuteAsync(AgentTestBed.Request(dummy, "start"), timeout.Token)).ExitCode);
        executor.StartRecurring(AgentTestBed.Request(dummy, "monitor", TimeSpan.FromMilliseconds(200)));
        var first = await reports.Reader.ReadAsync(timeout.Token);
        Assert.Equal(0, first.Result.ExitCode);

        File.Delete(state); // the "service" dies behind the cluster's back
        var failure = await reports.Reader.ReadAsync(timeout.Token);

        Assert.Equal(7, failure.Result.ExitCode);
        Assert.Equal("No process state file found", failure.Result.ExitReason);
        var verdict = ResultPolicy.Assess(failure.Request, failure.Result, promotable: false);
        Assert.Equal(FailureSeverity.Soft, verdict.Severity);
        Assert.Equal(Role.Stopped, verdict.Role);

        Assert.Equal(0, (await executor.ExecuteAsync(AgentTestBed.Request(dummy, "stop"), timeout.Token)).ExitCode);
        Assert.Empty(executor.Schedule.Monitors);
    }
}
