namespace HaApi.Engine.Execution;

/// <summary>
/// Human text of exit codes and execution statuses, spelled as Pacemaker 2.1 prints them in crm_mon's
/// failed actions ("'not running' (7)"), so operators can search for what they already know.
/// </summary>
public static class ExitCodeText
{
    public static string Describe(int exitCode) => exitCode switch
    {
        0 => "ok",
        1 => "error",
        2 => "invalid parameter",
        3 => "unimplemented feature",
        4 => "insufficient privileges",
        5 => "not installed",
        6 => "not configured",
        7 => "not running",
        8 => "promoted",
        9 => "promoted (failed)",
        190 => "OCF_DEGRADED", // sic: Pacemaker 2.1 has no friendlier text for it
        191 => "promoted (degraded)",
        _ => "unknown",
    };

    public static string Describe(OcfExitCode exitCode) => Describe((int)exitCode);

    public static string Describe(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Done => "complete",
        ExecutionStatus.Cancelled => "Cancelled",
        ExecutionStatus.TimedOut => "Timed Out",
        ExecutionStatus.NotSupported => "NOT SUPPORTED",
        ExecutionStatus.Error => "Error",
        ExecutionStatus.NotInstalled => "Not installed",
        ExecutionStatus.ErrorHard => "Hard error",
        ExecutionStatus.ErrorFatal => "Fatal error",
        _ => "unknown",
    };

    /// <summary>Pacemaker's words for an executor status recorded in the history (op-status, Pacemaker's numbers:
    /// pcmk_exec_status_str), as crm_mon prints them in "could not be executed (Timed Out)".</summary>
    public static string DescribeOperationStatus(int opStatus) => opStatus switch
    {
        -1 => "pending",
        0 => "complete",
        1 => "Cancelled",
        2 => "Timed Out",
        3 => "NOT SUPPORTED",
        4 => "Error",
        5 => "Hard error",
        6 => "Fatal error",
        7 => "Not installed",
        8 => "Internal communication failure",
        9 => "Cannot execute now",
        10 => "No fence device",
        11 => "CIB secrets unavailable",
        _ => "UNKNOWN!",
    };

    /// <summary>crm_mon's rendering of a result: "'not running' (7)".</summary>
    public static string Format(int exitCode) => $"'{Describe(exitCode)}' ({exitCode})";
}
