using System.Collections.Immutable;

namespace HaApi.Engine.Execution;

/// <summary>OCF exit codes (OCF RA API 1.1 plus Pacemaker's degraded codes 190/191).</summary>
public enum OcfExitCode
{
    Success = 0,
    GenericError = 1,
    InvalidArgument = 2,
    Unimplemented = 3,
    InsufficientPrivileges = 4,
    NotInstalled = 5,
    NotConfigured = 6,
    NotRunning = 7,
    RunningPromoted = 8,
    FailedPromoted = 9,
    Degraded = 190,
    DegradedPromoted = 191,
}

/// <summary>How the execution itself went, apart from the agent's exit code (Pacemaker's op-status).</summary>
public enum ExecutionStatus
{
    Done,
    Cancelled,
    TimedOut,
    NotSupported,
    Error,
    NotInstalled,
    ErrorHard,
    ErrorFatal,
}

/// <summary>The outcome of one agent action.</summary>
/// <param name="Output">The agent's standard output, truncated to the runner's bound.</param>
/// <param name="ErrorOutput">The agent's standard error (its tail, where the exit reason is), truncated.</param>
/// <param name="AttributeUpdates">Node attributes the agent set or deleted during the action through
/// crm_attribute/crm_master (promotion scores of promotable agents), in call order.</param>
public sealed record OperationResult(
    int ExitCode,
    ExecutionStatus Status,
    string? ExitReason,
    TimeSpan Duration,
    string? Output = null,
    string? ErrorOutput = null,
    ImmutableArray<AttributeUpdate> AttributeUpdates = default)
{
    public static OperationResult Ok(TimeSpan duration) => new((int)OcfExitCode.Success, ExecutionStatus.Done, null, duration);

    /// <summary>Never default: an empty list when the agent published nothing.</summary>
    public ImmutableArray<AttributeUpdate> AttributeUpdates { get; init; } =
        AttributeUpdates.IsDefault ? ImmutableArray<AttributeUpdate>.Empty : AttributeUpdates;
}
