using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Controller;

/// <summary>
/// Whether the cluster has settled, judged the way crm_resource --wait does: run the scheduler on the replicated
/// status every node holds; the cluster is settled when it has nothing left to do that it could do. Blocked actions
/// do not count (nothing will make them happen by waiting).
/// </summary>
public static class Settlement
{
    public static ImmutableArray<SchedulerAction> PendingActions(ClusterConfig config, ClusterStatus status, bool quorate, DateTimeOffset now)
    {
        var transition = Scheduler.Scheduler.Schedule(new SchedulerInput(config, status, quorate, now));
        return [.. transition.Actions.Where(a => a.Runnable && a.Kind != ActionKind.Pseudo)];
    }

    /// <summary>"start vip on node2" — for the operator waiting on it.</summary>
    public static string Describe(SchedulerAction a) => a.Kind switch
    {
        ActionKind.Fence => $"fence {a.Node}",
        ActionKind.Probe => $"probe {a.Resource} on {a.Node}",
        ActionKind.Monitor => $"monitor ({a.Interval.TotalSeconds:0}s) {a.Resource} on {a.Node}",
        ActionKind.ClearFailCount => $"clear fail count of {a.Resource} on {a.Node}",
        ActionKind.Cancel => $"cancel monitor ({a.Interval.TotalSeconds:0}s) {a.Resource} on {a.Node}",
        _ => $"{a.Task} {a.Resource} on {a.Node}",
    };
}
