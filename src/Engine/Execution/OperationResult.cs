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
public sealed record OperationResult(
    int ExitCode,
    ExecutionStatus Status,
    string? ExitReason,
    TimeSpan Duration,
    string? Output = null)
{
    public static OperationResult Ok(TimeSpan duration) => new((int)OcfExitCode.Success, ExecutionStatus.Done, null, duration);
}
