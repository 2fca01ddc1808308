using Microsoft.Extensions.Logging;

namespace HaApi.Integrations.Snmp;

/// <summary>Stable event ids of the SNMP sink's log messages (a catalog: keep the numbers, add new ones).</summary>
public enum SnmpSinkEventId
{
    ConfigurationApplied = 4101,
    EventQueueFull = 4102,
    RecipientQueueFull = 4103,
    ReceiverUnresolvable = 4104,
    ReceiverUnreachable = 4105,
    ReceiverRejected = 4106,
    SendError = 4107,
    MappingFailed = 4108,
}

/// <summary>
/// The sink's log messages. Problems with one receiver are rate limited by the caller; Suppressed counts the
/// occurrences not logged since the previous message. No message has a parameter that could hold a community,
/// passphrase or key.
/// </summary>
internal static partial class SnmpSinkLog
{
    [LoggerMessage(EventId = (int)SnmpSinkEventId.ConfigurationApplied, Level = LogLevel.Information,
        Message = "SNMP trap sink configured with {ReceiverCount} receiver(s)")]
    public static partial void ConfigurationApplied(ILogger logger, int receiverCount);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.EventQueueFull, Level = LogLevel.Warning,
        Message = "SNMP event queue is full ({Capacity}); events are dropped ({Suppressed} more since the last report)")]
    public static partial void EventQueueFull(ILogger logger, int capacity, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.RecipientQueueFull, Level = LogLevel.Warning,
        Message = "Queue for SNMP receiver {Receiver} of alert {AlertId} is full ({Capacity}); notifications are dropped ({Suppressed} more since the last report)")]
    public static partial void RecipientQueueFull(ILogger logger, string receiver, string alertId, int capacity, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.ReceiverUnresolvable, Level = LogLevel.Warning,
        Message = "SNMP receiver name {Host} of alert {AlertId} cannot be resolved ({Problem}); notifications to it are dropped ({Suppressed} more since the last report)")]
    public static partial void ReceiverUnresolvable(ILogger logger, string host, string alertId, string problem, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.ReceiverUnreachable, Level = LogLevel.Warning,
        Message = "SNMP receiver {Receiver} ({Address}) of alert {AlertId} is unreachable: {Outcome}, {Detail} after {Attempts} attempt(s) ({Suppressed} more since the last report)")]
    public static partial void ReceiverUnreachable(ILogger logger, string receiver, string address, string alertId, SnmpSendOutcome outcome,
        string? detail, int attempts, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.ReceiverRejected, Level = LogLevel.Warning,
        Message = "SNMP receiver {Receiver} of alert {AlertId} rejected the notification: {Detail} ({Suppressed} more since the last report)")]
    public static partial void ReceiverRejected(ILogger logger, string receiver, string alertId, string? detail, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.SendError, Level = LogLevel.Error,
        Message = "Sending to SNMP receiver {Receiver} of alert {AlertId} failed: {ErrorType} ({Suppressed} more since the last report)")]
    public static partial void SendError(ILogger logger, string receiver, string alertId, string errorType, long suppressed);

    [LoggerMessage(EventId = (int)SnmpSinkEventId.MappingFailed, Level = LogLevel.Error,
        Message = "Could not turn a {EventType} into SNMP notifications ({Suppressed} more since the last report)")]
    public static partial void MappingFailed(ILogger logger, Exception exception, string eventType, long suppressed);
}
