using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// One resource operation result, multicast by the node that ran it so every node records it in its copy of the
/// cluster status (Pacemaker writes the same into the CIB status section). Applied in agreed delivery order, every
/// node's status stays identical, and a new DC continues from it.
/// </summary>
/// <param name="Node">The node that ran the operation.</param>
/// <param name="Operation">The agent action (a probe is "monitor" with a zero interval).</param>
/// <param name="RcCode">The agent's exit code.</param>
/// <param name="OpStatus">The executor's status, as <see cref="Model.OperationRecord.OpStatus"/> (0 done, 2 timed out, 4 error...).</param>
/// <param name="ExpectedRc">What the DC asked for (7 for a probe): tells a probe's "not running" from a failed monitor.</param>
/// <param name="TransitionKey">"transition:action" when the DC dispatched the operation; null for a recurring monitor's
/// change of result, which the DC did not ask for.</param>
/// <param name="Digest">The operation digest of the parameters the operation ran with (starts), so a later change of
/// the definition is detected.</param>
/// <param name="FailCountIncrement">How much the failure adds to the fail count: 0 for a success, 1, or INFINITY for a
/// failed start with start-failure-is-fatal. Decided by the sender so every node applies the same number.</param>
public sealed record OperationResultRecorded(
    string Node,
    string ResourceId,
    string? Class,
    string? Provider,
    string? Type,
    string Operation,
    TimeSpan Interval,
    int RcCode,
    int OpStatus,
    int ExpectedRc,
    DateTimeOffset Time,
    long ExecTimeMs = 0,
    string? ExitReason = null,
    string? TransitionKey = null,
    string? Digest = null,
    int FailCountIncrement = 0) : ClusterMessage
{
    public bool IsProbe => Operation == "monitor" && Interval == TimeSpan.Zero;

    /// <summary>Whether the result is what the DC asked for. A probe finding the resource running (0/8) is not what was
    /// expected, but it is news rather than a failure.</summary>
    public bool IsExpected => (OpStatus == Model.OperationRecord.StatusDone && RcCode == ExpectedRc) || IsCancellation;

    /// <summary>A recurring monitor ended on request (a cancel action): not a failure, and the end of its history.</summary>
    public bool IsCancellation => OpStatus == Model.OperationRecord.StatusCancelled && Interval > TimeSpan.Zero && Operation == "monitor";

    public bool IsFailure => !IsExpected && !(IsProbe && OpStatus == Model.OperationRecord.StatusDone && RcCode is 0 or 7 or 8);
}
