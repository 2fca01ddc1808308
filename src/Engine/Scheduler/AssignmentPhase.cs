using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Places resources on nodes in Pacemaker's order: resources sorted by priority, then by their score on their
/// current node, then by their scores on the (sorted) nodes; each takes its colocations into account, groups place
/// members in order, clones keep running instances where they are and spread the rest.
/// </summary>
internal static class AssignmentPhase
{
    public static void Run(WorkingSet ws)
    {
        // With the default placement strategy Pacemaker 2.1 assigns in priority order only (a stable sort, so
        // configuration order breaks ties); the finer ordering applies to utilization-based strategies.
        var order = ws.Resources
            .Select((r, i) => (Rsc: r, Index: i))
            .OrderByDescending(x => x.Rsc.Priority)
            .ThenBy(x => x.Index)
            .ToList();
        // Pacemaker sorts its resource list in place: later phases (and the summary) follow this order.
        ws.Resources.Clear();
        ws.Resources.AddRange(order.Select(o => o.Rsc));
        foreach (var (rsc, _) in order) Assign(ws, rsc, null);
    }

    /// <summary>The first node in Pacemaker's node order: higher score (unusable nodes count as -INFINITY), then
    /// fewer resources already placed, then the resource's current node, then name. A total order, so the first node
    /// is found in one pass instead of sorting the table (this runs once per primitive).</summary>
    public static NodeInfo? BestNode(NodeScoreTable scores, NodeInfo? preferred)
    {
        NodeInfo? best = null;
        var bestWeight = 0;
        foreach (var (node, score) in scores)
        {
            var weight = node.CanRunResources ? score : -Scores.Inf;
            if (best is null || Before(node, weight, best, bestWeight, preferred))
            {
                best = node;
                bestWeight = weight;
            }
        }
        return best;
    }

    /// <summary>All of the table's nodes in that order, for the rarer callers that need more than the first.</summary>
    public static List<NodeInfo> SortNodes(NodeScoreTable scores, NodeInfo? preferred)
    {
        var entries = new List<(NodeInfo Node, int Weight)>(scores.Count);
        foreach (var (node, score) in scores) entries.Add((node, node.CanRunResources ? score : -Scores.Inf));
        entries.Sort((x, y) => x.Node == y.Node ? 0 : Before(x.Node, x.Weight, y.Node, y.Weight, preferred) ? -1 : 1);
        return entries.ConvertAll(e => e.Node);
    }

    private static bool Before(NodeInfo a, int wa, NodeInfo b, int wb, NodeInfo? preferred)
    {
        if (wa != wb) return wa > wb;
        if (a.AssignedCount != b.AssignedCount) return a.AssignedCount < b.AssignedCount;
        if (preferred is not null && a == preferred) return true;
        if (preferred is not null && b == preferred) return false;
        return string.CompareOrdinal(a.Name, b.Name) < 0;
    }

    public static NodeInfo? Assign(WorkingSet ws, ResourceNode rsc, NodeInfo? prefer) => rsc switch
    {
        PrimitiveNode p => AssignPrimitive(ws, p, prefer),
        GroupNode g => AssignGroup(ws, g, prefer),
        CloneNode c => AssignClone(ws, c),
        _ => null,
    };

    private static NodeInfo? AssignPrimitive(WorkingSet ws, PrimitiveNode p, NodeInfo? prefer)
    {
        if (!p.Provisional) return p.AssignedTo;
        if (p.Assigning) return null;
        p.Assigning = true;

        // Indexed loops: a foreach through the read-only list interface boxes an enumerator, once per primitive.
        for (var i = 0; i < p.ThisWith.Count; i++)
        {
            var c = p.ThisWith[i];
            Assign(ws, c.Primary, null);
            ColocationScores.ApplyToDependent(p, c);
        }
        var (own, group) = ColocationScores.WithThisForScores(p);
        MergeDependents(p, own);
        MergeDependents(p, group);

        if (p.NextRole == Role.Stopped)
            foreach (var n in p.Allowed.Keys.ToList()) p.Allowed[n] = -Scores.Inf;

        if (ws.StonithEnabled && !ws.HaveStonithResource) p.Managed = false;

        if (!p.Managed)
        {
            p.NextRole = p.Role;
            Finalize(p, p.CurrentNode, force: true);
        }
        else if (ws.StopEverything)
        {
            Finalize(p, null, force: true);
        }
        else
        {
            ChooseNode(p, prefer);
        }
        p.Assigning = false;
        return p.AssignedTo;
    }

    private static void MergeDependents(PrimitiveNode p, IReadOnlyList<Colocation> withThis)
    {
        for (var i = 0; i < withThis.Count; i++)
        {
            var c = withThis[i];
            p.Allowed = ColocationScores.Merge(c.Dependent, p.Allowed, c.Score / (float)Scores.Inf, forward: false, rollback: true, onlyPositive: false) ?? p.Allowed;
        }
    }

    private static void ChooseNode(PrimitiveNode p, NodeInfo? prefer)
    {
        var current = p.CurrentNode;
        var best = BestNode(p.Allowed, current);
        NodeInfo? chosen = null;
        if (prefer is not null && best is not null && p.Allowed.TryGetValue(prefer, out var pw))
        {
            if (pw >= 0 && prefer.CanRunResources && pw >= p.Allowed[best]) chosen = prefer;
        }
        if (chosen is null && best is not null)
        {
            chosen = best;
            var uniqueCloneInstance = p.Parent is CloneNode { Unique: true };
            // Pacemaker walks the sorted nodes tied with the best one and stays on the current node if it is among
            // them: every usable node with the best node's score sorts right after it, so that is the current node
            // having the same score.
            if (!uniqueCloneInstance && p.Allowed[chosen] > 0 && chosen.CanRunResources && current is not null && current.CanRunResources
                && p.Allowed.TryGetValue(current, out var currentScore) && currentScore == p.Allowed[chosen])
                chosen = current;
        }
        Finalize(p, chosen, force: false);
    }

    public static void Finalize(PrimitiveNode p, NodeInfo? chosen, bool force)
    {
        if (!force && chosen is not null && (p.Allowed.GetValueOrDefault(chosen, -Scores.Inf) < 0 || !chosen.CanRunResources))
            chosen = null;
        Unassign(p);
        p.Provisional = false;
        if (chosen is null)
        {
            p.NextRole = Role.Stopped;
            return;
        }
        p.AssignedTo = chosen;
        chosen.AssignedCount++;
    }

    public static void Unassign(PrimitiveNode p)
    {
        if (p.AssignedTo is null) return;
        p.AssignedTo.AssignedCount--;
        p.AssignedTo = null;
        p.Provisional = true;
    }

    private static NodeInfo? AssignGroup(WorkingSet ws, GroupNode g, NodeInfo? prefer)
    {
        if (!g.Provisional) return g.Members.Count > 0 ? g.Members[0].AssignedTo : null;
        if (g.Assigning) return null;
        g.Assigning = true;
        if (g.Members.Count > 0) g.Role = g.Members[0].Role;
        g.ColocationsExpanded = true;

        // Constraints that name the group as dependent apply to its first member.
        if (g.Members.Count > 0)
        {
            foreach (var c in g.ThisWith) Assign(ws, c.Primary, null);
            foreach (var c in g.ThisWith) ColocationScores.ApplyToDependent(g.Members[0], c);
        }
        NodeInfo? first = null;
        foreach (var m in g.Members)
        {
            var node = AssignPrimitive(ws, m, prefer);
            first ??= node;
        }
        if (g.Members.Count > 0) g.NextRole = g.Members[0].NextRole;
        g.Assigning = false;
        g.Provisional = false;
        return first;
    }

    private static NodeInfo? AssignClone(WorkingSet ws, CloneNode clone)
    {
        if (!clone.Provisional) return null;
        if (clone.Assigning) return null;
        clone.Assigning = true;
        if (clone.Promotable) Promotion.AddPromotionScores(clone);

        foreach (var c in clone.ThisWith) Assign(ws, c.Primary, null);
        foreach (var c in clone.WithThis)
            clone.Allowed = ColocationScores.Merge(c.Dependent, clone.Allowed, c.Score / (float)Scores.Inf, forward: false, rollback: true, onlyPositive: true) ?? clone.Allowed;

        // A stable sort, as Pacemaker's list sort is: instances it cannot tell apart keep their order.
        var instances = clone.Instances.Order(new InstanceOrder(clone)).ToList();
        DistributeInstances(ws, clone, instances);
        // Roles are chosen as part of placing the clone: resources placed after it follow its promoted instances.
        if (clone.Promotable) Promotion.SetInstanceRoles(ws, clone, instances);

        clone.Assigning = false;
        clone.Provisional = false;
        return null;
    }

    /// <summary>
    /// Whether a clone's colocation binds each of its instances: mandatory and negative ones always do; an
    /// advisory positive one only when the clone does not run everywhere anyway (clone-max below the number of
    /// usable nodes), as Pacemaker passes them on.
    /// </summary>
    public static bool InstancesShare(CloneNode clone, Colocation c) =>
        c.Score >= Scores.Inf || c.Score < 0 || clone.CloneMax < clone.Allowed.Keys.Count(n => n.CanRunResources);

    private static void DistributeInstances(WorkingSet ws, CloneNode clone, List<ResourceNode> instances)
    {
        var max = clone.CloneMax;
        var perNode = clone.CloneNodeMax;
        var counts = ws.Nodes.ToDictionary(n => n, _ => 0);
        var available = ws.Nodes.Count(n => n.CanRunResources && clone.Allowed.GetValueOrDefault(n, -Scores.Inf) >= 0);
        var loopMax = available > 0 ? Math.Max(1, max / available) : 1;
        var assigned = 0;
        var attempts = new Dictionary<ResourceNode, int>();

        foreach (var inst in instances)
        {
            if (assigned >= max) break;
            if (!inst.IsActive || !IsProvisional(inst) || inst.Primitives().Any(p => p.Failed)) continue;
            var current = inst.CurrentNode!;
            if (counts[current] >= loopMax || !CanRunInstance(clone, current, counts, perNode)) continue;
            if (AssignInstance(ws, clone, inst, current, counts, perNode, attempts) is { } node)
            {
                counts[node]++;
                assigned++;
            }
        }

        foreach (var inst in instances)
        {
            if (!IsProvisional(inst)) continue;
            if (inst.Primitives().Any(p => p.Orphan) || assigned >= max)
            {
                foreach (var p in inst.Primitives()) Finalize(p, null, force: true);
                if (inst is GroupNode g) { g.Provisional = false; g.NextRole = Role.Stopped; }
                continue;
            }
            if (AssignInstance(ws, clone, inst, null, counts, perNode, attempts) is { } node)
            {
                counts[node]++;
                assigned++;
            }
        }
    }

    /// <summary>
    /// The clone's colocations that bind each instance: those with other resources that <see cref="InstancesShare"/>,
    /// and the anti-colocations of other resources with the clone, or all of them when there are fewer instances
    /// than nodes. Other dependents' wishes count only at the clone level (they order the instances), not in an
    /// instance's own scores: an instance stays where it runs rather than move to where a dependent wants one
    /// (seed 5141: a spare instance starts there instead).
    /// </summary>
    private static void InheritColocations(CloneNode clone, ResourceNode inst)
    {
        foreach (var c in clone.ThisWith.Where(c => InstancesShare(clone, c))) ColocationScores.ApplyToDependent(inst, c);
        if (inst is not PrimitiveNode p) return;
        var all = clone.CloneMax < clone.Allowed.Keys.Count(n => n.CanRunResources);
        foreach (var c in clone.WithThis.Where(c => c.Score < 0 || all))
            p.Allowed = ColocationScores.Merge(c.Dependent, p.Allowed, c.Score / (float)Scores.Inf, forward: false, rollback: true, onlyPositive: false) ?? p.Allowed;
    }

    private static bool IsProvisional(ResourceNode r) => r.Primitives().Any(p => p.Provisional);

    private static bool CanRunInstance(CloneNode clone, NodeInfo node, Dictionary<NodeInfo, int> counts, int perNode) =>
        node.CanRunResources && clone.Allowed.GetValueOrDefault(node, -Scores.Inf) >= 0 && counts[node] < perNode;

    private static NodeInfo? AssignInstance(WorkingSet ws, CloneNode clone, ResourceNode inst, NodeInfo? prefer, Dictionary<NodeInfo, int> counts, int perNode, Dictionary<ResourceNode, int> attempts)
    {
        var backup = inst.Primitives().ToDictionary(p => p, p => (Allowed: new NodeScoreTable(p.Allowed), p.NextRole));
        foreach (var p in inst.Primitives())
            foreach (var n in p.Allowed.Keys.ToList())
                if (!CanRunInstance(clone, n, counts, perNode)) p.Allowed[n] = -Scores.Inf;

        // The clone's own colocations reach an instance only as it is placed (Pacemaker hands them down then), so
        // they do not count when the instances are ordered: an instance whose node the primary leaves is still
        // placed first, and follows the primary instead of a spare instance starting there. Pacemaker keeps the
        // copies it handed down on an earlier attempt, so an instance that could not stay where it runs counts them
        // twice when it is placed again (seed 1034: an anti-colocation of -100 weighs -200 then).
        var copies = attempts[inst] = attempts.GetValueOrDefault(inst) + 1;
        for (var i = 0; i < copies; i++) InheritColocations(clone, inst);
        var chosen = Assign(ws, inst, prefer);
        if (chosen is not null && prefer is not null && chosen != prefer)
        {
            // Not where it runs now: undo, and let the second pass place it like any other instance.
            foreach (var p in inst.Primitives())
            {
                Unassign(p);
                p.Allowed = backup[p].Allowed;
                p.NextRole = backup[p].NextRole;
                p.Provisional = true;
            }
            if (inst is GroupNode g) g.Provisional = true;
            return null;
        }
        return chosen;
    }
}
