namespace HaApi.Integrations.Snmp;

/// <summary>
/// An alert for "haapi:snmp" has an invalid parameter. Names the alert, recipient and parameter; never the value
/// of a secret parameter.
/// </summary>
public sealed class SnmpConfigurationException(string alertId, string? recipientId, string parameter, string problem)
    : Exception($"SNMP alert '{alertId}'{(recipientId is null ? "" : $" recipient '{recipientId}'")}: parameter '{parameter}' {problem}")
{
    public string AlertId { get; } = alertId;

    public string? RecipientId { get; } = recipientId;

    public string Parameter { get; } = parameter;
}
