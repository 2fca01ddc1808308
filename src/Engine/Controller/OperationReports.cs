using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Controller;

/// <summary>
/// Turns an executor result into the record the executing node multicasts. The fail-count increment is decided here,
/// once, by the node that ran the operation, so that every node applies the same number.
/// </summary>
public static class OperationReports
{
    public static OperationResultRecorded Create(ActionRequest request, OperationResult result, bool startFailureIsFatal, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        var record = new OperationResultRecorded(
            request.Node, request.ResourceId, request.Resource.Class.ToWire(), request.Resource.Provider, request.Resource.Type,
            request.Operation, request.Interval, result.ExitCode, OpStatusOf(result.Status), request.ExpectedRc, time,
            (long)result.Duration.TotalMilliseconds, result.ExitReason, request.TransitionKey,
            request.Operation is OperationNames.Start or OperationNames.MigrateFrom ? OperationDigest.Compute(request.Resource.Parameters) : null);
        if (!record.IsFailure) return record;
        var fatal = request.Operation == OperationNames.Start && startFailureIsFatal;
        return record with { FailCountIncrement = fatal ? Score.InfinityValue : 1 };
    }

    /// <summary>The executor status an op-status number stands for (the inverse of <see cref="OpStatusOf"/>).</summary>
    public static ExecutionStatus ExecutionStatusOf(int opStatus) => opStatus switch
    {
        0 => ExecutionStatus.Done,
        1 => ExecutionStatus.Cancelled,
        2 => ExecutionStatus.TimedOut,
        3 => ExecutionStatus.NotSupported,
        5 => ExecutionStatus.ErrorHard,
        6 => ExecutionStatus.ErrorFatal,
        7 => ExecutionStatus.NotInstalled,
        _ => ExecutionStatus.Error,
    };

    /// <summary>Pacemaker's op-status numbers, as the status records them.</summary>
    public static int OpStatusOf(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Done => 0,
        ExecutionStatus.Cancelled => 1,
        ExecutionStatus.TimedOut => 2,
        ExecutionStatus.NotSupported => 3,
        ExecutionStatus.Error => 4,
        ExecutionStatus.ErrorHard => 5,
        ExecutionStatus.ErrorFatal => 6,
        ExecutionStatus.NotInstalled => 7,
        _ => 4,
    };
}
