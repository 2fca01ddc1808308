using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Chooses which instances of a promotable clone are promoted, as Pacemaker 2.1 does while it assigns the clone:
/// promotion scores (node attributes "master-RSC") first pull instances towards preferred nodes, then each placed
/// instance gets a promotion priority (its score, promoted-role locations, role colocations), the instances are
/// ranked by the clone's node scores, and the best ones are promoted within promoted-max / promoted-node-max.
/// </summary>
internal static class Promotion
{
    private const string PromotionAttributePrefix = "master-";

    /// <summary>Before placement: an instance prefers nodes where it would be promoted (Pacemaker's
    /// pcmk__add_promotion_scores), so that a promotable resource is placed where it can be promoted.</summary>
    public static void AddPromotionScores(CloneNode clone)
    {
        foreach (var instance in clone.Instances)
        {
            var scores = ScoreTarget(instance);
            if (scores is null) continue;
            foreach (var node in scores.Allowed.Keys.ToList())
            {
                // A node that cannot run resources will never promote; scoring it could only shuffle instances.
                if (!node.CanRunResources) continue;
                var score = PromotionScore(instance, node, out _);
                if (score > 0) scores.Allowed[node] = Scores.Add(scores.Allowed[node], score);
                // The best score also ranks the instance for placement (Pacemaker reuses its priority for this):
                // an idle instance that would be promoted somewhere is placed before running ones that would not.
                if (score > instance.Priority) instance.Priority = score;
            }
        }
    }

    /// <summary>After placement: set every instance's next role (Promoted, Unpromoted or Stopped).
    /// placementOrder is the order the instances were placed in, which Pacemaker's stable sort keeps for ties.</summary>
    public static void SetInstanceRoles(WorkingSet ws, CloneNode clone, IReadOnlyList<ResourceNode> placementOrder)
    {
        foreach (var p in clone.Primitives())
            if (p.Role == Role.Started) p.Role = Role.Unpromoted;

        foreach (var instance in clone.Instances) SetPriority(ws, clone, instance);
        var ranked = Rank(clone, placementOrder);

        var perNode = new Dictionary<NodeInfo, int>();
        var promoted = 0;
        foreach (var instance in ranked)
        {
            NodeInfo? chosen = null;
            if (instance.PromotionSortIndex >= 0 && (promoted < clone.PromotedMax || !clone.Managed))
                chosen = NodeToBePromotedOn(clone, instance, instance.PromotionPriority, perNode);
            if (chosen is not null && CurrentRole(instance) < Role.Promoted && !ws.Input.HaveQuorum && ws.NoQuorumPolicy == NoQuorumPolicy.Freeze)
                chosen = null; // A frozen partition keeps what runs but promotes nothing new.
            if (chosen is null)
            {
                foreach (var p in instance.Primitives()) p.NextRole = p.AssignedTo is null ? Role.Stopped : Role.Unpromoted;
                continue;
            }
            perNode[chosen] = perNode.GetValueOrDefault(chosen) + 1;
            foreach (var p in instance.Primitives())
                if (p.NextRole == Role.Unknown) p.NextRole = Role.Promoted;
            promoted++;
        }
        // Always checked: promoting more than promoted-max would run two primaries of the same data.
        if (clone.Managed && promoted > clone.PromotedMax)
            throw new InvalidOperationException($"scheduler bug: {promoted} instances of {clone.Id} chosen for promotion, promoted-max is {clone.PromotedMax}");
    }

    /// <summary>The node an instance (or a cloned group's first member) is placed on.</summary>
    public static NodeInfo? AssignedNode(ResourceNode instance) => instance.Primitives().FirstOrDefault()?.AssignedTo;

    /// <summary>The role an instance is going to have (a cloned group's is its first member's).</summary>
    public static Role NextRole(ResourceNode instance) => instance.Primitives().FirstOrDefault()?.NextRole ?? Role.Stopped;

    private static Role CurrentRole(ResourceNode instance) =>
        instance.Primitives().Select(p => p.Role).DefaultIfEmpty(Role.Stopped).Max();

    /// <summary>Where promotion scores are added: the primitive, or a cloned group's first member (which leads
    /// the group's placement).</summary>
    private static PrimitiveNode? ScoreTarget(ResourceNode instance) => instance.Primitives().FirstOrDefault();

    private static void SetPriority(WorkingSet ws, CloneNode clone, ResourceNode instance)
    {
        var chosen = AssignedNode(instance);
        instance.PromotionPriority = instance.Priority;
        instance.PromotionSortIndex = 0;
        if (chosen is null) return;

        var first = instance.Primitives().FirstOrDefault();
        var next = first?.TargetRole == Role.Unpromoted ? Role.Unpromoted : NextRole(instance);
        int priority;
        switch (next)
        {
            case Role.Unknown or Role.Started:
                priority = PromotionScore(instance, chosen, out var isDefault);
                // Without a promotion score an instance is not promoted, yet -1 (not -INFINITY) still lets a
                // promoted-role location alone make it eligible.
                if (isDefault) priority = -1;
                break;
            case Role.Promoted:
                priority = instance.Priority;
                break;
            default:
                // Bound to stay unpromoted (target-role) or to stop.
                priority = -Scores.Inf;
                break;
        }

        foreach (var location in ws.Config.Locations)
        {
            if (location.Role != Role.Promoted || (location.Resource != clone.Id && location.Resource != instance.Id)) continue;
            foreach (var (node, score) in NodeScoresPhase.LocationEntries(ws, location))
                if (node == chosen) priority = Scores.Add(priority, score);
        }

        // Advisory colocations the instances do not share act on the clone's scores instead (Rank).
        foreach (var c in clone.ThisWith.Where(c => AssignmentPhase.InstancesShare(clone, c)).Concat(instance.ThisWith))
            if (c.DependentRole is Role.Promoted or Role.Unpromoted) priority = ApplyRoleColocation(priority, c, chosen);

        instance.PromotionPriority = priority;
        instance.PromotionSortIndex = next == Role.Promoted ? Scores.Inf : priority;
    }

    /// <summary>Pacemaker's colocation influence on promotion priority: with the primary here, the score counts
    /// (negated for the unpromoted role); a mandatory "promoted with" elsewhere rules promotion out.</summary>
    private static int ApplyRoleColocation(int priority, Colocation c, NodeInfo chosen)
    {
        var multiplier = c.DependentRole == Role.Unpromoted ? -1 : 1;
        if (c.Primary is CloneNode primaryClone)
        {
            var compatible = primaryClone.Instances.Any(i => AssignedNode(i) == chosen && (c.PrimaryRole is null || !primaryClone.Promotable || NextRole(i) == c.PrimaryRole));
            if (compatible) return Scores.Add(priority, multiplier * c.Score);
            return c.Score >= Scores.Inf && primaryClone.Promotable && c.PrimaryRole is not null ? -Scores.Inf : priority;
        }
        var primaryNode = AssignedNode(c.Primary);
        if (primaryNode is null) return priority;
        if (primaryNode != chosen)
            return c.Score >= Scores.Inf && c.DependentRole == Role.Promoted ? -Scores.Inf : priority;
        // A primitive is never promoted, so a colocation with its promoted role has no effect.
        if (c.PrimaryRole is Role.Promoted or Role.Unpromoted) return priority;
        return Scores.Add(priority, multiplier * c.Score);
    }

    /// <summary>
    /// Ranks instances for promotion: each instance's priority is added to the clone's score on its node, the
    /// clone's role colocations are merged in, and each instance takes its node's total (Pacemaker's
    /// sort_promotable_instances). Ties go to the instance already in the higher role, then to the placement order
    /// (by promotion priority): an instance whose current node it must leave ranks after one that stays (seed 5071).
    /// </summary>
    private static List<ResourceNode> Rank(CloneNode clone, IReadOnlyList<ResourceNode> placementOrder)
    {
        foreach (var instance in clone.Instances)
        {
            if (instance.PromotionSortIndex < 0 || AssignedNode(instance) is not { } node) continue;
            clone.Allowed[node] = Scores.Add(instance.PromotionSortIndex, clone.Allowed.GetValueOrDefault(node));
        }
        // The clone's own scores are what is merged into: the merges do not come back through the clone.
        clone.Merging = true;
        foreach (var c in clone.ThisWith.Where(c => c.DependentRole == Role.Promoted))
            clone.Allowed = ColocationScores.Merge(c.Primary, clone.Allowed, c.Score / (float)Scores.Inf, forward: false,
                rollback: c.Score < Scores.Inf, onlyPositive: false) ?? clone.Allowed;
        foreach (var c in clone.WithThis.Where(c => c.PrimaryRole == Role.Promoted))
            clone.Allowed = ColocationScores.Merge(c.Dependent, clone.Allowed, c.Score / (float)Scores.Inf, forward: false,
                rollback: true, onlyPositive: true) ?? clone.Allowed;
        clone.Merging = false;

        foreach (var instance in clone.Instances)
        {
            if (!instance.Managed && NextRole(instance) == Role.Promoted) instance.PromotionSortIndex = Scores.Inf;
            else if (AssignedNode(instance) is { } node && instance.PromotionSortIndex >= 0)
                instance.PromotionSortIndex = clone.Allowed.GetValueOrDefault(node);
        }
        return placementOrder
            .OrderByDescending(instance => instance.PromotionSortIndex)
            .ThenByDescending(CurrentRole)
            .ThenBy(instance => instance, new InstanceOrder(clone, instance => instance.PromotionPriority))
            .ToList();
    }

    private static NodeInfo? NodeToBePromotedOn(CloneNode clone, ResourceNode instance, int priority, Dictionary<NodeInfo, int> perNode)
    {
        // A cloned group is promoted only if every member can be.
        if (instance is GroupNode group && group.Members.Any(m => NodeToBePromotedOn(clone, m, m.Priority, perNode) is null)) return null;
        var node = AssignedNode(instance);
        if (node is null) return null;
        if (!instance.Managed)
        {
            // An unmanaged instance keeps whatever role it has.
            if (CurrentRole(instance) != Role.Promoted) return null;
        }
        else if (priority < 0 || !node.CanRunResources)
        {
            return null;
        }
        if (!clone.Allowed.ContainsKey(node)) return null;
        if (perNode.GetValueOrDefault(node) >= clone.PromotedNodeMax && instance.Managed) return null;
        return node;
    }

    /// <summary>
    /// An instance's promotion score on a node: the node attribute master-RSC (RSC as the history knows the
    /// instance, or the clone's child id), summed over a cloned group's members. isDefault is true when no
    /// attribute applies.
    /// </summary>
    private static int PromotionScore(ResourceNode instance, NodeInfo node, out bool isDefault)
    {
        isDefault = true;
        if (instance is not PrimitiveNode p)
        {
            var sum = 0;
            foreach (var member in instance.Primitives())
            {
                sum += PromotionScore(member, node, out var memberDefault);
                isDefault &= memberDefault;
            }
            return sum;
        }
        if (!ScoreApplies(p, node)) return 0;
        var value = node.Attribute(PromotionAttributePrefix + p.HistoryId);
        if (value is null && !p.Unique) value = node.Attribute(PromotionAttributePrefix + UnpackHistoryPhase.BaseId(p.Id));
        if (value is null) return 0;
        isDefault = false;
        return Score.TryParse(value, out var s) ? s.Value : 0;
    }

    /// <summary>
    /// Whether a promotion score on a node counts for this instance: an anonymous instance owns the score of the
    /// node it runs on, or of a node where no instance runs but the resource was probed; otherwise the score counts
    /// where this instance's state is known, or everywhere when it is known nowhere (cluster start-up).
    /// </summary>
    private static bool ScoreApplies(PrimitiveNode p, NodeInfo node)
    {
        bool Allowed() => p.Allowed.TryGetValue(node, out var w) && w >= 0;
        if (!p.Unique && p.Top is CloneNode clone)
        {
            var sameChild = clone.Primitives().Where(o => o.HistoryId == p.HistoryId).ToList();
            var active = sameChild.FirstOrDefault(o => o.RunningOn.Contains(node));
            if (active == p) return Allowed();
            if (active is null && sameChild.Any(o => o.KnownOn.Contains(node))) return Allowed();
        }
        if (p.RunningOn.Count == 0 && p.KnownOn.Count == 0) return Allowed();
        return (p.KnownOn.Contains(node) || p.RunningOn.Contains(node)) && Allowed();
    }
}
