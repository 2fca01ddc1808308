namespace HaApi.Engine.Scheduler;

/// <summary>
/// Schedules fencing of unclean nodes (when fencing is enabled and the partition may fence). Stops of resources
/// on a fenced node become pseudo actions that complete when fencing does, so recovery elsewhere waits for it.
/// </summary>
internal static class FencingPhase
{
    public static void Run(WorkingSet ws)
    {
        if (!ws.StonithEnabled) return;
        var mayFence = ws.Input.HaveQuorum || ws.NoQuorumPolicy == Model.NoQuorumPolicy.Ignore;
        if (!mayFence) return;
        var action = ws.Config.Properties.Values.TryGetValue("fencing-action", out var fa) ? fa : ws.Config.Properties.StonithAction;
        if (action == "poweroff") action = "off";
        // Pacemaker lists fencing in reverse node order.
        foreach (var node in Enumerable.Reverse(ws.Nodes))
        {
            if (!node.Unclean) continue;
            var fence = ws.NewAction(null, "stonith", node, optional: false);
            fence.Reason = node.FenceReason ?? "node is unclean";
            fence.FenceAction = action;
            ws.FenceActions.Add(fence);
        }
    }
}
