using System.Collections.Concurrent;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Tests.Execution;

public class LocalExecutorTests
{
    /// <summary>A simulated agent: "running" is a flag per resource. Counts calls and overlap per resource.</summary>
    private sealed class SimulatedAgents(TimeSpan delay) : IResourceAgentRunner
    {
        public readonly ConcurrentDictionary<string, bool> Running = new();
        public readonly ConcurrentDictionary<string, int> Calls = new();
        private readonly ConcurrentDictionary<string, int> _inside = new();
        private int _insideTotal;
        public int MaxOverlapSameResource;
        public int MaxConcurrent;
        public Func<OperationRequest, bool> Throw = _ => false;

        public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate(request.Key, 1, (_, n) => n + 1);
            var same = _inside.AddOrUpdate(request.ResourceId, 1, (_, n) => n + 1);
            var total = Interlocked.Increment(ref _insideTotal);
            InterlockedMax(ref MaxOverlapSameResource, same);
            InterlockedMax(ref MaxConcurrent, total);
            try
            {
                await Task.Delay(delay, cancellationToken);
                if (Throw(request)) throw new InvalidOperationException("adapter bug");
                var rc = request.Action switch
                {
                    "start" => Set(request.ResourceId, true),
                    "stop" => Set(request.ResourceId, false),
                    "monitor" => Running.GetValueOrDefault(request.ResourceId) ? 0 : 7,
                    _ => 3,
                };
                return new OperationResult(rc, ExecutionStatus.Done, null, delay);
            }
            finally
            {
                _inside.AddOrUpdate(request.ResourceId, 0, (_, n) => n - 1);
                Interlocked.Decrement(ref _insideTotal);
            }
        }

        private int Set(string id, bool running) { Running[id] = running; return 0; }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    private static OperationRequest Op(string rsc, string action, int intervalMs = 0) =>
        new(rsc, new Primitive(rsc, ResourceClass.Haapi, null, "Dummy", Attributes.Empty, Attributes.Empty, []),
            action, TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromSeconds(5), "n1", Attributes.Empty);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(10);
        }
    }

    /// <summary>The system clock, counting how often the executor reads it.</summary>
    private sealed class CountingClock : TimeProvider
    {
        public int Reads;
        public override DateTimeOffset GetUtcNow() { Interlocked.Increment(ref Reads); return base.GetUtcNow(); }
    }

    [Fact]
    public async Task An_executor_with_no_recurring_monitor_sleeps_instead_of_polling_its_schedule()
    {
        var clock = new CountingClock();
        await using var executor = new LocalExecutor(new SimulatedAgents(TimeSpan.Zero), clock, (_, _) => ValueTask.CompletedTask);
        executor.Start();

        await Task.Delay(300);

        // Each pass of the loop reads the clock twice; a sleeping loop has made one pass. A loop that took "no
        // monitor" for "a monitor due now" spun through hundreds of thousands of passes (two cores busy while idle).
        Assert.True(clock.Reads < 20, $"the idle executor read the clock {clock.Reads} times in 300 ms");
    }

    [Fact]
    public async Task Recurring_monitor_runs_on_its_interval_and_reports_only_changes()
    {
        var agents = new SimulatedAgents(TimeSpan.FromMilliseconds(1));
        var reports = new ConcurrentQueue<RecurringResult>();
        await using var executor = new LocalExecutor(agents, TimeProvider.System, (r, _) => { reports.Enqueue(r); return ValueTask.CompletedTask; });
        executor.Start();
        Assert.Equal(0, (await executor.ExecuteAsync(Op("web", "start"), default)).ExitCode);

        executor.StartRecurring(Op("web", "monitor", 30));
        await Eventually(() => agents.Calls.GetValueOrDefault("web_monitor_30") >= 5, "five monitor runs");
        Assert.Equal(0, Assert.Single(reports).Result.ExitCode);

        agents.Running["web"] = false; // the service dies behind the cluster's back
        await Eventually(() => reports.Count == 2, "the failure is reported");
        Assert.Equal(7, reports.Last().Result.ExitCode);
        var runs = agents.Calls["web_monitor_30"];
        await Eventually(() => agents.Calls["web_monitor_30"] >= runs + 3, "more runs");
        Assert.Equal(2, reports.Count); // still failing, nothing new to say
    }

    [Fact]
    public async Task Stop_cancels_the_resources_recurring_monitors_first()
    {
        var agents = new SimulatedAgents(TimeSpan.FromMilliseconds(1));
        var reports = new ConcurrentQueue<RecurringResult>();
        await using var executor = new LocalExecutor(agents, TimeProvider.System, (r, _) => { reports.Enqueue(r); return ValueTask.CompletedTask; });
        executor.Start();
        await executor.ExecuteAsync(Op("db", "start"), default);
        executor.StartRecurring(Op("db", "monitor", 20));
        executor.StartRecurring(Op("other", "monitor", 20));
        await Eventually(() => agents.Calls.GetValueOrDefault("db_monitor_20") >= 2, "monitor runs");

        await executor.ExecuteAsync(Op("db", "stop"), default);
        var runsAtStop = agents.Calls["db_monitor_20"];
        await Task.Delay(150);

        Assert.Equal(runsAtStop, agents.Calls["db_monitor_20"]);
        Assert.DoesNotContain(reports, r => r.Request.ResourceId == "db" && r.Result.ExitCode == 7);
        Assert.Equal(["other_monitor_20"], executor.Schedule.Monitors.Select(m => m.Key));
    }

    [Fact]
    public async Task Operations_on_one_resource_never_overlap_and_the_node_limit_holds()
    {
        var agents = new SimulatedAgents(TimeSpan.FromMilliseconds(20));
        await using var executor = new LocalExecutor(agents, TimeProvider.System, (_, _) => ValueTask.CompletedTask,
            new LocalExecutorOptions(MaxConcurrentOperations: 2));
        executor.Start();
        executor.StartRecurring(Op("a", "monitor", 5));

        var sameResource = Enumerable.Range(0, 6).Select(_ => executor.ExecuteAsync(Op("a", "start"), default));
        var others = Enumerable.Range(0, 6).Select(i => executor.ExecuteAsync(Op("r" + i, "start"), default));
        await Task.WhenAll(sameResource.Concat(others));

        Assert.Equal(1, agents.MaxOverlapSameResource);
        Assert.InRange(agents.MaxConcurrent, 1, 2); // without the limit, a dozen 20 ms starts overlap far more
    }

    [Fact]
    public async Task A_runner_that_throws_is_reported_as_an_error_and_the_monitor_keeps_running()
    {
        var agents = new SimulatedAgents(TimeSpan.FromMilliseconds(1)) { Throw = r => r.Action == "monitor" };
        var reports = new ConcurrentQueue<RecurringResult>();
        await using var executor = new LocalExecutor(agents, TimeProvider.System, (r, _) => { reports.Enqueue(r); return ValueTask.CompletedTask; });
        executor.Start();
        executor.StartRecurring(Op("x", "monitor", 10));

        await Eventually(() => agents.Calls.GetValueOrDefault("x_monitor_10") >= 3, "runs after the first failure");
        var report = Assert.Single(reports);
        Assert.Equal(ExecutionStatus.Error, report.Result.Status);
        Assert.Contains("InvalidOperationException", report.Result.ExitReason);
    }

    [Fact]
    public async Task One_shot_monitor_is_refused_as_a_recurring_one()
    {
        await using var executor = new LocalExecutor(new SimulatedAgents(TimeSpan.Zero), TimeProvider.System, (_, _) => ValueTask.CompletedTask);
        Assert.Throws<ArgumentException>(() => executor.StartRecurring(Op("x", "monitor")));
    }
}
