using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// failure-timeout as Pacemaker 2.1.5 applies it, against the input's "now" (never a clock): a fail count whose
/// latest failure is more than failure-timeout old no longer counts, and a failed operation recorded at least
/// failure-timeout ago is ignored as long as no unexpired fail count remains. Checked against crm_simulate -t: a
/// fail count expires one second after last-failure + failure-timeout, an operation exactly at last-rc-change +
/// failure-timeout.
/// </summary>
internal static class FailureExpiry
{
    /// <summary>The resource's failure-timeout; none when unset, zero, or when failures block the resource
    /// (on-fail=block keeps the failure until an operator clears it).</summary>
    public static TimeSpan Timeout(PrimitiveNode p) => p.FailureTimeout ??= ComputeTimeout(p);

    private static TimeSpan ComputeTimeout(PrimitiveNode p)
    {
        if (!p.Meta.TryGetValue(MetaNames.FailureTimeout, out var text) || !Duration.TryParse(text, out var timeout)) return TimeSpan.Zero;
        if (p.Definition.Operations.Any(o => o.OnFail == OnFail.Block)) return TimeSpan.Zero;
        // Pacemaker keeps whole seconds.
        return TimeSpan.FromSeconds(Math.Floor(timeout.TotalSeconds));
    }

    /// <summary>The fail count that still counts on a node (zero once every failure has expired).</summary>
    public static int EffectiveFailCount(WorkingSet ws, PrimitiveNode p, NodeInfo node)
    {
        if (node.State is null) return 0;
        var count = node.FailCount(p.HistoryId).Value;
        if (count <= 0) return count;
        var timeout = Timeout(p);
        if (timeout <= TimeSpan.Zero || node.LastFailure(p.HistoryId) is not { } last) return count;
        var expires = last + timeout;
        // "Later than" flips one tick after the expiry instant.
        ws.NoteTimeBoundary(expires.AddTicks(1));
        return ws.Input.Now > expires ? 0 : count;
    }

    /// <summary>What an operation's age means for the resource on a node.</summary>
    public static OperationAge Age(WorkingSet ws, PrimitiveNode p, NodeInfo node, OperationRecord op)
    {
        var timeout = Timeout(p);
        if (timeout <= TimeSpan.Zero || op.LastRcChange is not { } ran) return OperationAge.Current;
        ws.NoteTimeBoundary(ran + timeout);
        if (ws.Input.Now < ran + timeout) return OperationAge.Current;
        var raw = node.State is null ? 0 : node.FailCount(p.HistoryId).Value;
        if (raw <= 0) return OperationAge.Expired;
        // An old operation with a still-counting fail count is not expired: the failure it belongs to is recent.
        return EffectiveFailCount(ws, p, node) == 0 ? OperationAge.ExpiredWithFailCount : OperationAge.Current;
    }
}

internal enum OperationAge
{
    Current,
    /// <summary>Older than failure-timeout; a failure it recorded is ignored.</summary>
    Expired,
    /// <summary>Expired, and the node still holds the (expired) fail count: it is to be cleared.</summary>
    ExpiredWithFailCount,
}
