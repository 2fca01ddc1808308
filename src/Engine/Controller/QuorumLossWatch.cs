using HaApi.Engine.Model;

namespace HaApi.Engine.Controller;

/// <summary>
/// Decides when a node must fence itself: it has been without quorum for the allowed time (at once with
/// no-quorum-policy=suicide) and its status still shows resources active on it — the majority will recover them,
/// so they must not keep running here. Fires once per loss of quorum. Pure: time is an input.
/// </summary>
public sealed class QuorumLossWatch(TimeSpan after)
{
    private DateTimeOffset? _lostSince;
    private bool _fired;

    /// <summary>True exactly once per loss of quorum, when the node must fence itself now.</summary>
    public bool Observe(bool quorate, bool holdsResources, bool suicide, DateTimeOffset now)
    {
        if (quorate)
        {
            _lostSince = null;
            _fired = false;
            return false;
        }
        _lostSince ??= now;
        if (_fired || !holdsResources || (!suicide && now - _lostSince < after)) return false;
        _fired = true;
        return true;
    }

    /// <summary>Whether the status shows any resource active (or starting) on the node.</summary>
    public static bool HoldsResources(ClusterStatus status, string node) =>
        status.Find(node)?.Resources.Any(r => r.Operations.FirstOrDefault(o => o.Id.EndsWith("_last_0", StringComparison.Ordinal)) is { } last
            && (last.OpStatus == OperationRecord.StatusPending
                ? last.Operation is "start" or "promote"
                : last.OpStatus == OperationRecord.StatusDone
                  && ((last.Operation is "start" or "promote" or "migrate_from" && last.RcCode == 0)
                      || (last.Operation == "monitor" && last.RcCode is 0 or 8)))) == true;
}
