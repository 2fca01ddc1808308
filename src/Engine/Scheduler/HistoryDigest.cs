using System.Runtime.CompilerServices;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// What one resource history says on its own, for a history that records only successes (and operations in flight):
/// the role it leaves the resource in and the start that made it active. Such a history needs neither the
/// configuration, nor the time, nor the node's condition to be read, and nearly every history is one. A status holds
/// one history per resource and node; its digests are worked out once per node_state object and shared by every run
/// that reads it (the status is immutable, and usually changes for one node at a time), so a run reads them from one
/// array instead of walking a few hundred thousand operation records. A history with a failure is read in full
/// every run (UnpackHistoryPhase.Evaluate).
/// </summary>
/// <param name="Successful">The history records no failure and no missing agent; Role and LastStart hold.</param>
internal readonly record struct HistoryDigest(bool Successful, Role Role, OperationRecord? LastStart)
{
    private static readonly ConditionalWeakTable<NodeState, HistoryDigest[]> Cache = [];

    /// <summary>The digests of a node_state's histories, by their position in it.</summary>
    public static HistoryDigest[] Of(NodeState state) => Cache.GetValue(state, s => [.. s.Resources.Select(Read)]);

    private static HistoryDigest Read(ResourceHistory history)
    {
        var role = Role.Unknown;
        OperationRecord? lastStart = null;
        foreach (var op in UnpackHistoryPhase.InCallOrder(history.Operations))
        {
            if (UnpackHistoryPhase.Skipped(op)) continue;
            if (op.OpStatus == OperationRecord.StatusPending) role = UnpackHistoryPhase.AfterPending(op, role);
            else if (UnpackHistoryPhase.AgentMissing(op) || !UnpackHistoryPhase.Succeeded(op)) return default;
            else
            {
                role = UnpackHistoryPhase.AfterSuccess(op, role, out _, out var started);
                if (started) lastStart = op;
            }
        }
        return new HistoryDigest(true, role == Role.Unknown ? Role.Stopped : role, lastStart);
    }
}
