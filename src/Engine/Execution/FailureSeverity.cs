namespace HaApi.Engine.Execution;

/// <summary>How far a failed operation reaches (Pacemaker's recovery classes, lib/pengine/unpack.c).</summary>
public enum FailureSeverity
{
    /// <summary>Not a failure.</summary>
    None,

    /// <summary>A failure that is recorded but triggers no recovery: a failed notify, a recurring monitor the
    /// agent does not implement (rc 3).</summary>
    NoRecovery,

    /// <summary>The operation's on-fail applies (default restart); the fail-count rises and counts towards
    /// migration-threshold.</summary>
    Soft,

    /// <summary>The resource cannot run on this node: -INFINITY location ban on the node, then on-fail.</summary>
    Hard,

    /// <summary>The configuration is wrong everywhere (rc 6): the resource is banned from every node and stops.</summary>
    Fatal,
}
