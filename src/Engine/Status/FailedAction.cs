using System.Collections.Immutable;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Engine.Status;

/// <summary>
/// A failed resource operation as crm_mon lists it under "Failed Resource Actions".
/// </summary>
/// <param name="Resource">The resource id the history records it under.</param>
/// <param name="IntervalMs">0 for one-shot operations (a monitor with interval 0 is a probe).</param>
/// <param name="RcCode">The agent's exit code; RcText is its OCF name ("not running").</param>
/// <param name="OpStatus">The executor's status (Pacemaker's numbers: 0 complete, 2 timed out, 4 error...);
/// OpStatusText is Pacemaker's word for it.</param>
/// <param name="ExitReason">The agent's explanation, when it gave one.</param>
/// <param name="LastRcChange">When the result last changed.</param>
public sealed record FailedAction(
    string Resource,
    string Operation,
    long IntervalMs,
    string Node,
    int RcCode,
    string RcText,
    int OpStatus,
    string OpStatusText,
    string? ExitReason,
    int CallId,
    DateTimeOffset? LastRcChange,
    long? ExecTimeMs)
{
    /// <summary>Pacemaker's operation key: "vip_monitor_10000".</summary>
    public string OperationKey => $"{Resource}_{Operation}_{IntervalMs}";

    /// <summary>
    /// The failed operations in the histories of the given nodes, nodes in the order given, each resource's
    /// operations in call order, one per operation key and node (the compacted history repeats a failure in
    /// "_last_failure_0" and in the operation's own record). One known difference from crm_mon 2.1.5: for records
    /// without an operation_key attribute (CIBs older than Pacemaker 1.1) crm_mon keeps only the first failure per
    /// node, a side effect of comparing missing keys as equal.
    /// </summary>
    public static ImmutableArray<FailedAction> From(IEnumerable<NodeState> nodes, Func<string, bool> isManaged)
    {
        var result = ImmutableArray.CreateBuilder<FailedAction>();
        foreach (var node in nodes)
        {
            foreach (var history in node.Resources)
            {
                var seen = new HashSet<(string, TimeSpan)>();
                foreach (var op in history.Operations.Where(o => o.CallId >= 0).OrderBy(o => o.CallId))
                {
                    if (!IsFailure(op, isManaged(history.ResourceId)) || !seen.Add((op.Operation, op.Interval))) continue;
                    result.Add(new FailedAction(ResourceOf(op, history), op.Operation, (long)op.Interval.TotalMilliseconds, node.Name,
                        op.RcCode, ExitCodeText.Describe(op.RcCode), op.OpStatus, ExitCodeText.DescribeOperationStatus(op.OpStatus), op.ExitReason,
                        op.CallId, op.LastRcChange, op.ExecTimeMs));
                }
            }
        }
        return result.ToImmutable();
    }

    /// <summary>Pacemaker names the resource from the operation key ("rsc_monitor_10000") when the record's id is
    /// one; compacted records ("rsc_last_failure_0") belong to the history's resource.</summary>
    private static string ResourceOf(OperationRecord op, ResourceHistory history)
    {
        var suffix = $"_{op.Operation}_{(long)op.Interval.TotalMilliseconds}";
        return op.Id.Length > suffix.Length && op.Id.EndsWith(suffix, StringComparison.Ordinal) ? op.Id[..^suffix.Length] : history.ResourceId;
    }

    /// <summary>
    /// Pacemaker's verdict on a recorded result: a final executor status other than complete or error is a
    /// failure as such; otherwise the exit code is compared with the one expected, except that a probe finding the
    /// resource stopped or running is never a failure, nor is "not running" for a resource nobody manages.
    /// </summary>
    private static bool IsFailure(OperationRecord op, bool managed)
    {
        if (op.OpStatus is OperationRecord.StatusPending or OperationRecord.StatusCancelled) return false;
        // A probe finding the agent missing says the resource cannot run there, which is not a failure of it.
        if (op.IsProbe && (op.RcCode == 5 || op.OpStatus == StatusNotInstalled)) return false;
        if (op.OpStatus is not (OperationRecord.StatusDone or StatusError)) return true;
        var expected = op.ExpectedRc ?? (op.IsProbe ? 7 : 0);
        if (op.RcCode == expected) return false;
        return op.RcCode switch
        {
            0 or 8 => !op.IsProbe,
            7 => !op.IsProbe && managed,
            _ => true,
        };
    }

    private const int StatusError = 4;
    private const int StatusNotInstalled = 7;
}
