using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Derives each resource's current role per node from its raw operation history, as Pacemaker's unpack does:
/// operations in call order, probes returning 7 mean stopped, 8 means promoted, failures mark the resource
/// for recovery (or fence/block the node per on-fail), and a later successful start/stop clears past failures.
/// </summary>
internal static class UnpackHistoryPhase
{
    private enum FailResponse { Ignore, Restart, Block, Stop, Standby, Fence }

    public static void Run(WorkingSet ws)
    {
        var lookups = new Lookup[ws.Input.Status.Nodes.Select(s => s.Resources.Length).DefaultIfEmpty(0).Max()];
        // Pacemaker reads online nodes first, then (when it can fence) the nodes it must fence.
        foreach (var pass in new[] { false, true })
        {
            foreach (var state in ws.Input.Status.Nodes)
            {
                var node = ws.FindNode(state.Name);
                if (node is null) continue;
                var eligible = pass ? !node.Online && node.Unclean && ws.StonithEnabled : node.Online;
                if (!eligible) continue;
                var digests = HistoryDigest.Of(state);
                for (var i = 0; i < state.Resources.Length; i++)
                {
                    var history = state.Resources[i];
                    Unpack(ws, node, history, digests[i], Exact(ws, ref lookups[i], history.ResourceId));
                }
            }
        }
    }

    /// <summary>A resource id looked up in the index, and the index version it holds at.</summary>
    private record struct Lookup(string? Id, ResourceNode? Resource, int Version);

    /// <summary>
    /// The resource registered under the history's id. Every node records its histories in much the same order, and
    /// the status names a resource with one string everywhere: the lookup made for the same position on the node
    /// before is reused when it was for that very string and the index has not changed since, which spares hashing
    /// the id once per resource and node.
    /// </summary>
    private static ResourceNode? Exact(WorkingSet ws, ref Lookup last, string id)
    {
        if (ReferenceEquals(last.Id, id) && last.Version == ws.ByIdVersion) return last.Resource;
        last = new Lookup(id, ws.ById.GetValueOrDefault(id), ws.ByIdVersion);
        return last.Resource;
    }

    private static void Unpack(WorkingSet ws, NodeInfo node, ResourceHistory history, HistoryDigest digest, ResourceNode? exact)
    {
        // One lookup by id per entry (there is one entry per resource and node): nothing changes the index between
        // choosing the representative and the target.
        var outcome = Evaluate(ws, node, history, Representative(ws, history, exact), digest);
        var target = FindTarget(ws, node, history, exact, outcome.Role > Role.Stopped);
        if (target is null) return;
        if (outcome.ClearFailCount) target.NoteFailCountExpired(node);
        if (outcome.RescheduledMonitors is { } rescheduledMonitors)
            foreach (var interval in rescheduledMonitors) target.RescheduleMonitor(node, interval);
        // A history whose only entries are expired failures tells nothing about the node: probe it again.
        if (outcome.NothingKnown) return;
        target.ProbedOn.Add(node);
        target.KnownOn.Add(node);
        if (!target.Orphan && AgentChanged(target.Definition, history)) target.NoteAgentChanged(node);
        if (target.Parent is CloneNode clone && !clone.Unique)
            foreach (var p in clone.Primitives()) p.ProbedOn.Add(node);

        for (var i = 0; i < outcome.BansHere; i++) Ban(target, node, ws);
        if (outcome.Role > Role.Stopped)
        {
            // Nothing is done to resources on a node in maintenance mode.
            if (node.Maintenance) target.Managed = false;
            if (!target.RunningOn.Contains(node)) target.RunningOn.Add(node);
            target.NoteActiveHistory(node, history);
            if (outcome.LastStart is not null) target.SetLastStart(node, outcome.LastStart);
            if (outcome.Role > target.Role) target.Role = outcome.Role;
        }
        switch (outcome.OnFail)
        {
            case FailResponse.Restart when outcome.Role > Role.Stopped:
                target.Failed = true;
                break;
            case FailResponse.Fence:
                if (ws.StonithEnabled)
                {
                    node.Unclean = true;
                    node.FenceReason ??= $"{target.Id} failed there";
                }
                target.Failed = true;
                break;
            case FailResponse.Block:
                target.Managed = false;
                target.Blocked = true;
                break;
            case FailResponse.Stop:
                target.NextRole = Role.Stopped;
                break;
            case FailResponse.Standby:
                node.Standby = true;
                break;
        }
    }

    private static void Ban(PrimitiveNode rsc, NodeInfo node, WorkingSet ws)
    {
        ResourceNode banned = rsc.Unique ? rsc : rsc.Top;
        NodeScoresPhase.AddBan(banned, node);
    }

    /// <summary>What one history says (a struct, and lists only when needed: there is one per resource and node).</summary>
    private readonly record struct Outcome(Role Role, FailResponse OnFail, int BansHere, OperationRecord? LastStart,
        bool ClearFailCount, bool NothingKnown, List<TimeSpan>? RescheduledMonitors);

    /// <summary>A configured primitive the history belongs to (any instance of a clone will do): its meta
    /// attributes decide failure expiry before the exact instance is known.</summary>
    private static PrimitiveNode? Representative(WorkingSet ws, ResourceHistory history, ResourceNode? exact) =>
        exact as PrimitiveNode
        ?? ws.ById.GetValueOrDefault(BaseId(history.ResourceId) + ":0") as PrimitiveNode;

    private static Outcome Evaluate(WorkingSet ws, NodeInfo node, ResourceHistory history, PrimitiveNode? representative, HistoryDigest digest)
    {
        // failure-timeout is the same for every entry.
        var expires = representative is not null && FailureExpiry.Timeout(representative) > TimeSpan.Zero;
        // Nearly every history records only successes: what it says then needs neither the configuration nor the
        // time nor the node, and was worked out once for the status (see HistoryDigest).
        if (digest.Successful && !expires)
            return new Outcome(digest.Role, FailResponse.Ignore, 0, digest.LastStart, false, false, null);

        var clearFailCount = false;
        var expiredFailures = 0;
        var counted = 0;
        List<TimeSpan>? rescheduled = null;
        var role = Role.Unknown;
        OperationRecord? lastStart = null;
        var onFail = FailResponse.Ignore;
        var bans = 0;

        foreach (var op in InCallOrder(history.Operations))
        {
            if (Skipped(op)) continue;
            if (op.OpStatus == OperationRecord.StatusPending)
            {
                role = AfterPending(op, role);
                continue;
            }

            // A later run of a recurring monitor, or a start, stop, promote or demote (which restart or end the
            // monitors), supersedes an expired failure of that monitor: nothing is left to reschedule.
            if (op.IsRecurring) rescheduled?.Remove(op.Interval);
            else if (op.Operation is "start" or "stop" or "promote" or "demote" or "migrate_from") rescheduled?.Clear();
            var age = expires ? FailureExpiry.Age(ws, representative!, node, op) : OperationAge.Current;
            if (age == OperationAge.ExpiredWithFailCount) clearFailCount = true;
            var hardError = op.OpStatus is 5 or 6 or 7 || op.RcCode is 2 or 3 or 4 or 5 or 6;
            if (AgentMissing(op))
            {
                // Agent not installed on this node: it cannot be running here and can never run here.
                bans++;
                if (role == Role.Unknown) role = Role.Stopped;
                continue;
            }

            if (Succeeded(op))
            {
                role = AfterSuccess(op, role, out var clears, out var started);
                if (started) lastStart = op;
                if (clears && onFail is FailResponse.Restart or FailResponse.Ignore) onFail = FailResponse.Ignore;
                counted++;
                continue;
            }

            if (age != OperationAge.Current && !(op.IsProbe && op.RcCode is 0 or 7 or 8))
            {
                // An expired failure is forgotten; a recurring monitor that failed is simply started again.
                expiredFailures++;
                if (op.IsRecurring && node.Online && !node.Unclean) (rescheduled ??= []).Add(op.Interval);
                continue;
            }
            counted++;

            // A failure.
            if (hardError) bans++;
            // Only a failure needs the definition (its on-fail).
            var definition = ws.FindPrimitive(history.ResourceId) ?? ws.FindPrimitive(BaseId(history.ResourceId));
            var response = ResponseFor(ws, definition, op);
            if (op.Operation == "stop") bans++;
            if (response > onFail) onFail = response;
            role = op.Operation switch
            {
                "promote" or "demote" => Role.Promoted,
                _ => Max(role, Role.Started),
            };
        }
        if (role == Role.Unknown) role = Role.Stopped;
        return new Outcome(role, onFail, bans, lastStart, clearFailCount, NothingKnown: counted == 0 && expiredFailures > 0, rescheduled);
    }

    /// <summary>Operations that say nothing about the resource's state.</summary>
    internal static bool Skipped(OperationRecord op) => op.Operation == "notify" || op.OpStatus == OperationRecord.StatusCancelled;

    /// <summary>A probe that found the agent not installed.</summary>
    internal static bool AgentMissing(OperationRecord op) => op.IsProbe && (op.RcCode == 5 || op.OpStatus == 7);

    /// <summary>A completed operation that returned what was expected of it.</summary>
    internal static bool Succeeded(OperationRecord op)
    {
        var expected = op.ExpectedRc ?? (op.IsProbe ? 7 : 0);
        // Old CIBs record results the agent returned as "error" status: the return code decides.
        var evaluated = op.OpStatus is OperationRecord.StatusDone or 4;
        return evaluated &&
               (op.RcCode == expected || (op.IsProbe && op.RcCode is 0 or 7 or 8) ||
                (op.IsRecurring && op.Operation == "monitor" && op.RcCode == 8 && expected == 0));
    }

    /// <summary>The role after an operation still in flight: a start or promote counts as done.</summary>
    internal static Role AfterPending(OperationRecord op, Role role)
    {
        if (op.Operation is "start" or "migrate_from" or "migrate_to") return Max(role, Role.Started);
        return op.Operation == "promote" ? Role.Promoted : role;
    }

    /// <summary>The role after a successful operation; whether it clears earlier failures, and whether it is a start
    /// that made the resource active.</summary>
    internal static Role AfterSuccess(OperationRecord op, Role role, out bool clears, out bool started)
    {
        clears = true;
        started = false;
        switch (op.Operation)
        {
            case "start" or "migrate_from":
                started = true;
                return Role.Started;
            case "migrate_to":
                clears = false;
                return Max(role, Role.Started);
            case "stop":
                return Role.Stopped;
            case "promote":
                return Role.Promoted;
            case "demote":
                return Role.Unpromoted;
            case "monitor" when op.IsProbe:
                return op.RcCode switch { 0 => Role.Started, 8 => Role.Promoted, _ => Role.Stopped };
            case "monitor":
                clears = false;
                if (op.RcCode == 8) return Role.Promoted;
                if (op.RcCode == 7) return Role.Stopped;
                return role < Role.Started ? Role.Started : role;
            default:
                clears = false;
                return role;
        }
    }

    private static int SortKey(OperationRecord op) => op.CallId < 0 ? int.MaxValue : op.CallId;

    /// <summary>The operations in call order; pending operations (call id -1) sort last, as they are the newest.
    /// Histories are nearly always recorded in that order already: sorting only when needed keeps the loops over
    /// them, which run once per resource and node, free of allocations.</summary>
    internal static System.Collections.Immutable.ImmutableArray<OperationRecord> InCallOrder(System.Collections.Immutable.ImmutableArray<OperationRecord> ops)
    {
        for (var i = 1; i < ops.Length; i++)
            if (SortKey(ops[i - 1]) > SortKey(ops[i]))
                return [.. ops.Select((op, index) => (op, index)).OrderBy(x => SortKey(x.op)).ThenBy(x => x.index).Select(x => x.op)];
        return ops;
    }

    private static bool AgentChanged(Primitive definition, ResourceHistory history) =>
        (history.Type is not null && history.Type != definition.Type)
        || (history.Class is not null && !string.Equals(history.Class, definition.Class.ToWire(), StringComparison.OrdinalIgnoreCase))
        || (history.Provider is not null && definition.Provider is not null && history.Provider != definition.Provider);

    private static Role Max(Role a, Role b) => a > b ? a : b;

    private static FailResponse ResponseFor(WorkingSet ws, Primitive? definition, OperationRecord op)
    {
        var configured = definition?.Operations.FirstOrDefault(o => o.Name == op.Operation && o.Interval == op.Interval)?.OnFail;
        if (configured is null && ws.Config.OperationDefaults.TryGetValue("on-fail", out var d) && Operation.TryParseOnFail(d, out var dv))
            configured = dv;
        return configured switch
        {
            OnFail.Ignore => FailResponse.Ignore,
            OnFail.Block => FailResponse.Block,
            OnFail.Stop => FailResponse.Stop,
            OnFail.Standby => FailResponse.Standby,
            OnFail.Fence => ws.StonithEnabled ? FailResponse.Fence : FailResponse.Block,
            OnFail.Restart or OnFail.Demote => FailResponse.Restart,
            // A failed stop leaves the resource possibly active: fence the node if we can, else stop touching it.
            null when op.Operation == "stop" => ws.StonithEnabled ? FailResponse.Fence : FailResponse.Block,
            _ => FailResponse.Restart,
        };
    }

    internal static string BaseId(string id)
    {
        var colon = id.LastIndexOf(':');
        return colon > 0 && int.TryParse(id.AsSpan(colon + 1), out _) ? id[..colon] : id;
    }

    /// <summary>Which primitive (or clone instance) a history entry belongs to; unknown ids become orphans.</summary>
    private static PrimitiveNode? FindTarget(WorkingSet ws, NodeInfo node, ResourceHistory history, ResourceNode? exact, bool active)
    {
        var id = history.ResourceId;
        if (exact is PrimitiveNode p && (p.Parent is not CloneNode c || c.Unique || p.HistoryId == id)
            && !(p.Parent is GroupNode { Parent: CloneNode }))
            return p;

        var baseId = BaseId(id);
        if (CloneOf(ws, baseId) is { } clone) return FindCloneInstance(ws, clone, node, history, baseId, active);

        return Orphan(ws, history);
    }

    // Apart from FindTarget: its lambda captures, and a capturing method allocates its closure on every call, which
    // is once per resource and node.
    private static CloneNode? CloneOf(WorkingSet ws, string baseId) =>
        ws.Resources.OfType<CloneNode>().FirstOrDefault(c => ws.FindClone(c.Id) is { } cfg &&
            (cfg.Child == baseId || ws.FindGroup(cfg.Child)?.Members.Contains(baseId) == true));

    private static PrimitiveNode? FindCloneInstance(WorkingSet ws, CloneNode clone, NodeInfo node, ResourceHistory history, string baseId, bool active)
    {
        if (clone.Unique)
            return clone.Instances.SelectMany(i => i.Primitives()).FirstOrDefault(m => m.HistoryId == history.ResourceId);

        PrimitiveNode? Member(ResourceNode instance) => instance.Primitives().FirstOrDefault(m => m.HistoryId == baseId);

        // Anonymous instances are interchangeable: history maps to the instance already active on this node,
        // else to the first instance active nowhere; a second active copy on one node is an orphan to stop.
        var here = clone.Instances.FirstOrDefault(i => i.Primitives().Any(m => m.RunningOn.Contains(node)));
        if (here is not null && Member(here) is { } m1 && !(active && m1.RunningOn.Contains(node))) return m1;
        if (here is null)
        {
            foreach (var instance in clone.Instances)
                if (!instance.IsActive && Member(instance) is { } m2) return m2;
        }

        var orphan = UnpackResourcesPhase.BuildInstance(ws, clone, ws.FindClone(clone.Id)!.Child, clone.Instances.Count);
        clone.Instances.Add(orphan);
        foreach (var p in orphan.Primitives())
        {
            p.Orphan = true;
            p.NextRole = Role.Stopped;
        }
        return Member(orphan);
    }

    private static PrimitiveNode Orphan(WorkingSet ws, ResourceHistory history)
    {
        if (ws.ById.TryGetValue(history.ResourceId, out var existing) && existing is PrimitiveNode known && known.Orphan) return known;
        ResourceClassNames.TryParse(history.Class, out var cls);
        var definition = new Primitive(history.ResourceId, cls, history.Provider, history.Type ?? "unknown", Attributes.Empty, Attributes.Empty, []);
        // stop-orphan-resources=false leaves resources that are no longer configured alone.
        var orphan = new PrimitiveNode(history.ResourceId, null, definition) { Orphan = true, Managed = ws.Config.Properties.StopOrphanResources };
        orphan.NextRole = Role.Stopped;
        ws.Register(orphan);
        ws.Resources.Add(orphan);
        return orphan;
    }
}
