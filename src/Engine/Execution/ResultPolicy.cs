using HaApi.Engine.Model;

namespace HaApi.Engine.Execution;

/// <summary>
/// Pacemaker's reading of operation results (OCF RA API 1.1 exit codes as remapped by lib/pengine/unpack.c):
/// which exit code an operation expects, whether a result is a failure and how severe, and which role the
/// resource has afterwards. Pure: the same result always gives the same verdict.
/// </summary>
public static class ResultPolicy
{
    /// <summary>The exit code an operation expects: a probe 7 (the resource should not run there), a monitor with
    /// role Promoted 8, a monitor with role Stopped 7, anything else 0.</summary>
    public static int ExpectedExitCode(string action, TimeSpan interval, Role? operationRole)
    {
        if (action != OperationNames.Monitor) return (int)OcfExitCode.Success;
        if (interval == TimeSpan.Zero) return (int)OcfExitCode.NotRunning;
        return operationRole switch
        {
            Role.Promoted => (int)OcfExitCode.RunningPromoted,
            Role.Stopped => (int)OcfExitCode.NotRunning,
            _ => (int)OcfExitCode.Success,
        };
    }

    /// <summary>Pacemaker's executor maps anything outside 0–9 except 190/191 to 1 (services__ocf2ocf), then the
    /// scheduler reads 190 as 0 and 191 as 8 with a degraded flag.</summary>
    public static int Remap(int exitCode) => exitCode switch
    {
        190 => (int)OcfExitCode.Success,
        191 => (int)OcfExitCode.RunningPromoted,
        < 0 or > 9 => (int)OcfExitCode.GenericError,
        _ => exitCode,
    };

    /// <summary>The default on-fail of an operation: a failed stop leaves the resource in an unknown state, so it
    /// fences the node when fencing is enabled and blocks the resource otherwise; everything else restarts.</summary>
    public static OnFail DefaultOnFail(string action, bool fencingEnabled) =>
        action == OperationNames.Stop ? (fencingEnabled ? OnFail.Fence : OnFail.Block) : OnFail.Restart;

    /// <summary>Judges one result for the operation described by the request, using the role of the matching
    /// operation definition (name and interval) of the primitive.</summary>
    public static OperationVerdict Assess(OperationRequest request, OperationResult result, bool promotable, bool managed = true)
    {
        Role? role = null;
        foreach (var op in request.Resource.Operations)
        {
            if (op.Name == request.Action && op.Interval == request.Interval) { role = op.Role; break; }
        }
        return Assess(request.Action, request.Interval, role, result, promotable, managed);
    }

    /// <param name="action">The agent action (start, stop, monitor…).</param>
    /// <param name="interval">Zero for one-shot operations; a monitor with interval zero is a probe.</param>
    /// <param name="operationRole">The role of the operation definition (monitor role=Promoted expects 8).</param>
    /// <param name="result">What the runner returned.</param>
    /// <param name="promotable">The resource is an instance of a promotable clone, so "running" means Unpromoted.</param>
    /// <param name="managed">An unmanaged resource found stopped is not a failure.</param>
    public static OperationVerdict Assess(
        string action, TimeSpan interval, Role? operationRole, OperationResult result, bool promotable, bool managed = true)
    {
        var expected = ExpectedExitCode(action, interval, operationRole);
        var rc = Remap(result.ExitCode);
        var degraded = result.ExitCode is (int)OcfExitCode.Degraded or (int)OcfExitCode.DegradedPromoted;
        var isProbe = action == OperationNames.Monitor && interval == TimeSpan.Zero;
        var isRecurring = interval > TimeSpan.Zero;
        var running = promotable ? Role.Unpromoted : Role.Started;
        // A failed operation leaves the resource possibly active in the role the operation worked on, so it must be
        // stopped (or demoted) before it may run elsewhere.
        var failedRole = action is OperationNames.Promote or OperationNames.Demote || operationRole == Role.Promoted
            ? Role.Promoted
            : running;

        OperationVerdict Verdict(FailureSeverity severity, Role role, string? why = null)
        {
            var summary = severity == FailureSeverity.None
                ? ExitCodeText.Format(rc) + (degraded ? " (degraded)" : "")
                : why ?? $"{ExitCodeText.Format(rc)}, expected {ExitCodeText.Format(expected)}";
            return new OperationVerdict(expected, rc, severity, role, degraded, summary);
        }

        switch (result.Status)
        {
            case ExecutionStatus.Cancelled:
                return new OperationVerdict(expected, rc, FailureSeverity.None, Role.Unknown, false, "Cancelled");
            case ExecutionStatus.TimedOut:
                return Verdict(FailureSeverity.Soft, failedRole, "Timed Out");
            case ExecutionStatus.NotInstalled:
                // The agent itself is missing here, so the resource cannot be running here either.
                return Verdict(FailureSeverity.Hard, Role.Stopped, $"Not installed: {ExitCodeText.Format(rc)}");
            case ExecutionStatus.NotSupported:
                return Verdict(FailureSeverity.NoRecovery, Role.Unknown, "NOT SUPPORTED");
            case ExecutionStatus.ErrorHard:
                return Verdict(FailureSeverity.Hard, failedRole, $"Hard error: {ExitCodeText.Format(rc)}");
            case ExecutionStatus.ErrorFatal:
                return Verdict(FailureSeverity.Fatal, failedRole, $"Fatal error: {ExitCodeText.Format(rc)}");
            case ExecutionStatus.Error when rc is 0 or 7 or 8:
                // The runner failed around an agent that claimed success: trust the failure, not the code.
                return Verdict(FailureSeverity.Soft, failedRole, $"Error: {ExitCodeText.Format(rc)}");
        }

        if (action == OperationNames.Notify)
            return rc == 0 ? Verdict(FailureSeverity.None, Role.Unknown) : Verdict(FailureSeverity.NoRecovery, Role.Unknown);

        switch (rc)
        {
            case (int)OcfExitCode.Success:
                if (expected == rc || isProbe) return Verdict(FailureSeverity.None, action == OperationNames.Stop ? Role.Stopped : running);
                // A Promoted monitor that finds the resource merely running, or a Stopped monitor that finds it running.
                return Verdict(FailureSeverity.Soft, running);
            case (int)OcfExitCode.RunningPromoted:
                return expected == rc || isProbe
                    ? Verdict(FailureSeverity.None, Role.Promoted)
                    : Verdict(FailureSeverity.Soft, Role.Promoted);
            case (int)OcfExitCode.NotRunning:
                // A recurring monitor that expected the resource running means it died: recover it. Stop must return
                // 0, never 7, so 7 from stop is a failure too.
                return expected == rc || isProbe || !managed
                    ? Verdict(FailureSeverity.None, Role.Stopped)
                    : Verdict(FailureSeverity.Soft, Role.Stopped);
            case (int)OcfExitCode.FailedPromoted:
                return Verdict(FailureSeverity.Soft, Role.Promoted);
            case (int)OcfExitCode.Unimplemented:
                return isRecurring ? Verdict(FailureSeverity.NoRecovery, Role.Unknown) : Verdict(FailureSeverity.Hard, failedRole);
            case (int)OcfExitCode.InvalidArgument:
            case (int)OcfExitCode.InsufficientPrivileges:
                return Verdict(FailureSeverity.Hard, failedRole);
            case (int)OcfExitCode.NotInstalled:
                // A probe that finds the software missing proves the resource is not running here.
                return Verdict(FailureSeverity.Hard, isProbe ? Role.Stopped : failedRole);
            case (int)OcfExitCode.NotConfigured:
                return Verdict(FailureSeverity.Fatal, failedRole);
            default:
                return Verdict(FailureSeverity.Soft, failedRole);
        }
    }
}
