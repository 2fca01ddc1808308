using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Turns the planned actions into the immutable transition, and describes each resource's change the way
/// crm_simulate's "Transition Summary" does (Start, Stop, Move, Recover, Restart, Promote, Demote...).
/// </summary>
internal static class SummaryPhase
{
    public static Transition Run(WorkingSet ws)
    {
        var scheduled = ws.Actions.Where(a => !a.Optional).ToList();
        var ids = scheduled.Select(a => a.Id).ToHashSet();
        var actions = scheduled.Select(a => new SchedulerAction(a.Id, KindOf(a), a.Task, a.Resource?.Id, a.Node?.Name, a.Interval, a.Runnable, a.Reason)
        {
            MigrateSource = a.Task is "migrate_to" or "migrate_from" ? (a.Resource as PrimitiveNode)?.MigrationSource?.Name : null,
            MigrateTarget = a.Task is "migrate_to" or "migrate_from" ? (a.Resource as PrimitiveNode)?.AssignedTo?.Name : null,
        }).ToImmutableArray();
        var orderings = ws.Orderings.Where(e => ids.Contains(e.First.Id) && ids.Contains(e.Then.Id))
            .Select(e => new ActionOrdering(e.First.Id, e.Then.Id)).Distinct().ToImmutableArray();
        var nodeChanges = ws.FenceActions.Select(f => new NodeChange($"Fence ({f.FenceAction})", f.Node!.Name, f.Reason)).ToImmutableArray();
        var changes = ImmutableArray.CreateBuilder<ResourceChange>();
        foreach (var rsc in ws.Resources) Describe(rsc, changes);
        return new Transition(actions, orderings, nodeChanges, changes.ToImmutable());
    }

    private static ActionKind KindOf(ActionNode a) => a.Pseudo ? ActionKind.Pseudo : a.Task switch
    {
        "start" => ActionKind.Start,
        "stop" => ActionKind.Stop,
        "promote" => ActionKind.Promote,
        "demote" => ActionKind.Demote,
        "probe" => ActionKind.Probe,
        "monitor" => ActionKind.Monitor,
        "stonith" => ActionKind.Fence,
        "clear_failcount" => ActionKind.ClearFailCount,
        "migrate_to" => ActionKind.MigrateTo,
        "migrate_from" => ActionKind.MigrateFrom,
        "cancel" => ActionKind.Cancel,
        _ => ActionKind.Pseudo,
    };

    /// <summary>The resource's first non-recurring action of the task (on the node, if given). A loop, not a query:
    /// a lambda capturing the task and node would cost a closure per lookup, several per resource.</summary>
    private static ActionNode? FindAction(PrimitiveNode p, string task, NodeInfo? node)
    {
        foreach (var a in p.Actions)
            if (a.Task == task && a.Interval == TimeSpan.Zero && (node is null || a.Node == node)) return a;
        return null;
    }

    private static void Describe(ResourceNode rsc, ImmutableArray<ResourceChange>.Builder changes)
    {
        if (rsc is not PrimitiveNode p)
        {
            foreach (var child in rsc.Children) Describe(child, changes);
            return;
        }
        var next = p.AssignedTo;
        var current = p.CurrentNode;
        var role = p.Role;
        if (current is not null && role == Role.Stopped) role = p.Top is CloneNode { Promotable: true } ? Role.Unpromoted : Role.Started;
        if (current is null && p.Orphan) return;
        if (!p.Managed || (current is null && next is null)) return;

        var moving = current is not null && next is not null && current != next;
        ActionNode? Find(string task, NodeInfo? node) => FindAction(p, task, node);
        var start = Find("start", next);
        var startNode = start is { Runnable: true } ? current : null;
        var stop = Find("stop", startNode);
        var promote = Find("promote", next);
        var demote = Find("demote", next);

        void Emit(ChangeVerb verb, NodeInfo? origin, NodeInfo? destination, ActionNode? action, ActionNode? source)
        {
            source ??= action;
            changes.Add(new ResourceChange(verb, p.Id, origin?.Name, destination?.Name, role, p.NextRole, source?.Reason, action is { Runnable: false }));
        }

        if (role == p.NextRole)
        {
            if (next is null) return;
            if (p.Reload && current == next && (start is null || start.Optional))
            {
                Emit(ChangeVerb.Reload, current, next, start ?? stop, null);
            }
            else if (start is null || (start.Optional && (start.Runnable || current is null)))
            {
                if (demote is { Optional: false } && promote is { Optional: false })
                    Emit(ChangeVerb.RePromote, current, next, promote, demote);
            }
            else if (!start.Runnable)
            {
                Emit(ChangeVerb.Stop, current, null, stop ?? start, stop?.Reason is not null ? stop : start);
            }
            else if (moving)
            {
                var migrates = p.MigrationSource is not null && Find("migrate_from", next) is { Runnable: true };
                Emit(p.Failed ? ChangeVerb.Recover : migrates ? ChangeVerb.Migrate : ChangeVerb.Move, current, next, stop, null);
            }
            else if (p.Failed)
            {
                Emit(ChangeVerb.Recover, current, null, stop, null);
            }
            else
            {
                Emit(ChangeVerb.Restart, current, next, start, null);
            }
            return;
        }

        if (stop is not null && (p.NextRole == Role.Stopped || start is { Runnable: false }))
        {
            foreach (var node in p.RunningOn)
            {
                var stopOp = Find("stop", node);
                Emit(ChangeVerb.Stop, node, null, stopOp ?? start, stopOp?.Reason is not null ? stopOp : start);
            }
        }
        else if (stop is not null && p.Failed)
        {
            Emit(ChangeVerb.Recover, current, next, stop, start);
        }
        else if (moving)
        {
            Emit(ChangeVerb.Move, current, next, stop, null);
        }
        else if (stop is { Optional: false })
        {
            Emit(ChangeVerb.Restart, current, next, start, null);
        }
        else if (role == Role.Promoted)
        {
            Emit(ChangeVerb.Demote, current, next, demote, null);
        }
        else if (p.NextRole == Role.Promoted)
        {
            Emit(ChangeVerb.Promote, current, next, promote, null);
        }
        else if (role == Role.Stopped && p.NextRole > Role.Stopped)
        {
            Emit(ChangeVerb.Start, current, next, start, null);
        }
    }
}
