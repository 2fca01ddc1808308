namespace HaApi.Integrations.Snmp;

public enum SnmpSendOutcome
{
    /// <summary>A trap left this host (UDP gives no delivery guarantee).</summary>
    Sent,

    /// <summary>An inform was answered by a Response with our request id.</summary>
    Acknowledged,

    /// <summary>No answer to an inform (or to engine discovery) within timeout × (retries + 1).</summary>
    TimedOut,

    /// <summary>The receiver host answered ICMP port unreachable.</summary>
    Refused,

    /// <summary>The receiver answered with a USM Report: unknown user, wrong digest, decryption error …</summary>
    Rejected,

    /// <summary>A local socket error (no route, network down …).</summary>
    Failed,
}

/// <summary>The outcome of one notification to one receiver. Detail is safe to log: it never holds secrets.</summary>
public sealed record SnmpSendResult(SnmpSendOutcome Outcome, string? Detail = null, int Attempts = 1)
{
    public bool Succeeded => Outcome is SnmpSendOutcome.Sent or SnmpSendOutcome.Acknowledged;
}
