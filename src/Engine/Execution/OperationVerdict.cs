using HaApi.Engine.Model;

namespace HaApi.Engine.Execution;

/// <summary>What one operation result means for the resource on the node that ran it.</summary>
/// <param name="ExpectedExitCode">What the operation should have returned (7 for a probe, 8 for a Promoted monitor…).</param>
/// <param name="ExitCode">The agent's exit code after Pacemaker's remapping: unknown codes become 1, 190 → 0, 191 → 8.</param>
/// <param name="Role">The role the resource is now known to have on the node; Unknown when the result says nothing
/// (cancelled).</param>
/// <param name="Degraded">The agent reported 190/191: running, but failure is more likely. A warning, never a recovery.</param>
/// <param name="Summary">One line for operators, e.g. "'not running' (7), expected 'ok' (0)".</param>
public sealed record OperationVerdict(
    int ExpectedExitCode,
    int ExitCode,
    FailureSeverity Severity,
    Role Role,
    bool Degraded,
    string Summary)
{
    public bool IsFailure => Severity != FailureSeverity.None;

    /// <summary>Whether the scheduler must act (on-fail, bans); NoRecovery failures are only shown.</summary>
    public bool NeedsRecovery => Severity is FailureSeverity.Soft or FailureSeverity.Hard or FailureSeverity.Fatal;
}
