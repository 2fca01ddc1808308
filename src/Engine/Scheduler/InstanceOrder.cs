namespace HaApi.Engine.Scheduler;

/// <summary>
/// The order in which a clone's instances are placed (Pacemaker's instance comparison): an instance active on fewer
/// nodes first; one active on a node it may no longer use after the others; higher priority first; active before
/// inactive; on a node that can run resources and that the clone may use; healthy before failed; on the node the
/// clone's colocations prefer; then by id. Promotion ranks ties the same way, but by promotion priority (Pacemaker
/// overwrites an instance's priority with it before sorting), hence the optional priority.
/// </summary>
internal sealed class InstanceOrder(CloneNode clone, Func<ResourceNode, int>? priority = null) : IComparer<ResourceNode>
{
    public int Compare(ResourceNode? a, ResourceNode? b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var activeA = ActiveNodes(a);
        var activeB = ActiveNodes(b);
        if (activeA > 0 && activeB > 0 && activeA != activeB) return activeA.CompareTo(activeB);

        var nodeA = a.CurrentNode;
        var nodeB = b.CurrentNode;
        var allowedA = IsAllowed(a, ref nodeA);
        var allowedB = IsAllowed(b, ref nodeB);
        if (allowedA != allowedB) return allowedA ? -1 : 1;

        var priorityA = priority?.Invoke(a) ?? a.Priority;
        var priorityB = priority?.Invoke(b) ?? b.Priority;
        if (priorityA != priorityB) return priorityB.CompareTo(priorityA);

        if (nodeA is null || nodeB is null) return nodeA is null ? (nodeB is null ? 0 : 1) : -1;

        if (nodeA.CanRunResources != nodeB.CanRunResources) return nodeA.CanRunResources ? -1 : 1;

        var parentA = clone.Allowed.ContainsKey(nodeA);
        var parentB = clone.Allowed.ContainsKey(nodeB);
        if (!parentA && !parentB) return 0;
        if (parentA != parentB) return parentA ? -1 : 1;

        var failedA = a.Primitives().Any(p => p.Failed);
        var failedB = b.Primitives().Any(p => p.Failed);
        if (failedA != failedB) return failedA ? 1 : -1;

        var colocatedA = ColocatedScore(nodeA);
        var colocatedB = ColocatedScore(nodeB);
        if (colocatedA != colocatedB) return colocatedB.CompareTo(colocatedA);

        return string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>How much the clone's colocations like an instance's current node: the instance whose node its
    /// primaries and dependents prefer is placed first, so that it keeps that node.</summary>
    private int ColocatedScore(NodeInfo node)
    {
        NodeScoreTable? scores = new() { [node] = 0 };
        foreach (var c in clone.ThisWith.Where(c => c.Score != 0))
            scores = ColocationScores.Merge(c.Primary, scores, c.Score / (float)Scores.Inf, forward: false, rollback: false, onlyPositive: false) ?? scores;
        foreach (var c in clone.WithThis)
            scores = ColocationScores.Merge(c.Dependent, scores, c.Score / (float)Scores.Inf, forward: false, rollback: false, onlyPositive: true) ?? scores;
        return scores.GetValueOrDefault(node);
    }

    private static int ActiveNodes(ResourceNode instance) =>
        instance.Primitives().SelectMany(p => p.RunningOn).Distinct().Count();

    /// <summary>False (and forgets the node) when the instance runs where it may no longer run.</summary>
    private static bool IsAllowed(ResourceNode instance, ref NodeInfo? node)
    {
        if (node is null) return true;
        if (instance.Allowed.TryGetValue(node, out var w) && w >= 0) return true;
        node = null;
        return false;
    }
}
