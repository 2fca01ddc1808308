using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Orderings between two clones when the dependent clone interleaves: each dependent instance waits only for the
/// other clone's instance on its own node (Pacemaker's compatible child), not for the whole clone. The dependent is
/// the "then" clone of "A then B" and the "first" of the inverse "B stop then A stop"; its interleave decides.
/// </summary>
internal static class CloneInstances
{
    /// <summary>The dependent clone when an ordering between first and then is interleaved, else null.</summary>
    public static CloneNode? Interleaved(ResourceNode first, ResourceNode then, bool inverse)
    {
        if (first is not CloneNode a || then is not CloneNode b || a == b) return null;
        var dependent = inverse ? a : b;
        return dependent.Interleave ? dependent : null;
    }

    public static void OrderInterleaved(WorkingSet ws, CloneNode dependent, ResourceNode first, string firstTask, ResourceNode then, string thenTask, OrderFlags flags)
    {
        // The clones' own pseudo actions stay ordered (the executor waits for the whole clone at that level), but
        // carry no flags: requirement and runnability travel between paired instances only.
        if (OrderingPhase.Find(ws, first, firstTask, asFirst: true, byConstraint: true) is [var point, ..] && then.FindAction(thenTask) is { } own)
            ws.Order(point, own, OrderFlags.None);
        var other = dependent == first ? (CloneNode)then : (CloneNode)first;
        var stopping = thenTask is "stop" or "demote";
        foreach (var instance in dependent.Instances)
        {
            var node = stopping ? instance.CurrentNode ?? AssignedNode(instance) : AssignedNode(instance) ?? instance.CurrentNode;
            var peer = node is null ? null : Peer(other, node, stopping);
            if (peer is null)
            {
                if (dependent == then && !stopping && (flags & (OrderFlags.RunnableLeft | OrderFlags.ImpliesThen)) != 0) Inhibit(instance);
                continue;
            }
            var (f, t) = dependent == then ? (peer, instance) : (instance, peer);
            foreach (var fa in OrderingPhase.Find(ws, f, firstTask, asFirst: true, byConstraint: true))
                foreach (var ta in OrderingPhase.Find(ws, t, thenTask, asFirst: false, byConstraint: true))
                    ws.Order(fa, ta, flags);
        }
    }

    private static NodeInfo? AssignedNode(ResourceNode instance) => instance.Primitives().Select(p => p.AssignedTo).FirstOrDefault(n => n is not null);

    /// <summary>The other clone's instance on the node: the one placed there (for stops, the one running there).</summary>
    private static ResourceNode? Peer(CloneNode other, NodeInfo node, bool stopping) =>
        other.Instances.FirstOrDefault(i => (stopping ? i.CurrentNode : AssignedNode(i)) == node);

    /// <summary>
    /// No instance of the clone it must start after will be on its node: the dependent instance cannot run there.
    /// Pacemaker unassigns it after placement (its start cannot run, its stop is required), so it stops without a
    /// reason, and an instance that was not running is not mentioned at all (seed 3020: no "Start b:1 blocked").
    /// </summary>
    private static void Inhibit(ResourceNode instance)
    {
        foreach (var p in instance.Primitives())
        {
            foreach (var a in p.Actions.Where(a => a.Task == "start")) a.Runnable = false;
            foreach (var a in p.Actions.Where(a => a.Task == "stop")) a.Optional = false;
            AssignmentPhase.Finalize(p, null, force: true);
        }
        if (instance is GroupNode g) g.NextRole = Role.Stopped;
    }
}
