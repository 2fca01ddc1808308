using System.Collections.Concurrent;
using HaApi.Engine.Controller;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

public sealed class NodeOperationRunnerTests
{
    /// <summary>An in-memory agent: "running" is a flag per resource; starts of "broken" fail.</summary>
    private sealed class FlagAgents : IResourceAgentRunner
    {
        public readonly ConcurrentDictionary<string, bool> Running = new();

        public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
        {
            var rc = (request.Action, request.ResourceId) switch
            {
                ("start", "broken") => 1,
                ("start", _) => Set(request.ResourceId, true),
                ("stop", _) => Set(request.ResourceId, false),
                ("monitor", _) => Running.GetValueOrDefault(request.ResourceId) ? 0 : 7,
                _ => 3,
            };
            return Task.FromResult(new OperationResult(rc, ExecutionStatus.Done, null, TimeSpan.FromMilliseconds(1)));
        }

        private int Set(string id, bool running)
        {
            Running[id] = running;
            return 0;
        }
    }

    private static ActionRequest Request(string resource, string operation, int expected = 0, TimeSpan interval = default, string node = "node1") =>
        new("7:3", node, resource, ControllerCluster.Dummy(resource) with { Parameters = Attributes.Empty.SetItem("ip", "192.0.2.1") },
            operation, interval, TimeSpan.FromSeconds(20), expected);

    [Fact]
    public async Task One_shot_actions_come_back_as_records_carrying_the_transition_key()
    {
        var recurring = new TaskCompletionSource<RecurringResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var executor = new LocalExecutor(new FlagAgents(), TimeProvider.System, (r, _) => { recurring.TrySetResult(r); return ValueTask.CompletedTask; });
        var runner = new NodeOperationRunner("node1", executor, () => true, TimeProvider.System);

        var probe = (await runner.RunAsync(Request("web", "monitor", expected: 7), CancellationToken.None))!;
        Assert.True(probe.IsExpected);
        Assert.Equal(7, probe.RcCode);

        var start = (await runner.RunAsync(Request("web", "start"), CancellationToken.None))!;
        Assert.Equal("7:3", start.TransitionKey);
        Assert.Equal("node1", start.Node);
        Assert.Equal(("ocf", "heartbeat", "Dummy"), (start.Class, start.Provider, start.Type));
        Assert.Equal(OperationDigest.Compute(Attributes.Empty.SetItem("ip", "192.0.2.1")), start.Digest);
        Assert.Equal(0, start.FailCountIncrement);

        var failed = (await runner.RunAsync(Request("broken", "start"), CancellationToken.None))!;
        Assert.True(failed.IsFailure);
        Assert.Equal(Score.InfinityValue, failed.FailCountIncrement);

        Assert.Null(await runner.RunAsync(Request("web", "start", node: "node2"), CancellationToken.None));
    }

    [Fact]
    public async Task A_recurring_monitor_reports_through_the_executor_with_its_dispatch_key()
    {
        var reported = new TaskCompletionSource<RecurringResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var executor = new LocalExecutor(new FlagAgents(), TimeProvider.System, (r, _) => { reported.TrySetResult(r); return ValueTask.CompletedTask; });
        executor.Start();
        var runner = new NodeOperationRunner("node1", executor, () => false, TimeProvider.System);
        await runner.RunAsync(Request("web", "start"), CancellationToken.None);

        Assert.Null(await runner.RunAsync(Request("web", "monitor", interval: TimeSpan.FromSeconds(10)), CancellationToken.None));
        var first = await reported.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var record = runner.OnRecurringResult(first)!;
        Assert.Equal("7:3", record.TransitionKey);
        Assert.Equal(TimeSpan.FromSeconds(10), record.Interval);
        Assert.True(record.IsExpected);
    }
}
