namespace HaApi.Integrations.Snmp;

/// <summary>Stable ids of what the SNMP sink reports (a log catalog: keep numbers, add new ones).</summary>
public enum SnmpSinkEventId
{
    EventQueueFull = 1,
    RecipientQueueFull = 2,
    ReceiverUnresolvable = 3,
    ReceiverUnreachable = 4,
    ReceiverRejected = 5,
    SendError = 6,
    ConfigurationApplied = 7,
}

/// <summary>
/// One thing worth logging, rate limited per receiver. <see cref="Suppressed"/> counts the same problem's
/// occurrences that were not reported since the previous report. Messages never contain communities or keys.
/// </summary>
public sealed record SnmpSinkDiagnostic(SnmpSinkEventId Id, bool IsWarning, string Message, string? AlertId, string? Recipient, long Suppressed);
