using System.Diagnostics;
using System.Reflection;
using HaApi.Engine.Scheduler;

namespace HaApi.Bench.Scheduler;

/// <summary>
/// Times each scheduler phase separately. The phases are internal to the engine and the bench must not change it,
/// so they are called by reflection in the order Scheduler.Schedule calls them; the caller checks that the result
/// matches Scheduler.Schedule's so a reordering upstream shows instead of silently skewing the profile.
/// </summary>
public static class PhaseProfile
{
    private static readonly string[] Phases =
    [
        "SupportCheckPhase", "UnpackNodesPhase", "UnpackResourcesPhase", "UnpackHistoryPhase", "NodeScoresPhase",
        "AssignmentPhase", "FencingPhase", "ActionsPhase", "OrderingPhase", "PropagationPhase", "SummaryPhase",
    ];

    public static (IReadOnlyList<(string Phase, double Ms, double CpuMs, double AllocatedMb)> Times, Transition Result) Run(SchedulerInput input)
    {
        var assembly = typeof(HaApi.Engine.Scheduler.Scheduler).Assembly;
        var ns = typeof(HaApi.Engine.Scheduler.Scheduler).Namespace;
        var wsType = assembly.GetType($"{ns}.WorkingSet", throwOnError: true)!;
        var times = new List<(string, double, double, double)>();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var ws = Activator.CreateInstance(wsType, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [input], null)!;
        times.Add(("WorkingSet (constructor)", sw.Elapsed.TotalMilliseconds, CpuSince(process, ref cpu), AllocatedSince(ref allocated)));
        Transition? result = null;
        foreach (var name in Phases)
        {
            var type = assembly.GetType($"{ns}.{name}", throwOnError: true)!;
            var run = type.GetMethod("Run", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                ?? throw new MissingMethodException(name, "Run");
            object?[] args = run.GetParameters()[0].ParameterType == wsType ? [ws] : [input.Config];
            sw.Restart();
            process.Refresh();
            cpu = process.TotalProcessorTime;
            allocated = GC.GetAllocatedBytesForCurrentThread();
            var value = run.Invoke(null, args);
            times.Add((name, sw.Elapsed.TotalMilliseconds, CpuSince(process, ref cpu), AllocatedSince(ref allocated)));
            if (value is Transition t) result = t;
        }
        return (times, result ?? throw new InvalidOperationException("SummaryPhase returned no transition"));
    }

    private static double AllocatedSince(ref long since)
    {
        var now = GC.GetAllocatedBytesForCurrentThread();
        var mb = (now - since) / (1024.0 * 1024);
        since = now;
        return mb;
    }

    private static double CpuSince(Process process, ref TimeSpan since)
    {
        process.Refresh();
        var now = process.TotalProcessorTime;
        var ms = (now - since).TotalMilliseconds;
        since = now;
        return ms;
    }
}
