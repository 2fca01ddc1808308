using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Live migrations (allow-migrate): orders each planned migration (migrate_to, then migrate_from, then the stop on
/// the old node and the pseudo start on the new one), and turns back into a plain move every migration Pacemaker
/// cannot do. A resource that must start after something which stops and starts again (a mandatory, symmetrical
/// order "X then R", or the previous member of its group) would need R's migration to finish before X stops and
/// X to start before R migrates: Pacemaker 2.1.5 drops the migration and moves R by stop and start, reporting
/// "unrunnable X stop" (checked against crm_simulate).
/// </summary>
internal static class MigrationPhase
{
    public static void Run(WorkingSet ws)
    {
        var migrating = ws.AllPrimitives().Where(p => p.MigrationSource is not null).ToList();
        if (migrating.Count == 0) return;
        // Abandoning one migration can make its dependents' migrations impossible in turn; each round abandons at
        // least one, so the loop is bounded by the number of migrations.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var p in migrating.Where(p => p.MigrationSource is not null))
            {
                if (RestartingPrerequisite(ws, p) is not { } blocker) continue;
                Abandon(p, blocker);
                changed = true;
            }
        }
        migrating.RemoveAll(p => p.MigrationSource is null);
        var prerequisites = StartPrerequisites(ws, migrating);
        foreach (var p in migrating) Order(ws, p, prerequisites[p]);
    }

    /// <summary>
    /// What each migrating resource's start is ordered after, by one pass over the orderings (there is no index of
    /// orderings by action until all are added). Ordering one migration adds none into another's start.
    /// </summary>
    private static Dictionary<PrimitiveNode, List<ActionNode>> StartPrerequisites(WorkingSet ws, List<PrimitiveNode> migrating)
    {
        var byStart = new Dictionary<ActionNode, List<ActionNode>>();
        var result = new Dictionary<PrimitiveNode, List<ActionNode>>();
        foreach (var p in migrating)
        {
            var firsts = new List<ActionNode>();
            byStart.Add(p.FindAction("start", p.AssignedTo)!, firsts);
            result.Add(p, firsts);
        }
        foreach (var e in ws.Orderings)
            if (e.First.Resource != e.Then.Resource && byStart.TryGetValue(e.Then, out var firsts)) firsts.Add(e.First);
        return result;
    }

    /// <summary>After propagation: a migration whose start became unrunnable cannot run either.</summary>
    public static void Settle(WorkingSet ws)
    {
        var settled = new HashSet<PrimitiveNode>();
        foreach (var p in ws.AllPrimitives().Where(p => p.MigrationSource is not null))
        {
            var start = p.FindAction("start", p.AssignedTo);
            var stop = p.FindAction("stop", p.MigrationSource);
            if (start is { Runnable: true } && stop is not { Runnable: false }) continue;
            foreach (var a in MigrationActions(p)) a.Runnable = false;
            if (start is not null) start.Pseudo = false;
            settled.Add(p);
            // The previous group member's stop no longer migrates either, and Pacemaker names it as the reason this
            // member's stop cannot migrate (seed 7009).
            if (p.Parent is GroupNode g && g.Members.IndexOf(p) is > 0 and var index && g.Members[index - 1] is PrimitiveNode previous && settled.Contains(previous))
                stop?.SetReason($"unrunnable {previous.Id} stop", overwrite: true);
        }
    }

    private static IEnumerable<ActionNode> MigrationActions(PrimitiveNode p) => p.Actions.Where(a => a.Task is "migrate_to" or "migrate_from");

    /// <summary>The resource R must start after (mandatory and symmetrical, or group order) that stops without migrating.</summary>
    private static ResourceNode? RestartingPrerequisite(WorkingSet ws, PrimitiveNode p)
    {
        if (p.Parent is GroupNode g && g.Members.IndexOf(p) is > 0 and var index && Restarts(g.Members[index - 1])) return g.Members[index - 1];
        // Only R's own orders count: "X then R's group" stops the group's pseudo stop before X, not R's stop, so R
        // still migrates (seed 6009).
        foreach (var c in ws.Config.Orders)
        {
            if (c.Kind != OrderKind.Mandatory || !c.Symmetrical || c.FirstAction != ResourceAction.Start || c.ThenAction != ResourceAction.Start) continue;
            if (c.Then != p.Id || !ws.ById.TryGetValue(c.First, out var first)) continue;
            if (first is GroupNode ? Stops(first) : first is not CloneNode && Restarts(first)) return first;
        }
        return null;
    }

    /// <summary>Stops and starts again (moves or restarts) without migrating; one that only stops blocks the start
    /// itself, which the usual "unrunnable X start" covers.</summary>
    private static bool Restarts(ResourceNode rsc) =>
        rsc.Primitives().Any(m => m.MigrationSource is null && m.AssignedTo is not null
                                  && m.Actions.Any(a => a.Task == "stop" && !a.Optional) && m.Actions.Any(a => a.Task == "start" && !a.Optional));

    /// <summary>A group's stop is a pseudo action that never migrates: once any member stops (even by migrating),
    /// a resource that must stop before the group cannot migrate (seed 5196).</summary>
    private static bool Stops(ResourceNode rsc) => rsc.Primitives().Any(m => m.Actions.Any(a => a.Task == "stop" && !a.Optional));

    private static void Abandon(PrimitiveNode p, ResourceNode blocker)
    {
        foreach (var a in MigrationActions(p))
        {
            a.Optional = true;
            a.Runnable = false;
        }
        p.FindAction("start", p.AssignedTo)!.Pseudo = false;
        p.FindAction("stop", p.MigrationSource)?.SetReason($"unrunnable {blocker.Id} stop", overwrite: true);
        p.MigrationSource = null;
    }

    /// <summary>
    /// migrate_to before migrate_from, which comes before the stop on the old node and the pseudo start; whatever the
    /// start waits for, migrate_to waits for too (Pacemaker's migration-equivalent orderings).
    /// </summary>
    private static void Order(WorkingSet ws, PrimitiveNode p, List<ActionNode> startPrerequisites)
    {
        var migrateTo = p.FindAction("migrate_to", p.MigrationSource)!;
        var migrateFrom = p.FindAction("migrate_from", p.AssignedTo)!;
        var start = p.FindAction("start", p.AssignedTo)!;
        ws.Order(migrateTo, migrateFrom, OrderFlags.RunnableLeft);
        foreach (var stop in p.Actions.Where(a => a.Task == "stop")) ws.Order(migrateFrom, stop, OrderFlags.None);
        ws.Order(migrateFrom, start, OrderFlags.RunnableLeft);
        foreach (var prerequisite in startPrerequisites)
        {
            // Two migrations in a row: the second waits for the first's migrate_from, not for its start (a pseudo
            // action that itself waits for the first's stop, which may wait for the second's stop).
            var first = prerequisite is { Task: "start", Resource: PrimitiveNode { MigrationSource: not null } q } ? q.FindAction("migrate_from", q.AssignedTo)! : prerequisite;
            ws.Order(first, migrateTo, OrderFlags.None);
        }
    }
}
