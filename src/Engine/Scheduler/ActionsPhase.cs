using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Creates each resource's actions the way Pacemaker does: take the resource down to stopped and back up to its
/// role (optional unless it must stop: moving, failed, multiply active), then from its role to its next role;
/// plus pseudo actions for groups and clones, probes where the state is unknown, and recurring monitors.
/// </summary>
internal static class ActionsPhase
{
    public static void Run(WorkingSet ws)
    {
        // A resource has a stop and a start at least (a group or clone four pseudo actions): sized once, not grown.
        ws.Actions.EnsureCapacity(ws.Actions.Count + 2 * ws.ById.Count);
        foreach (var rsc in ws.Resources) Create(ws, rsc);
        var primitives = ws.AllPrimitives();
        CreateProbes(ws, primitives);
        foreach (var p in primitives) CancelOrphanMonitors(ws, p);
        foreach (var p in primitives)
            if (p.AgentChangedOn.Count > 0 || p.FailCountExpiredOn.Count > 0)
                foreach (var node in p.AgentChangedOn.Concat(p.FailCountExpiredOn).Where(n => n.Online).Distinct())
                    GetOrCreate(ws, p, "clear_failcount", node, optional: false);
    }

    private static void Create(WorkingSet ws, ResourceNode rsc)
    {
        switch (rsc)
        {
            case PrimitiveNode p:
                CreatePrimitive(ws, p);
                break;
            case GroupNode g:
                foreach (var m in g.Members) CreatePrimitive(ws, m);
                CreatePseudo(ws, g);
                break;
            case CloneNode c:
                foreach (var i in c.Instances) Create(ws, i);
                CreatePseudo(ws, c);
                var running = c.FindAction("running")!;
                running.RequiresAny = true;
                running.Runnable = c.Instances.Any(i => i.Primitives().Any(p => p.IsActive && p.AssignedTo is not null) || i.Primitives().Any(p => p.FindAction("start") is { Optional: false }));
                if (c.Promotable) CreatePromotablePseudo(ws, c);
                break;
        }
    }

    private static readonly string[] PseudoTasks = ["start", "running", "stop", "stopped"];

    private static void CreatePseudo(WorkingSet ws, ResourceNode rsc)
    {
        foreach (var task in PseudoTasks)
        {
            var a = ws.NewAction(rsc, task, null, optional: true);
            a.Pseudo = true;
        }
    }

    /// <summary>
    /// A promotable clone's promote/promoted and demote/demoted points: required when any instance changes role,
    /// and (like "running") completed only if some instance's promote or demote can run.
    /// </summary>
    private static void CreatePromotablePseudo(WorkingSet ws, CloneNode c)
    {
        foreach (var (task, point) in new[] { ("promote", "promoted"), ("demote", "demoted") })
        {
            var instanceActions = c.Primitives().SelectMany(p => p.Actions).Where(a => a.Task == task).ToList();
            var required = instanceActions.Any(a => !a.Optional);
            foreach (var name in new[] { task, point })
            {
                var a = ws.NewAction(c, name, null, optional: !required);
                a.Pseudo = true;
                a.Runnable = instanceActions.Any(i => i.Runnable);
                a.RequiresAny = name == point;
            }
        }
    }

    public static ActionNode GetOrCreate(WorkingSet ws, ResourceNode rsc, string task, NodeInfo? node, bool optional)
    {
        foreach (var existing in rsc.Actions)
        {
            if (existing.Task != task || existing.Node != node || existing.Interval != TimeSpan.Zero) continue;
            if (!optional) existing.Optional = false;
            return existing;
        }
        var action = ws.NewAction(rsc, task, node, optional);
        action.Runnable = InitialRunnable(ws, action);
        return action;
    }

    private static bool InitialRunnable(WorkingSet ws, ActionNode a)
    {
        if (a.Pseudo) return true;
        if (a.Node is null) return false;
        if (a.Task == "stop" && a.Node.Unclean)
        {
            // Implied by fencing: done once the node is fenced.
            a.Pseudo = true;
            return FenceOf(ws, a.Node) is not null;
        }
        if (!a.Node.Online || a.Node.Unclean) return false;
        if (a.Task is "start" or "promote" && !ws.Input.HaveQuorum && ws.NoQuorumPolicy != NoQuorumPolicy.Ignore)
        {
            // freeze keeps what runs running: only starting something (or raising its role) needs quorum.
            if (ws.NoQuorumPolicy == NoQuorumPolicy.Freeze && a.Resource is { IsActive: true } r && r.NextRole <= r.Role) return true;
            a.Reason = ws.NoQuorumPolicy == NoQuorumPolicy.Freeze ? "quorum freeze" : "no quorum";
            return false;
        }
        return true;
    }

    private static void CreatePrimitive(WorkingSet ws, PrimitiveNode p)
    {
        if (p.NextRole == Role.Unknown)
            p.NextRole = p.AssignedTo is null ? Role.Stopped : p.TargetRole ?? Role.Started;
        var current = p.CurrentNode;
        var needStop = false;
        var moving = current is not null && p.AssignedTo is not null && current != p.AssignedTo && p.NextRole >= Role.Started;
        if (moving) needStop = true;
        // Fencing devices do not need fencing to be recovered, so copies on nodes being fenced do not count.
        var activeCount = p.Definition.Class == ResourceClass.Stonith ? p.RunningOn.Count(n => !n.Unclean) : p.RunningOn.Count;
        if (activeCount > 1) needStop = true;
        var definitionChanged = !moving && !p.Failed && current is not null && current == p.AssignedTo && DefinitionChanged(ws, p, current);
        if (definitionChanged) needStop = true;
        if (!moving && p.Failed) needStop = true;
        else if (!moving && p.Blocked) needStop = true;

        // Down to stopped on the current node(s), and back up to the current role on the next node.
        var role = p.Role;
        if (role != Role.Stopped)
        {
            if (role == Role.Promoted)
                foreach (var n in p.RunningOn) GetOrCreate(ws, p, "demote", n, !needStop);
            Stop(ws, p, !needStop);
            role = Role.Stopped;
        }
        if (p.Role <= p.NextRole && role != p.Role && !p.Blocked)
        {
            Start(ws, p, p.AssignedTo, !needStop);
            if (p.Role == Role.Promoted) GetOrCreate(ws, p, "promote", p.AssignedTo, !needStop);
        }

        // From the current role to the next role.
        role = p.Role;
        var guard = 0;
        while (role != p.NextRole && guard++ < 4)
        {
            var next = Step(role, p.NextRole);
            switch ((role, next))
            {
                case (Role.Stopped, _):
                    Start(ws, p, p.AssignedTo, false);
                    break;
                case (_, Role.Stopped):
                    Stop(ws, p, false);
                    break;
                case (_, Role.Promoted):
                    GetOrCreate(ws, p, "promote", p.AssignedTo, false);
                    break;
                case (Role.Promoted, _):
                    foreach (var n in p.RunningOn) GetOrCreate(ws, p, "demote", n, false);
                    break;
            }
            role = next;
        }

        // Agents without parameters (LSB, systemd) get no reason: Pacemaker only names the change for OCF and fencing agents.
        if (definitionChanged && p.Definition.Class is ResourceClass.Ocf or ResourceClass.Stonith && p.FindAction("start", p.AssignedTo) is { } restarted)
            restarted.SetReason("resource definition change", overwrite: false);

        if (moving && activeCount == 1 && CanMigrate(p, current!)) PlanMigration(ws, p, current!);

        CreateRecurringMonitors(ws, p);
        RescheduleExpiredMonitors(ws, p);
        CreateMissingMonitors(ws, p, needStop);
    }

    /// <summary>
    /// Pacemaker's conditions for a live migration (pcmk__rsc_can_migrate): allowed by the configuration, managed,
    /// healthy, started (a promoted or stopping resource moves by stop and start), between two clean nodes.
    /// </summary>
    private static bool CanMigrate(PrimitiveNode p, NodeInfo current) =>
        Attributes.IsTrue(p.Meta.GetValueOrDefault(MetaNames.AllowMigrate) ?? "false") && p.Managed && !p.Failed && !p.Blocked
        && p.Role == Role.Started && p.NextRole == Role.Started
        && current.Online && !current.Unclean && p.AssignedTo is { Unclean: false }
        && p.FindAction("start", p.AssignedTo) is { Runnable: true };

    /// <summary>
    /// A migrating resource is handed over by migrate_to on its current node and migrate_from on its next node; the
    /// stop on the old node still follows (it only cleans up), and the start becomes a pseudo action: the resource
    /// is already running once migrate_from succeeds.
    /// </summary>
    private static void PlanMigration(WorkingSet ws, PrimitiveNode p, NodeInfo current)
    {
        p.MigrationSource = current;
        p.FindAction("start", p.AssignedTo)!.Pseudo = true;
        GetOrCreate(ws, p, "migrate_to", current, optional: false);
        GetOrCreate(ws, p, "migrate_from", p.AssignedTo, optional: false);
    }

    /// <summary>
    /// Staying where it runs, a resource keeps its monitors; one missing from the history (a probe found the resource
    /// already running, a cleanup forgot it) is scheduled, as Pacemaker does for any active resource.
    /// </summary>
    private static void CreateMissingMonitors(WorkingSet ws, PrimitiveNode p, bool needStop)
    {
        if (p.AssignedTo is not { } here || needStop || !p.RunningOn.Contains(here) || p.NextRole <= Role.Stopped || p.NextRole != p.Role
            || !p.Managed || ws.MaintenanceMode || here.Maintenance || p.FindAction("start", here) is { Optional: false }) return;
        var history = p.HistoryOn(here)?.Operations ?? [];
        // Plain loops: this runs for every resource that stays where it is.
        foreach (var op in p.Definition.Operations)
        {
            if (op.Name != "monitor" || !op.IsRecurring || !op.Enabled || !MonitorsRole(op.Role, p.NextRole)) continue;
            if (RecordsRunningMonitor(history, op.Interval) || HasAction(p, "monitor", here, op.Interval)) continue;
            var monitor = ws.NewAction(p, "monitor", here, optional: false);
            monitor.Interval = op.Interval;
        }
    }

    /// <summary>Whether the history has a live record of a recurring monitor: a monitor that is not cancelled, not
    /// the separately kept last failure (a monitor that failed before a recovery is not running now).</summary>
    private static bool IsLiveMonitor(OperationRecord h) =>
        h.Operation == "monitor" && h.IsRecurring && h.OpStatus != OperationRecord.StatusCancelled
        && !h.Id.EndsWith("_last_failure_0", StringComparison.Ordinal);

    private static bool RecordsRunningMonitor(System.Collections.Immutable.ImmutableArray<OperationRecord> history, TimeSpan interval)
    {
        foreach (var h in history)
            if (h.Interval == interval && IsLiveMonitor(h)) return true;
        return false;
    }

    private static bool HasAction(ResourceNode rsc, string task, NodeInfo node, TimeSpan interval)
    {
        foreach (var a in rsc.Actions)
            if (a.Task == task && a.Node == node && a.Interval == interval) return true;
        return false;
    }

    /// <summary>
    /// The recurring monitors of the role the resource is going to have, wherever it is (re)started, promoted or
    /// demoted: a promoted instance is watched by the monitors for the Promoted role, others by the rest.
    /// </summary>
    private static void CreateRecurringMonitors(WorkingSet ws, PrimitiveNode p)
    {
        if (p.NextRole <= Role.Stopped || p.AssignedTo is not { } node) return;
        // Plain loops: this runs for every primitive, and nearly always finds no role change.
        var changes = false;
        var runnable = true;
        foreach (var a in p.Actions)
        {
            if (a.Node != node || a.Optional || a.Task is not ("start" or "promote" or "demote")) continue;
            changes = true;
            runnable &= a.Runnable;
        }
        if (!changes) return;
        foreach (var op in p.Definition.Operations)
        {
            if (op.Name != "monitor" || !op.IsRecurring || !op.Enabled || !MonitorsRole(op.Role, p.NextRole)) continue;
            var monitor = ws.NewAction(p, "monitor", node, optional: false);
            monitor.Interval = op.Interval;
            monitor.Runnable = runnable;
        }
    }

    /// <summary>A recurring monitor whose failure expired runs again where the resource stays without a restart.</summary>
    private static void RescheduleExpiredMonitors(WorkingSet ws, PrimitiveNode p)
    {
        if (p.RescheduledMonitors.Count == 0) return; // the common case, without enumerating an empty set
        foreach (var (node, interval) in p.RescheduledMonitors)
        {
            if (p.AssignedTo != node || p.NextRole <= Role.Stopped || HasAction(p, "monitor", node, interval)) continue;
            if (!MonitorsRoleAt(p, interval)) continue;
            var monitor = ws.NewAction(p, "monitor", node, optional: false);
            monitor.Interval = interval;
        }
    }

    /// <summary>Whether an enabled monitor of that interval watches the role the resource is going to have.</summary>
    private static bool MonitorsRoleAt(PrimitiveNode p, TimeSpan interval)
    {
        foreach (var o in p.Definition.Operations)
            if (o.Name == "monitor" && o.Interval == interval && o.Enabled && MonitorsRole(o.Role, p.NextRole)) return true;
        return false;
    }

    private static bool MonitorsRole(Role? monitorRole, Role role) => monitorRole switch
    {
        null => true,
        Role.Promoted => role == Role.Promoted,
        _ => role != Role.Promoted,
    };

    /// <summary>
    /// Whether the resource's parameters differ from those its running instance was started with (Pacemaker's
    /// operation digest); a change limited to reloadable parameters marks it for reload instead.
    /// </summary>
    private static bool DefinitionChanged(WorkingSet ws, PrimitiveNode p, NodeInfo node)
    {
        if (!p.LastStart.TryGetValue(node, out var start) || start.Digest is null) return false;
        if (ws.ParametersDigest(p.Definition) == start.Digest) return false;
        if (start.RestartDigest is not null && start.ForceRestartParameters is not null)
        {
            var restartOnly = start.ForceRestartParameters.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var restartParameters = p.Definition.Parameters.Where(kv => restartOnly.Contains(kv.Key));
            if (OperationDigest.Compute(restartParameters) == start.RestartDigest)
            {
                p.Reload = true;
                return false;
            }
        }
        return true;
    }

    private static Role Step(Role from, Role to)
    {
        static int Rank(Role r) => r switch { Role.Stopped => 0, Role.Started or Role.Unpromoted => 1, Role.Promoted => 2, _ => 0 };
        var a = Rank(from);
        var b = Rank(to);
        if (a == b) return to;
        if (a < b) return a == 0 ? (to == Role.Promoted ? Role.Unpromoted : to) : Role.Promoted;
        return a == 2 ? (to == Role.Stopped ? Role.Unpromoted : to) : Role.Stopped;
    }

    private static void Stop(WorkingSet ws, PrimitiveNode p, bool optional)
    {
        foreach (var node in p.RunningOn)
        {
            // A fencing device on a node being fenced simply goes away with the node.
            if (node.Unclean && p.Definition.Class == ResourceClass.Stonith && p.RunningOn.Any(n => !n.Unclean)) continue;
            var stop = GetOrCreate(ws, p, "stop", node, optional);
            if (p.AssignedTo is null) stop.SetReason("node availability", overwrite: true);
            if (!p.Managed) stop.Runnable = false;
            if (stop.Pseudo)
                if (FenceOf(ws, node) is { } fence) ws.Order(fence, stop, OrderFlags.ImpliesThen);
        }
    }

    /// <summary>The node's fencing, if scheduled (at most one per node). A loop, not a query: a lambda capturing the
    /// node would cost a closure on every call, and this is asked for every stop and start.</summary>
    private static ActionNode? FenceOf(WorkingSet ws, NodeInfo node)
    {
        foreach (var f in ws.FenceActions)
            if (f.Node == node) return f;
        return null;
    }

    private static void Start(WorkingSet ws, PrimitiveNode p, NodeInfo? node, bool optional)
    {
        var start = GetOrCreate(ws, p, "start", node, optional);
        if (!p.Managed) start.Runnable = false;
    }

    /// <summary>
    /// A recurring monitor still running where the resource is active but no longer configured (removed, disabled,
    /// or its interval changed) is cancelled, as Pacemaker does for orphaned operations. Stops need no cancel: the
    /// executor ends a resource's monitors when it stops it.
    /// </summary>
    private static void CancelOrphanMonitors(WorkingSet ws, PrimitiveNode p)
    {
        if (p.Orphan) return;
        // Plain loops: this runs for every active resource, and nearly always finds nothing to cancel.
        for (var i = 0; i < p.RunningOn.Count; i++)
        {
            var node = p.RunningOn[i];
            if (!node.Online || node.Unclean || p.RunningOn.IndexOf(node) < i) continue;
            var history = p.HistoryOn(node)?.Operations ?? [];
            for (var j = 0; j < history.Length; j++)
            {
                var h = history[j];
                if (!IsLiveMonitor(h) || IsConfiguredMonitor(p, h.Interval) || HasLiveMonitorBefore(history, j, h.Interval)) continue;
                if (HasAction(p, "cancel", node, h.Interval)) continue;
                var cancel = ws.NewAction(p, "cancel", node, optional: false);
                cancel.Interval = h.Interval;
            }
        }
    }

    private static bool IsConfiguredMonitor(PrimitiveNode p, TimeSpan interval)
    {
        foreach (var o in p.Definition.Operations)
            if (o.Name == "monitor" && o.Enabled && o.Interval == interval) return true;
        return false;
    }

    /// <summary>Each orphaned interval is cancelled once, at its first record.</summary>
    private static bool HasLiveMonitorBefore(System.Collections.Immutable.ImmutableArray<OperationRecord> history, int end, TimeSpan interval)
    {
        for (var k = 0; k < end; k++)
            if (history[k].Interval == interval && IsLiveMonitor(history[k])) return true;
        return false;
    }

    /// <summary>
    /// With fencing enabled, a node in the membership whose controller has not joined yet cannot be probed, so whether
    /// the resource already runs there is unknown: Pacemaker blocks the resource's start until the node has joined
    /// (crm_simulate, stonith-4; without fencing it does not).
    /// </summary>
    private static void BlockStartsWhilePending(PrimitiveNode p, NodeInfo node)
    {
        if (!node.Pending || node.State is not { InMembership: true } || p.ProbedOn.Contains(node)) return;
        foreach (var start in p.Actions.Where(a => a.Task == "start")) start.Runnable = false;
    }

    private static void CreateProbes(WorkingSet ws, IEnumerable<PrimitiveNode> primitives)
    {
        foreach (var p in primitives)
        {
            if (ws.StonithEnabled)
                foreach (var node in ws.Nodes) BlockStartsWhilePending(p, node);
            if (p.Orphan) continue;
            if (p.Parent is CloneNode { Unique: false } clone && clone.Instances.IndexOf(p) != 0) continue;
            if (p.Parent is GroupNode { Parent: CloneNode { Unique: false } } g && ((CloneNode)g.Parent!).Instances.IndexOf(g) != 0) continue;
            foreach (var node in ws.Nodes)
            {
                if (!node.Online || node.Unclean || p.ProbedOn.Contains(node)) continue;
                var probe = ws.NewAction(p, "probe", node, optional: false);
                probe.Runnable = true;
            }
        }
    }
}
