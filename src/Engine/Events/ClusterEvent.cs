namespace HaApi.Engine.Events;

/// <summary>
/// One engine event. Every sink (SNMP, Prometheus, pm_logconv, alert agents, the SSE stream, logs) is fed from
/// this stream; the engine never formats for a particular sink. Node is the node that reports the event.
/// </summary>
public abstract record ClusterEvent(DateTimeOffset Time, string Node)
{
    /// <summary>Assigned by the event hub: a per-process increasing sequence number (SSE id, CRM_alert_node_sequence).</summary>
    public long Sequence { get; init; }
}

/// <summary>A node joined (Member) or left (lost) the membership.</summary>
public sealed record NodeMembershipChanged(DateTimeOffset Time, string Node, string Target, uint TargetId, bool Member)
    : ClusterEvent(Time, Node);

public sealed record QuorumChanged(DateTimeOffset Time, string Node, bool Quorate) : ClusterEvent(Time, Node);

/// <summary>The designated controller changed; Dc is null while none is elected.</summary>
public sealed record DcChanged(DateTimeOffset Time, string Node, string? Dc) : ClusterEvent(Time, Node);

/// <summary>A resource operation was started on Target (the node that runs it).</summary>
public sealed record ResourceOperationStarted(
    DateTimeOffset Time, string Node, string Target, string Resource, string Agent, string Operation, TimeSpan Interval)
    : ClusterEvent(Time, Node);

/// <summary>A resource operation finished. Status is ExecutionStatus's name; Rc the agent's exit code.</summary>
public sealed record ResourceOperationCompleted(
    DateTimeOffset Time, string Node, string Target, string Resource, string Agent, string Operation, TimeSpan Interval,
    int Rc, int ExpectedRc, string Status, string? ExitReason, TimeSpan Duration)
    : ClusterEvent(Time, Node);

/// <summary>The DC started recovering resources of a failed node or resource (pm_logconv's "Start to fail-over.").</summary>
public sealed record FailoverStarted(DateTimeOffset Time, string Node, string? FailedNode, IReadOnlyList<string> Resources)
    : ClusterEvent(Time, Node);

/// <summary>One resource of a fail-over moves From -> To (To is null when it cannot run anywhere).</summary>
public sealed record FailoverResourceMoved(DateTimeOffset Time, string Node, string Resource, string? From, string? To)
    : ClusterEvent(Time, Node);

public sealed record FailoverCompleted(DateTimeOffset Time, string Node, bool Succeeded, TimeSpan Duration)
    : ClusterEvent(Time, Node);

public sealed record FencingStarted(DateTimeOffset Time, string Node, string Target, string Action, string? Device)
    : ClusterEvent(Time, Node);

public sealed record FencingCompleted(
    DateTimeOffset Time, string Node, string Target, string Action, string? Device, bool Succeeded, string? Reason, TimeSpan Duration)
    : ClusterEvent(Time, Node);

/// <summary>A node attribute (transient or permanent) changed; Value null means deleted.</summary>
public sealed record NodeAttributeChanged(DateTimeOffset Time, string Node, string Target, string Name, string? Value)
    : ClusterEvent(Time, Node);

public sealed record ConfigurationChanged(DateTimeOffset Time, string Node, string Version, string Author, string Summary)
    : ClusterEvent(Time, Node);
