using HaApi.Engine.Model;

namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// The content of one pacemakerNotificationTrap, i.e. the CRM_alert_* values Pacemaker hands its SNMP agent.
/// Null means "does not apply" and is sent as the configured placeholder (n/a, 2147483647).
/// </summary>
public sealed record PacemakerNotification(
    AlertKinds Kind,
    DateTimeOffset Time,
    string Node,
    string? Resource = null,
    string? Operation = null,
    string? Description = null,
    int? Status = null,
    int? ReturnCode = null,
    int? TargetReturnCode = null,
    string? AttributeName = null,
    string? AttributeValue = null,
    TimeSpan? Interval = null);
