using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>Kinds of events an alert can select (Pacemaker's alert select_* sections).</summary>
[Flags]
public enum AlertKinds
{
    None = 0,
    Node = 1,
    Fencing = 2,
    Resource = 4,
    Attribute = 8,
    All = Node | Fencing | Resource | Attribute,
}

/// <summary>
/// An alert: an external agent run with the CRM_alert_* environment (Pacemaker-compatible), or the built-in
/// SNMP sender ("haapi:snmp") whose recipients are trap receivers.
/// </summary>
public sealed record Alert(
    string Id,
    string Agent,
    ImmutableArray<AlertRecipient> Recipients,
    AlertKinds Kinds,
    ImmutableSortedDictionary<string, string> Parameters,
    ImmutableArray<string> SelectAttributes,
    TimeSpan Timeout,
    string TimestampFormat = "%H:%M:%S.%06N",
    string? Description = null)
{
    public const string SnmpAgent = "haapi:snmp";
}

/// <summary>A recipient of an alert: a value passed to the agent (a file, an address) with optional own parameters.</summary>
public sealed record AlertRecipient(string Id, string Value, ImmutableSortedDictionary<string, string> Parameters);
