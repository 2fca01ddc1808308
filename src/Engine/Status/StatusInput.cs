using HaApi.Engine.Model;

namespace HaApi.Engine.Status;

/// <summary>
/// Everything a status report is built from: the replicated configuration and status, this node's view of quorum
/// and of the DC, and what the controller is doing right now. "Now" is an input, so a report can be rebuilt exactly.
/// </summary>
/// <param name="Dc">The designated controller's node name; null while none is elected.</param>
/// <param name="LocalNode">The node producing the report.</param>
public sealed record StatusInput(
    ClusterConfig Config,
    ClusterStatus Status,
    bool Quorate,
    string? Dc,
    string LocalNode,
    DateTimeOffset Now,
    IReadOnlyList<InFlightAction> ActionsInFlight,
    IReadOnlyList<PendingFencing> PendingFencing)
{
    /// <summary>The DC's software version, as crm_mon prints it after the DC's name; null prints "unknown".</summary>
    public string? DcVersion { get; init; }

    /// <summary>Fencing that failed and has not succeeded since, per target (this node's fencing history).</summary>
    public IReadOnlyList<FailedFencing> FailedFencing { get; init; } = [];
}

/// <summary>A resource operation dispatched to an executor and not yet reported back.</summary>
/// <param name="Resource">The resource id as dispatched (the primitive's own id for instances of anonymous clones).</param>
public sealed record InFlightAction(string Resource, string Operation, string Node, TimeSpan Interval, DateTimeOffset StartedAt);

/// <summary>A fencing request not yet confirmed or failed.</summary>
/// <param name="Action">"reboot", "off" or "on".</param>
/// <param name="Origin">The node that asked for it.</param>
public sealed record PendingFencing(string Target, string Action, string Origin, DateTimeOffset StartedAt);

/// <summary>The last failed fencing of Target with no success after it; Reason is the fencer's explanation.</summary>
public sealed record FailedFencing(string Target, string Action, string Origin, string Reason, DateTimeOffset FailedAt);
