using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Orders actions: each resource stops before it starts, group members start in order and stop in reverse,
/// clones and groups have "running"/"stopped" points, and every rsc_order adds its edges (mandatory ones also
/// propagate "required" and "cannot run"; symmetrical ones add the reverse order for stops).
/// </summary>
internal static class OrderingPhase
{
    public static void Run(WorkingSet ws)
    {
        // A resource's own orderings come to two or three per action; sized once, the list of a large cluster's
        // orderings (megabytes) is not copied over and over while it grows.
        ws.Orderings.EnsureCapacity(ws.Orderings.Count + 3 * ws.Actions.Count);
        // Pacemaker's order of creation, which decides the order orderings are applied in (and so which reason an
        // action keeps): resources in their sorted order, each child's own orderings just before its parent's for it.
        foreach (var rsc in ws.Resources) Internal(ws, rsc);
        var applied = new HashSet<(string, string, string, string)>();
        foreach (var c in ws.Config.Orders) Constraint(ws, c, applied);
    }

    private static void Internal(WorkingSet ws, ResourceNode rsc)
    {
        switch (rsc)
        {
            case PrimitiveNode p:
                OrderEach(ws, p, "stop", "start", OrderFlags.ImpliesThen | OrderFlags.Restart);
                OrderEach(ws, p, "demote", "stop", OrderFlags.ImpliesFirst);
                OrderEach(ws, p, "start", "promote", OrderFlags.RunnableLeft);
                break;
            case GroupNode g:
                {
                    var start = g.FindAction("start")!;
                    var running = g.FindAction("running")!;
                    var stop = g.FindAction("stop")!;
                    var stopped = g.FindAction("stopped")!;
                    ws.Order(start, running, OrderFlags.RunnableLeft);
                    ws.Order(stop, stopped, OrderFlags.RunnableLeft);
                    // Two lists reused for every member: a member has one action of each kind, and a list per lookup
                    // was most of what ordering a large cluster allocated.
                    var firsts = new List<ActionNode>(2);
                    var thens = new List<ActionNode>(2);
                    PrimitiveNode? last = null;
                    foreach (var m in g.Members)
                    {
                        Internal(ws, m);
                        foreach (var a in Find(ws, m, "start", asFirst: false, thens)) ws.Order(start, a, OrderFlags.None);
                        foreach (var a in Find(ws, m, "stop", asFirst: false, thens)) ws.Order(stop, a, OrderFlags.None);
                        foreach (var a in Find(ws, m, "stop", asFirst: true, firsts)) ws.Order(a, stopped, last is null ? OrderFlags.ImpliesThen : OrderFlags.None);
                        foreach (var a in Find(ws, m, "start", asFirst: true, firsts)) ws.Order(a, running, OrderFlags.RunnableLeft | OrderFlags.ImpliesThen);
                        if (last is not null)
                        {
                            foreach (var f in Find(ws, last, "start", asFirst: true, firsts))
                                foreach (var t in Find(ws, m, "start", asFirst: false, thens))
                                    ws.Order(f, t, OrderFlags.ImpliesThen | OrderFlags.RunnableLeft);
                            foreach (var f in Find(ws, m, "stop", asFirst: true, firsts))
                                foreach (var t in Find(ws, last, "stop", asFirst: false, thens))
                                    ws.Order(f, t, OrderFlags.Restart);
                        }
                        last = m;
                    }
                    if (last is not null)
                        foreach (var t in Find(ws, last, "stop", asFirst: false, thens)) ws.Order(stop, t, OrderFlags.ImpliesThen);
                    break;
                }
            case CloneNode c:
                {
                    var start = c.FindAction("start")!;
                    var running = c.FindAction("running")!;
                    var stop = c.FindAction("stop")!;
                    var stopped = c.FindAction("stopped")!;
                    ws.Order(start, running, OrderFlags.None);
                    ws.Order(stop, stopped, OrderFlags.None);
                    var found = new List<ActionNode>(2);
                    foreach (var i in c.Instances)
                    {
                        Internal(ws, i);
                        foreach (var a in Find(ws, i, "start", asFirst: false, found)) ws.Order(start, a, OrderFlags.None);
                        foreach (var a in Find(ws, i, "stop", asFirst: false, found)) ws.Order(stop, a, OrderFlags.None);
                        foreach (var a in Find(ws, i, "start", asFirst: true, found)) ws.Order(a, running, OrderFlags.RunnableLeft | OrderFlags.ImpliesThen);
                        foreach (var a in Find(ws, i, "stop", asFirst: true, found)) ws.Order(a, stopped, OrderFlags.ImpliesThen);
                    }
                    if (c.Promotable) PromotableInternal(ws, c);
                    break;
                }
        }
    }

    /// <summary>Orders each of the primitive's <paramref name="first"/> actions before each of its
    /// <paramref name="then"/> actions, in action order (plain loops: this runs for every primitive).</summary>
    private static void OrderEach(WorkingSet ws, PrimitiveNode p, string first, string then, OrderFlags flags)
    {
        foreach (var f in p.Actions)
        {
            if (f.Task != first) continue;
            foreach (var t in p.Actions)
                if (t.Task == then) ws.Order(f, t, flags);
        }
    }

    /// <summary>
    /// A promotable clone's instances demote before they promote, and the clone's promote/demote points wrap its
    /// instances' promotions and demotions (only existing actions: an instance that keeps its role has none).
    /// </summary>
    private static void PromotableInternal(WorkingSet ws, CloneNode c)
    {
        var promote = c.FindAction("promote")!;
        var promoted = c.FindAction("promoted")!;
        var demote = c.FindAction("demote")!;
        var demoted = c.FindAction("demoted")!;
        ws.Order(promote, promoted, OrderFlags.None);
        ws.Order(demote, demoted, OrderFlags.None);
        foreach (var p in c.Primitives())
        {
            var promotes = p.Actions.Where(a => a.Task == "promote" && a.Node is not null).ToList();
            var demotes = p.Actions.Where(a => a.Task == "demote" && a.Node is not null).ToList();
            foreach (var a in promotes)
            {
                ws.Order(promote, a, OrderFlags.None);
                ws.Order(a, promoted, OrderFlags.RunnableLeft | OrderFlags.ImpliesThen);
                foreach (var d in demotes) ws.Order(d, a, OrderFlags.None);
            }
            foreach (var a in demotes)
            {
                ws.Order(demote, a, OrderFlags.None);
                ws.Order(a, demoted, OrderFlags.RunnableLeft | OrderFlags.ImpliesThen);
            }
        }
    }

    private static string TaskName(ResourceAction a) => a switch
    {
        ResourceAction.Start => "start",
        ResourceAction.Stop => "stop",
        ResourceAction.Promote => "promote",
        _ => "demote",
    };

    private static string Inverse(string task) => task switch
    {
        "start" => "stop",
        "stop" => "start",
        "promote" => "demote",
        _ => "promote",
    };

    /// <param name="applied">The action pairs constraints already ordered. Pacemaker keeps only the first ordering
    /// between the same two actions (every constraint ordering shares its "optional" flag, and a new ordering sharing
    /// a flag with an existing one is dropped), so an optional order listed before a mandatory one between the same
    /// resources wins: the dependent does not restart.</param>
    private static void Constraint(WorkingSet ws, OrderConstraint c, HashSet<(string, string, string, string)> applied)
    {
        if (!ws.ById.TryGetValue(c.First, out var first) || !ws.ById.TryGetValue(c.Then, out var then)) return;
        var firstTask = TaskName(c.FirstAction);
        var thenTask = TaskName(c.ThenAction);
        if (applied.Add((first.Id, firstTask, then.Id, thenTask)))
            AddOrdering(ws, first, firstTask, then, thenTask, c.Kind, inverse: false, asymmetric: !c.Symmetrical);
        if (c.Symmetrical && c.Kind != OrderKind.Serialize && applied.Add((then.Id, Inverse(thenTask), first.Id, Inverse(firstTask))))
            AddOrdering(ws, then, Inverse(thenTask), first, Inverse(firstTask), c.Kind, inverse: true, asymmetric: false);
    }

    private static void AddOrdering(WorkingSet ws, ResourceNode first, string firstTask, ResourceNode then, string thenTask, OrderKind kind, bool inverse, bool asymmetric)
    {
        var flags = OrderFlags.None;
        if (kind == OrderKind.Mandatory)
        {
            if (asymmetric) flags = OrderFlags.Asymmetric;
            // Checked against crm_simulate 2.1.5: a required demote does not force the stop ordered before it.
            // Checked against crm_simulate 2.1.5: a required action never forces a primitive's action ordered
            // before it this way (it updates "first" only from flags "first" has itself, which only a group's or
            // clone's point takes over from its members), so the dependent keeps the reason of its own start.
            else if (inverse) flags = thenTask == "demote" || first is PrimitiveNode ? OrderFlags.None : OrderFlags.ImpliesFirst;
            else
            {
                flags = OrderFlags.ImpliesThen;
                if (firstTask is "start" or "promote") flags |= OrderFlags.RunnableLeft;
            }
            // A blocked stop holds back the stops ordered after it.
            if (firstTask is "stop" or "demote") flags |= OrderFlags.BlockedLeft;
        }
        // Legacy meta restart-type=restart: the dependent restarts whenever its prerequisite (re)starts.
        if (!inverse && thenTask == "start" && then.Meta.GetValueOrDefault("restart-type") == "restart") flags |= OrderFlags.ImpliesThen;
        if (CloneInstances.Interleaved(first, then, inverse) is { } interleaved)
        {
            CloneInstances.OrderInterleaved(ws, interleaved, first, firstTask, then, thenTask, flags);
            return;
        }
        if (then is GroupNode group && group.FindAction(thenTask) is { } own)
        {
            // Pacemaker orders only the group's own action, and updating that ordering updates each member's action
            // from the same "first", member by member: a member already required does not pass the change on, so a
            // later member reports "required <first>" rather than "required <previous member>" (seed 5167).
            var members = group.Members.SelectMany(m => m.Actions.Where(a => a.Task == thenTask && a.Interval == TimeSpan.Zero)).ToList();
            foreach (var f in Find(ws, first, firstTask, asFirst: true, byConstraint: true))
                ws.Order(f, own, flags, members);
            return;
        }
        foreach (var f in Find(ws, first, firstTask, asFirst: true, byConstraint: true))
            foreach (var t in Find(ws, then, thenTask, asFirst: false, byConstraint: true))
                ws.Order(f, t, flags);
    }

    /// <summary>
    /// The actions an ordering refers to. A group or clone as "first" is represented by its completion point
    /// (running/stopped); as "then", by its own pseudo action and each member's action. A primitive action that
    /// does not exist yet is created unrunnable (on no node), as Pacemaker does, so that orderings on it block.
    /// </summary>
    /// <param name="byConstraint">For an rsc_order (applied by Pacemaker before the resources' own orderings)
    /// rather than a resource's own ordering.</param>
    internal static List<ActionNode> Find(WorkingSet ws, ResourceNode rsc, string task, bool asFirst, bool byConstraint = false) =>
        Find(ws, rsc, task, asFirst, [], byConstraint);

    /// <summary>As above, into <paramref name="found"/> (cleared first), which is returned.</summary>
    private static List<ActionNode> Find(WorkingSet ws, ResourceNode rsc, string task, bool asFirst, List<ActionNode> found, bool byConstraint = false)
    {
        found.Clear();
        switch (rsc)
        {
            case PrimitiveNode p:
                {
                    foreach (var a in p.Actions)
                        if (a.Task == task && a.Interval == TimeSpan.Zero) found.Add(a);
                    if (found.Count > 0) return found;
                    if (task is "stop" or "demote" && !p.IsActive) return found;
                    // Pacemaker creates a missing action only for the "first" of a constraint; a "then" that does not
                    // exist (yet) is ignored, so an earlier order cannot make it required (seed 6012).
                    if (byConstraint && !asFirst) return found;
                    var created = ws.NewAction(p, task, null, optional: true);
                    created.Runnable = false;
                    // Pacemaker applies constraint orderings before the resources' own ones, so its own "stop before
                    // start" reaches a start a constraint created: a resource that must stop makes it required, and
                    // what starts after it reports "required X start" (not "unrunnable X start"). A start created by a
                    // group's or clone's own orderings comes after that and is not reached (seed 5133).
                    if (task == "start" && byConstraint)
                        foreach (var stop in p.Actions.Where(a => a.Task == "stop").ToList()) ws.Order(stop, created, OrderFlags.ImpliesThen | OrderFlags.Restart);
                    found.Add(created);
                    return found;
                }
            default:
                {
                    if (asFirst)
                    {
                        var point = task switch { "start" => "running", "stop" => "stopped", "promote" => "promoted", _ => "demoted" };
                        if ((rsc.FindAction(point) ?? rsc.FindAction(task)) is { } a) found.Add(a);
                        return found;
                    }
                    if (rsc.FindAction(task) is { } own) found.Add(own);
                    // A group's members follow their first member through the group's own ordering chain (which is
                    // also where Pacemaker's "required <previous member> start" reasons come from); clone instances
                    // are independent, so each gets the ordering.
                    var children = rsc is GroupNode g ? g.Members.Take(1) : rsc.Children;
                    foreach (var child in children) found.AddRange(Find(ws, child, task, asFirst: false, byConstraint));
                    return found;
                }
        }
    }
}
