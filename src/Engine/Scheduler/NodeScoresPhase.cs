using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Initial node scores of every resource: 0 everywhere in a symmetric cluster, then location constraints (fixed
/// node or rules), stickiness on the current node, and bans for failures (migration-threshold reached, failed
/// stops, missing agents), in Pacemaker's order.
/// </summary>
internal static class NodeScoresPhase
{
    public static void AddBan(ResourceNode rsc, NodeInfo node) => rsc.AddBan(node);

    public static void Run(WorkingSet ws)
    {
        // Every resource starts from the same table: built once, copied for each.
        var initial = new NodeScoreTable(ws.SymmetricCluster ? ws.Nodes.Count : 0);
        if (ws.SymmetricCluster)
            foreach (var n in ws.Nodes) initial[n] = 0;
        foreach (var rsc in ws.ById.Values) rsc.Allowed = new NodeScoreTable(initial);
        // A top-level resource is registered by id too, unless another resource took its id (a broken CIB).
        foreach (var rsc in ws.Resources)
            if (ws.ById.GetValueOrDefault(rsc.Id) != rsc) rsc.Allowed = new NodeScoreTable(initial);

        foreach (var location in ws.Config.Locations)
        {
            if (!ws.ById.TryGetValue(location.Resource, out var rsc)) continue;
            if (location.Role is Role.Promoted or Role.Unpromoted) continue; // Only affects promotion.
            // A move with a lifetime (pcs resource move --lifetime) stops counting once it has expired.
            if (location.Lifetime is { } until && until <= ws.Input.Now) continue;
            ApplyLocation(rsc, LocationEntries(ws, location), first: true);
        }

        foreach (var top in ws.Resources) ApplyStickiness(ws, top);

        var primitives = ws.AllPrimitives();
        foreach (var node in ws.Nodes)
        {
            // Most nodes hold no fail count at all: nothing to check against any resource's threshold.
            if (!node.HasFailCounts) continue;
            foreach (var p in primitives)
                CheckFailureThreshold(ws, p, node);
        }

        foreach (var rsc in ws.ById.Values)
            for (var i = 0; i < rsc.Bans.Count; i++) BanEverywhereBelow(rsc, rsc.Bans[i]);
    }

    /// <summary>The nodes a location constraint scores, with their scores (fixed node, or each rule that matches).</summary>
    public static List<(NodeInfo Node, int Score)> LocationEntries(WorkingSet ws, LocationConstraint location)
    {
        var entries = new List<(NodeInfo Node, int Score)>();
        if (location.Node is { } nodeName && ws.FindNode(nodeName) is { } fixedNode)
            entries.Add((fixedNode, location.Score?.Value ?? 0));
        foreach (var rule in location.Rules)
        {
            foreach (var node in ws.Nodes)
            {
                if (!RuleEvaluator.Matches(rule, node)) continue;
                var score = rule.Score.Value;
                if (rule.ScoreAttribute is { } attr)
                {
                    if (node.Attribute(attr) is not { } v || !Score.TryParse(v, out var s)) continue;
                    score = s.Value;
                }
                entries.Add((node, score));
            }
        }
        return entries;
    }

    private static void BanEverywhereBelow(ResourceNode rsc, NodeInfo node)
    {
        rsc.Allowed[node] = -Scores.Inf;
        foreach (var child in rsc.Children) BanEverywhereBelow(child, node);
    }

    /// <summary>A group passes a location to its first member in full and to the others at score 0 (they follow
    /// the first member anyway); clones pass it to every instance.</summary>
    public static void ApplyLocation(ResourceNode rsc, List<(NodeInfo Node, int Score)> entries, bool first)
    {
        foreach (var (node, score) in entries)
            rsc.Allowed[node] = rsc.Allowed.TryGetValue(node, out var w) ? Scores.Add(w, score) : score;
        switch (rsc)
        {
            case GroupNode g:
                var zero = entries.Select(e => (e.Node, 0)).ToList();
                for (var i = 0; i < g.Members.Count; i++) ApplyLocation(g.Members[i], i == 0 ? entries : zero, first);
                break;
            case CloneNode c:
                foreach (var instance in c.Instances) ApplyLocation(instance, entries, first);
                break;
        }
    }

    private static void ApplyStickiness(WorkingSet ws, ResourceNode rsc)
    {
        if (rsc is not PrimitiveNode p)
        {
            foreach (var child in rsc.Children) ApplyStickiness(ws, child);
            return;
        }
        if (!p.Managed || p.Stickiness < 1 || p.RunningOn.Count != 1) return;
        var node = p.RunningOn[0];
        if (!ws.SymmetricCluster && !p.Allowed.ContainsKey(node)) return;
        p.Allowed[node] = p.Allowed.TryGetValue(node, out var w) ? Scores.Add(w, p.Stickiness) : p.Stickiness;
    }

    private static void CheckFailureThreshold(WorkingSet ws, PrimitiveNode p, NodeInfo node)
    {
        if (p.MigrationThreshold <= 0 || node.State is null) return;
        // A resource whose agent changed starts with a clean slate on that node (its fail count is cleared).
        if (p.AgentChangedOn.Contains(node)) return;
        var failCount = FailureExpiry.EffectiveFailCount(ws, p, node);
        if (failCount <= 0) return;
        if (p.MigrationThreshold - failCount > 0) return;
        // An anonymous clone instance that failed pushes the whole clone away from the node.
        ResourceNode banned = p.Unique ? p : p.Top;
        AddBan(banned, node);
    }
}
