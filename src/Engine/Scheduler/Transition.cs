using System.Collections.Immutable;

namespace HaApi.Engine.Scheduler;

public enum ActionKind
{
    Start,
    Stop,
    Monitor,
    Probe,
    Promote,
    Demote,
    Fence,
    ClearFailCount,
    /// <summary>Live migration, first half: the source node hands the resource over (OCF migrate_to).</summary>
    MigrateTo,
    /// <summary>Live migration, second half: the target node takes the resource over (OCF migrate_from).</summary>
    MigrateFrom,
    /// <summary>Stop a recurring monitor that is no longer configured (Interval says which).</summary>
    Cancel,
    /// <summary>A synchronisation point with no work (group/clone "running", a stop implied by fencing...).</summary>
    Pseudo,
}

/// <summary>
/// One scheduled action. Runnable=false means the action is needed but blocked (shown as "(blocked)").
/// Reason is Pacemaker's explanation, e.g. "node availability" or "required rsc1 start".
/// </summary>
public sealed record SchedulerAction(
    int Id,
    ActionKind Kind,
    string Task,
    string? Resource,
    string? Node,
    TimeSpan Interval,
    bool Runnable,
    string? Reason)
{
    /// <summary>For a migrate_to/migrate_from: the node the resource leaves (OCF_RESKEY_CRM_meta_migrate_source).</summary>
    public string? MigrateSource { get; init; }

    /// <summary>For a migrate_to/migrate_from: the node the resource goes to (OCF_RESKEY_CRM_meta_migrate_target).</summary>
    public string? MigrateTarget { get; init; }
}

/// <summary>"First must finish before Then starts" between two actions of the transition.</summary>
public sealed record ActionOrdering(int First, int Then);

public enum ChangeVerb
{
    Start,
    Stop,
    Move,
    Recover,
    Restart,
    Promote,
    Demote,
    RePromote,
    Migrate,
    Reload,
}

/// <summary>
/// What happens to one resource instance, as crm_simulate's "Transition Summary" describes it. Role and NextRole
/// are the current and resulting roles (they decide whether roles are printed).
/// </summary>
public sealed record ResourceChange(
    ChangeVerb Verb,
    string Resource,
    string? Origin,
    string? Destination,
    Model.Role Role,
    Model.Role NextRole,
    string? Reason,
    bool Blocked);

/// <summary>A node-level action for the summary: fencing (with the fence action and why).</summary>
public sealed record NodeChange(string Task, string Node, string? Reason);

/// <summary>The scheduler's output: the actions to run, their ordering, and the per-resource summary.</summary>
public sealed record Transition(
    ImmutableArray<SchedulerAction> Actions,
    ImmutableArray<ActionOrdering> Orderings,
    ImmutableArray<NodeChange> NodeChanges,
    ImmutableArray<ResourceChange> Changes);
