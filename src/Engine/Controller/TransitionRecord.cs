using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Controller;

public enum TransitionOutcome
{
    /// <summary>Still running.</summary>
    InProgress,

    /// <summary>Every runnable action succeeded (blocked actions were left alone).</summary>
    Complete,

    /// <summary>An action failed or timed out, or a new event arrived; the scheduler was run again.</summary>
    Aborted,

    /// <summary>This node stopped being DC while the transition ran.</summary>
    Abandoned,
}

/// <summary>A computed transition with the exact input it came from: Scheduler.Schedule(Input) replays it.</summary>
public sealed record TransitionRecord(
    long Id,
    SchedulerInput Input,
    Transition Transition,
    string Trigger,
    TransitionOutcome Outcome = TransitionOutcome.InProgress,
    string? AbortReason = null);
