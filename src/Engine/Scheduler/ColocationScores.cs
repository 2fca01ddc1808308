using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// How colocations change node scores: a dependent follows (or avoids) where its primary was placed, and a
/// primary takes its dependents' preferences into account (scaled by score/INFINITY) before it is placed.
/// </summary>
internal static class ColocationScores
{
    /// <summary>Apply "dependent with primary" once the primary is placed (Pacemaker's colocation_match).</summary>
    public static void ApplyToDependent(ResourceNode dependent, Colocation c)
    {
        // A colocation of the dependent's promoted or unpromoted role decides promotion, not placement.
        if (c.DependentRole is Role.Promoted or Role.Unpromoted) return;
        switch (dependent)
        {
            case GroupNode g:
                if (g.Members.Count > 0) ApplyToDependent(g.Members[0], c);
                return;
            case CloneNode clone:
                foreach (var instance in clone.Instances) ApplyToDependent(instance, c);
                return;
        }

        var primary = c.Primary;
        // Only clone instances are ever promoted: "with the promoted role" of anything else never holds.
        if (c.PrimaryRole is Role.Promoted or Role.Unpromoted && primary is not CloneNode { Promotable: true }) return;
        switch (primary)
        {
            case GroupNode g when g.Members.Count > 0:
                Match(dependent, c.Score, (c.Score >= Scores.Inf ? g.Members[^1] : g.Members[0]).AssignedTo);
                return;
            case CloneNode { Promotable: true } clone when c.PrimaryRole is Role.Promoted or Role.Unpromoted:
                WithPromotableRole(dependent, clone, c);
                return;
            case CloneNode clone when c.Dependent is CloneNode { Interleave: true } owner && owner != clone && c.DependentRole is null && c.PrimaryRole is null:
                WithInterleavedPeer(dependent, owner, clone, c);
                return;
            case CloneNode clone when c.Score >= Scores.Inf:
                var nodes = clone.Primitives().Where(p => !p.Blocked).Select(p => p.AssignedTo).OfType<NodeInfo>().Distinct().ToList();
                foreach (var n in dependent.Allowed.Keys.ToList())
                    if (!nodes.Contains(n)) dependent.Allowed[n] = -Scores.Inf;
                return;
            case CloneNode clone:
                // Instance by instance, as Pacemaker does: one placed nowhere takes its score off every node (rolled
                // back if that leaves no node), so spare instances make the clone's nodes less attractive (seed 7207).
                foreach (var instance in clone.Instances)
                {
                    if (instance.Primitives().Any(p => p.Orphan || p.Blocked)) continue;
                    if (Promotion.AssignedNode(instance) is { } node) Match(dependent, c.Score, node);
                    else if (c.Score > 0) Subtract(dependent, c.Score);
                }
                return;
            case PrimitiveNode p:
                Match(dependent, c.Score, p.AssignedTo);
                return;
        }
    }

    /// <summary>
    /// An instance of an interleaved clone colocated with another clone follows one instance of it: the one on its
    /// own node once placed, else the one on the first node of its own sorted scores that has one (Pacemaker's
    /// compatible child; so b:0 may leave a node where an A instance stays, seed 3036). With none to pair with, a
    /// mandatory colocation leaves it nowhere to run. Clones that allow different numbers of instances per node
    /// cannot interleave, and Pacemaker then ignores the colocation.
    /// </summary>
    private static void WithInterleavedPeer(ResourceNode dependent, CloneNode owner, CloneNode primary, Colocation c)
    {
        if (owner.CloneNodeMax != primary.CloneNodeMax) return;
        var placed = dependent.Primitives().Select(p => p.AssignedTo).FirstOrDefault(n => n is not null);
        var candidates = placed is not null ? [placed] : AssignmentPhase.SortNodes(dependent.Allowed, null);
        var peerNode = candidates.FirstOrDefault(n => primary.Instances.Any(i => i.Primitives().Any(p => p.AssignedTo == n)));
        if (peerNode is not null)
        {
            Match(dependent, c.Score, peerNode);
            return;
        }
        if (c.Score >= Scores.Inf)
            foreach (var n in dependent.Allowed.Keys.ToList()) dependent.Allowed[n] = -Scores.Inf;
    }

    /// <summary>
    /// "Dependent with the promoted (or unpromoted) instances of a clone": an advisory score goes to each node where
    /// such an instance will be; a mandatory one confines the dependent to those nodes, adding the instance's node
    /// score (except promoted-with-promoted, which must still let unpromoted dependents start elsewhere).
    /// </summary>
    private static void WithPromotableRole(ResourceNode dependent, CloneNode primary, Colocation c)
    {
        var affected = new Dictionary<NodeInfo, int>();
        foreach (var instance in primary.Instances)
        {
            if (Promotion.AssignedNode(instance) is not { } node || Promotion.NextRole(instance) != c.PrimaryRole) continue;
            if (c.Score < Scores.Inf && dependent.Allowed.TryGetValue(node, out var w)) dependent.Allowed[node] = Scores.Add(w, c.Score);
            affected.TryAdd(node, instance.Primitives().First().Allowed.GetValueOrDefault(node));
        }
        if (c.Score < Scores.Inf || (c.DependentRole == Role.Promoted && c.PrimaryRole == Role.Promoted)) return;
        foreach (var n in dependent.Allowed.Keys.ToList())
            dependent.Allowed[n] = affected.TryGetValue(n, out var weight) ? Scores.Add(dependent.Allowed[n], weight) : -Scores.Inf;
        foreach (var (n, weight) in affected) dependent.Allowed.TryAdd(n, weight);
    }

    private static void Match(ResourceNode dependent, int score, NodeInfo? primaryNode)
    {
        if (primaryNode is null && score < 0) return;
        // Mandatory colocations apply even when nothing is left, so they change the scores in place; advisory ones
        // work on a copy to roll back to (a copy per group member, as every member follows the one before it
        // mandatorily, would be one more table per primitive that lives until the run ends).
        var mandatory = score >= Scores.Inf || score <= -Scores.Inf;
        var work = mandatory ? dependent.Allowed : new NodeScoreTable(dependent.Allowed);
        // Only scores change, never the keys: iterating them leaves the scores free to change.
        foreach (var n in dependent.Allowed.Keys)
        {
            if (primaryNode is not null && n == primaryNode)
            {
                if (score < Scores.Inf) work[n] = Scores.Add(score, work[n]);
            }
            else if (score >= Scores.Inf)
            {
                work[n] = -Scores.Inf;
            }
        }
        if (!mandatory && AnyAvailable(work)) dependent.Allowed = work;
    }

    private static void Subtract(ResourceNode dependent, int score)
    {
        var work = new NodeScoreTable(dependent.Allowed);
        foreach (var n in dependent.Allowed.Keys) work[n] = Scores.Add(-score, work[n]);
        if (AnyAvailable(work)) dependent.Allowed = work;
    }

    /// <summary>The colocations whose dependents' wishes count for rsc's scores: its own and, for the last member
    /// of a group being placed, the group's (seed 5124: a dependent of the group pulls its first member through the
    /// members' chain of colocations).</summary>
    public static (IReadOnlyList<Colocation> Own, IReadOnlyList<Colocation> Group) WithThisForScores(ResourceNode rsc) =>
        rsc is PrimitiveNode { Parent: GroupNode { ColocationsExpanded: true } g } && g.Members[^1] == rsc
            ? (rsc.WithThis, g.WithThis)
            : (rsc.WithThis, Empty<Colocation>.List);

    public static bool AnyAvailable(NodeScoreTable nodes)
    {
        foreach (var (node, weight) in nodes)
            if (weight >= 0 && node.CanRunResources) return true;
        return false;
    }

    /// <summary>
    /// Pacemaker's merge_weights: a copy of <paramref name="nodes"/> (or of rsc's own scores when null) with
    /// rsc's preferences added at <paramref name="factor"/>, recursing through rsc's own colocations.
    /// Forward follows "this with" (for sorting), otherwise "with this" (dependents' wishes).
    /// </summary>
    public static NodeScoreTable? Merge(ResourceNode rsc, NodeScoreTable? nodes, float factor, bool forward, bool rollback, bool onlyPositive)
    {
        // A resource already being merged further up the chain ends the recursion (Pacemaker's merging flag: a flag
        // on the resource rather than a set per call, as this runs for every colocated resource while placing).
        if (rsc.Merging) return nodes;
        rsc.Merging = true;
        try
        {
            if (rsc is GroupNode g && g.Members.Count > 0)
            {
                var result = Merge(g.Members[0], nodes, factor, forward, rollback, onlyPositive);
                if (!forward && !g.ColocationsExpanded)
                {
                    // Indexed loops over the colocation lists here and below: a foreach through the read-only
                    // interface boxes an enumerator per call.
                    for (var i = 0; i < g.WithThis.Count; i++)
                    {
                        var c = g.WithThis[i];
                        result = Merge(c.Dependent, result, factor * c.Score / Scores.Inf, forward, true, onlyPositive);
                    }
                }
                return result;
            }

            NodeScoreTable work;
            if (nodes is null) work = new NodeScoreTable(rsc.Allowed);
            else
            {
                work = new NodeScoreTable(nodes);
                AddMatching(work, nodes.Keys, rsc, factor, onlyPositive);
            }

            if (AnyAvailable(work))
            {
                if (forward) work = MergeEach(rsc.ThisWith, work, factor, forward: true, onlyPositive);
                else
                {
                    var (own, group) = WithThisForScores(rsc);
                    work = MergeEach(own, work, factor, forward: false, onlyPositive);
                    work = MergeEach(group, work, factor, forward: false, onlyPositive);
                }
            }

            if (nodes is not null && rollback && !AnyAvailable(work)) return nodes;
            return work;
        }
        finally
        {
            rsc.Merging = false;
        }
    }

    private static NodeScoreTable MergeEach(IReadOnlyList<Colocation> colocations, NodeScoreTable work, float factor, bool forward, bool onlyPositive)
    {
        for (var i = 0; i < colocations.Count; i++)
        {
            var c = colocations[i];
            var other = forward ? c.Primary : c.Dependent;
            if (forward && c.Id == "group:internal_colocation") continue;
            // Pacemaker 2.1.5 scales a nested colocation by its own score and only the sign of the chain
            // so far: an anti-colocation with a group repels from every member's node (it does not
            // attract to the members' own preferences), and a dependent's dependent counts as much as
            // the dependent's own colocation (seed 5019: rsc3 with rsc1 with rsc2 adds 100, not 1).
            work = Merge(other, work, (factor < 0 ? -1 : 1) * (float)c.Score / Scores.Inf, forward, true, onlyPositive) ?? work;
        }
        return work;
    }

    /// <param name="keys">work's keys in work's order (those of the dictionary it was copied from), so that work can
    /// change while they are enumerated.</param>
    private static void AddMatching(NodeScoreTable work, ArraySegment<NodeInfo> keys, ResourceNode rsc, float factor, bool onlyPositive)
    {
        foreach (var node in keys)
        {
            // With the default #uname attribute the best matching node is the node itself.
            var score = rsc.Allowed.TryGetValue(node, out var w) && node.CanRunResources ? w : -Scores.Inf;
            if (factor < 0 && score < 0) continue;
            if (onlyPositive && score < 0) continue;
            int weight;
            if (score >= Scores.Inf || score <= -Scores.Inf)
            {
                weight = factor > 0 ? score : -score;
                if (factor == 0) weight = 0;
                else if (Math.Abs(factor) < 1) weight = (int)Math.Round(factor * score, MidpointRounding.AwayFromZero);
            }
            else
            {
                var f = factor * score;
                weight = (int)(f < 0 ? f - 0.5f : f + 0.5f);
            }
            if (weight == 0 && score != 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
            var current = work[node];
            var updated = Scores.Add(weight, current);
            if (onlyPositive && updated < 0 && current > 0) updated = 1;
            else if (onlyPositive && updated < 0 && current == 0) continue;
            work[node] = updated;
        }
    }
}
