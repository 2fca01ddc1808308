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
        public readonly ConcurrentQueue<OperationRequest> Calls = new();

        public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
        {
            Calls.Enqueue(request);
            var rc = (request.Action, request.ResourceId) switch
            {
                ("migrate_to", _) => Set(request.ResourceId, false),
                ("migrate_from", _) => Set(request.ResourceId, true),
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

    [Fact]
    public async Task A_cancel_ends_the_recurring_monitor_and_reports_it_cancelled_not_failed()
    {
        await using var executor = new LocalExecutor(new FlagAgents(), TimeProvider.System, (_, _) => ValueTask.CompletedTask);
        var runner = new NodeOperationRunner("node1", executor, () => false, TimeProvider.System);
        await runner.RunAsync(Request("web", "start"), CancellationToken.None);
        await runner.RunAsync(Request("web", "monitor", interval: TimeSpan.FromSeconds(10)), CancellationToken.None);
        Assert.NotNull(executor.Schedule.Find("web_monitor_10000"));

        var cancelled = (await runner.RunAsync(Request("web", OperationNames.Cancel, interval: TimeSpan.FromSeconds(10)), CancellationToken.None))!;

        Assert.Null(executor.Schedule.Find("web_monitor_10000"));
        Assert.Equal(("monitor", TimeSpan.FromSeconds(10), OperationRecord.StatusCancelled), (cancelled.Operation, cancelled.Interval, cancelled.OpStatus));
        Assert.True(cancelled.IsExpected);
        Assert.False(cancelled.IsFailure);
        Assert.Equal(0, cancelled.FailCountIncrement);
    }

    [Fact]
    public async Task Migration_actions_reach_the_agent_with_the_migration_source_and_target()
    {
        var agents = new FlagAgents();
        await using var executor = new LocalExecutor(agents, TimeProvider.System, (_, _) => ValueTask.CompletedTask);
        var runner = new NodeOperationRunner("node1", executor, () => false, TimeProvider.System);
        var meta = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("migrate_source", "node1"), KeyValuePair.Create("migrate_target", "node2")]);

        var result = (await runner.RunAsync(Request("vm", OperationNames.MigrateTo) with { ExtraMeta = meta }, CancellationToken.None))!;

        Assert.True(result.IsExpected);
        var call = Assert.Single(agents.Calls);
        Assert.Equal(OperationNames.MigrateTo, call.Action);
        Assert.Equal(meta, call.ExtraMeta);
    }
}
