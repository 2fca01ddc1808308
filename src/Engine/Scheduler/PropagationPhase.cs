namespace HaApi.Engine.Scheduler;

/// <summary>
/// Spreads "required" and "cannot run" along ordering edges until nothing changes (Pacemaker's update of
/// ordered actions), then blocks starts of resources that must be colocated with something that cannot start.
/// </summary>
internal static class PropagationPhase
{
    public static void Run(WorkingSet ws)
    {
        var graph = new OrderGraph(ws.Orderings, ws.Actions.Count);
        new Cascade(ws, graph).Run();
        var changed = true;
        var rounds = 0;
        // Each round only clears flags, so the loop ends; the bound guards against a bug turning it endless.
        while (changed && rounds++ < 10_000)
        {
            changed = false;
            foreach (var e in ws.Orderings)
            {
                changed |= Apply(e);
                foreach (var m in e.MemberEdges) changed |= Apply(m);
            }
            foreach (var a in ws.Actions)
                if (a.RequiresAny) changed |= RecomputeAny(a, graph);
            changed |= BlockColocatedDependents(ws);
        }
    }

    /// <summary>
    /// Pacemaker's order of updates: each action's orderings are applied as soon as something they depend on
    /// changes, depth first, before the next action is looked at. Flags end the same whatever the order (they only
    /// ever clear), but an action keeps the reason of the first change, so "required X start" versus
    /// "unrunnable X start" depends on it (bug-1718: X's start becomes required through X's own restart before the
    /// next group member is looked at). The fixpoint loop in <see cref="Run"/> then settles what this pass leaves.
    /// </summary>
    private sealed class Cascade(WorkingSet ws, OrderGraph graph)
    {
        // Bounds the work on pathological graphs; whatever is left over is settled by the fixpoint loop.
        private int budget = 50 * (ws.Orderings.Count + ws.Actions.Count);
        private const int MaxDepth = 1_000;

        public void Run()
        {
            for (var i = ws.Actions.Count - 1; i >= 0; i--) Update(ws.Actions[i], 0);
        }

        private void Update(ActionNode then, int depth)
        {
            if (depth > MaxDepth || budget <= 0) return;
            var before = (then.Optional, then.Runnable);
            var after = graph.Into(then);
            for (var i = after.Count - 1; i >= 0; i--)
            {
                if (budget-- <= 0) return;
                var e = after[i];
                var first = e.First;
                var firstBefore = (first.Optional, first.Runnable);
                Apply(e);
                foreach (var m in e.MemberEdges) UpdateMember(m, depth);
                if ((first.Optional, first.Runnable) == firstBefore) continue;
                UpdateDependents(first, depth + 1);
                Update(first, depth + 1);
            }
            if ((then.Optional, then.Runnable) == before && !MigrationGivenUp(then)) return;
            Update(then, depth + 1);
            UpdateDependents(then, depth + 1);
        }

        /// <summary>Pacemaker prepends to its ordering lists, so it visits an action's dependents newest first.</summary>
        private void UpdateDependents(ActionNode first, int depth)
        {
            var next = graph.OutOf(first);
            for (var i = next.Count - 1; i >= 0; i--) Update(next[i].Then, depth);
        }

        /// <summary>A migration's pseudo start that cannot run turns into a real start the first time it is looked at
        /// (Pacemaker clears its pseudo flag), which counts as a change: what is ordered after it is updated from it
        /// at once, so the next group member reports "unrunnable g1 start" (seed 7216).</summary>
        private bool MigrationGivenUp(ActionNode a) =>
            a is { Task: "start", Pseudo: true, Runnable: false, Resource: PrimitiveNode { MigrationSource: not null } } && givenUp.Add(a);

        private readonly HashSet<ActionNode> givenUp = [];

        /// <summary>A member whose action changes is updated at once, before the next member is looked at (Pacemaker
        /// re-processes an action of a resource with a parent as soon as an ordering changes it).</summary>
        private void UpdateMember(OrderEdge m, int depth)
        {
            var before = (m.Then.Optional, m.Then.Runnable);
            Apply(m);
            if ((m.Then.Optional, m.Then.Runnable) != before) Update(m.Then, depth + 1);
        }
    }

    private static bool Apply(OrderEdge e)
    {
        var f = e.First;
        var t = e.Then;
        var changed = false;
        if ((e.Flags & OrderFlags.ImpliesThen) != 0 && RequiredFor(f, t) && t.Optional)
        {
            t.Optional = false;
            KeepFirstCause(t, "required", f);
            changed = true;
        }
        if ((e.Flags & OrderFlags.ImpliesFirst) != 0 && !t.Optional && f.Optional && !MigrationCleanup(t))
        {
            f.Optional = false;
            changed = true;
        }
        if ((e.Flags & OrderFlags.RunnableLeft) != 0 && !f.Runnable && t.Runnable && !t.RequiresAny)
        {
            t.Runnable = false;
            KeepFirstCause(t, "unrunnable", f);
            changed = true;
        }
        if ((e.Flags & OrderFlags.Asymmetric) != 0 && !f.Runnable && BlockedByAsymmetric(t))
        {
            if (t.Optional && t.Resource is PrimitiveNode)
            {
                t.Optional = false;
                KeepFirstCause(t, "required", f);
                changed = true;
            }
            if (t.Runnable)
            {
                t.Runnable = false;
                KeepFirstCause(t, "unrunnable", f);
                changed = true;
            }
        }
        if ((e.Flags & OrderFlags.BlockedLeft) != 0 && !f.Optional && !f.Runnable && t.Runnable)
        {
            t.Runnable = false;
            changed = true;
        }
        if ((e.Flags & OrderFlags.Restart) != 0)
        {
            var managed = t.Resource?.Managed ?? true;
            if (((!t.Runnable && managed && t.Node is not null) || !t.Optional) && f.Optional && f.Runnable)
            {
                f.Optional = false;
                changed = true;
            }
            if (!f.Optional && !f.Runnable && t.Runnable)
            {
                t.Runnable = false;
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>An action keeps the reason of its first change; formatted only then, as most changes come second.</summary>
    private static void KeepFirstCause(ActionNode t, string change, ActionNode f)
    {
        if (t.Reason is null && f.Resource is not null && f.Resource != t.Resource) t.Reason = $"{change} {f.Resource.Id} {f.Task}";
    }

    /// <summary>
    /// Whether a non-symmetrical mandatory order whose First cannot run stops Then. Pacemaker leaves alone only an
    /// optional start of a resource that stays where it runs alone (or an optional stop of a stopped one); a
    /// resource that must start elsewhere, such as one recovering on another node, cannot (seed 6004).
    /// </summary>
    private static bool BlockedByAsymmetric(ActionNode t)
    {
        switch (t.Resource)
        {
            case null:
                return false;
            case PrimitiveNode p:
                if (!t.Optional) return true;
                if (t.Task == "stop" && p.Role == Model.Role.Stopped) return false;
                return !(t.Task == "start" && p.Role >= Model.Role.Started && p.RunningOn.Count == 1 && p.RunningOn[0] == t.Node);
            default:
                return t.Runnable && !t.Resource.IsActive;
        }
    }

    /// <summary>
    /// Whether First counts as required for Then. A clone's own point (start, promoted...) required somewhere
    /// requires an action on a node only if an instance's matching action on that very node is required: one
    /// instance promoted on node1 does not restart what runs on node2.
    /// </summary>
    private static bool RequiredFor(ActionNode first, ActionNode then)
    {
        if (first.Optional) return false;
        // A migration's start is a pseudo action: the resource never stops, so what depends on it keeps running.
        if (first is { Task: "start", Pseudo: true, Resource: PrimitiveNode { MigrationSource: not null } }) return false;
        // Between two clones, a dependent that does not interleave restarts everywhere when any instance (re)starts.
        if (first is { Resource: CloneNode starting, Task: "running" } && then.Resource?.Top is CloneNode { Interleave: false } dependent && dependent != starting)
            return starting.Primitives().Any(p => p.Actions.Any(a => a is { Task: "start", Optional: false, Runnable: true, Node: not null }));
        if (first.Resource is not CloneNode clone || first.Node is not null || then.Node is null) return true;
        var task = first.Task switch { "running" => "start", "stopped" => "stop", "promoted" => "promote", "demoted" => "demote", var t => t };
        return InstanceRequiredOn(clone, task, then.Node);
    }

    /// <summary>Whether an instance of the clone has a required <paramref name="task"/> on the node. A method of its
    /// own: a lambda capturing RequiredFor's parameters would cost a closure on each of its many calls.</summary>
    private static bool InstanceRequiredOn(CloneNode clone, string task, NodeInfo node) =>
        clone.Primitives().Any(p => p.Actions.Any(a => a.Task == task && a.Node == node && !a.Optional && a.Interval == TimeSpan.Zero));

    /// <summary>The stop after a migration only cleans up the old node: the resource never stopped running, so
    /// what must stop before it stops does not have to.</summary>
    private static bool MigrationCleanup(ActionNode a) =>
        a is { Task: "stop", Resource: PrimitiveNode { MigrationSource: { } source } } && a.Node == source;

    private static bool RecomputeAny(ActionNode a, OrderGraph graph)
    {
        if (!a.Runnable) return false;
        var hasInputs = false;
        foreach (var e in graph.Into(a))
        {
            if ((e.Flags & OrderFlags.RunnableLeft) == 0) continue;
            if (e.First.Runnable) return false;
            hasInputs = true;
        }
        if (!hasInputs) return false;
        // A clone keeps "running" while instances stay where they are; promotions and demotions need a runnable one.
        var staying = a.Task == "running" && (a.Resource?.Primitives().Any(p => p.IsActive && p.AssignedTo is not null && p.FindAction("start", p.AssignedTo) is not { Runnable: false }) ?? false);
        if (staying) return false;
        a.Runnable = false;
        return true;
    }

    private static bool BlockColocatedDependents(WorkingSet ws)
    {
        var changed = false;
        foreach (var start in ws.Actions.Where(a => a.Task is "start" or "running" && !a.Runnable && a.Resource is not null).ToList())
        {
            var primary = start.Resource!;
            if (start.Task == "start" && primary is PrimitiveNode { AssignedTo: null }) continue;
            foreach (var c in primary.WithThis)
            {
                if (c.Score < Scores.Inf || c.Id == "group:internal_colocation") continue;
                // "Promoted with X" only keeps the dependent from being promoted; its instances still start (seed 8085).
                var dependentStart = c.Dependent.Primitives().FirstOrDefault()?.FindAction(c.DependentRole == Model.Role.Promoted ? "promote" : "start", null);
                if (dependentStart is null || !dependentStart.Runnable) continue;
                dependentStart.Runnable = false;
                dependentStart.SetReason($"colocation with {primary.Id}", overwrite: true);
                changed = true;
            }
        }
        return changed;
    }
}
