using System.Globalization;
using HaApi.Engine.Model;
using HaApi.Integrations.Snmp.Pacemaker;
using HaApi.Integrations.Snmp.Usm;
using P = HaApi.Integrations.Snmp.SnmpAlertParameters;

namespace HaApi.Integrations.Snmp;

/// <summary>
/// One receiver of one "haapi:snmp" alert, validated once when the configuration is applied (keys are derived
/// here, not per trap). ToString shows no secrets.
/// </summary>
public sealed class SnmpRecipientSettings
{
    private SnmpRecipientSettings(
        string alertId, string recipientId, SnmpEndpoint endpoint, SnmpSecurity security, bool inform,
        TimeSpan informTimeout, int informRetries, PacemakerTrapFilter filter, PacemakerTrapBuilder builder)
    {
        AlertId = alertId;
        RecipientId = recipientId;
        Endpoint = endpoint;
        Security = security;
        Inform = inform;
        InformTimeout = informTimeout;
        InformRetries = informRetries;
        Filter = filter;
        Builder = builder;
    }

    public string AlertId { get; }
    public string RecipientId { get; }
    public SnmpEndpoint Endpoint { get; }
    public SnmpSecurity Security { get; }
    public bool Inform { get; }
    public TimeSpan InformTimeout { get; }
    public int InformRetries { get; }
    public PacemakerTrapFilter Filter { get; }
    public PacemakerTrapBuilder Builder { get; }

    public override string ToString() => $"{AlertId}/{RecipientId} -> {Endpoint} ({Security}{(Inform ? ", inform" : "")})";

    /// <summary>All recipients of an SNMP alert; throws <see cref="SnmpConfigurationException"/> on the first bad one.</summary>
    public static IReadOnlyList<SnmpRecipientSettings> FromAlert(Alert alert)
    {
        if (alert.Agent != Alert.SnmpAgent)
            throw new ArgumentException($"Alert '{alert.Id}' is for agent '{alert.Agent}', not {Alert.SnmpAgent}.", nameof(alert));
        var result = new List<SnmpRecipientSettings>(alert.Recipients.Length);
        foreach (var recipient in alert.Recipients)
        {
            var merged = new Dictionary<string, string>(alert.Parameters, StringComparer.Ordinal);
            foreach (var (k, v) in recipient.Parameters) merged[k] = v;
            result.Add(Parse(alert, recipient, merged));
        }
        return result;
    }

    private static SnmpRecipientSettings Parse(Alert alert, AlertRecipient recipient, Dictionary<string, string> p)
    {
        SnmpConfigurationException Bad(string parameter, string problem) => new(alert.Id, recipient.Id, parameter, problem);
        string? Get(string name) => p.TryGetValue(name, out var v) ? v : null;
        bool Bool(string name, bool fallback) => Get(name)?.Trim().ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            _ => throw Bad(name, "must be true or false"),
        };
        int Int(string name, int fallback, int min, int max)
        {
            string? text = Get(name);
            if (text is null) return fallback;
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v
                : throw Bad(name, $"must be an integer from {min} to {max}");
        }

        SnmpEndpoint endpoint;
        try
        {
            endpoint = SnmpEndpoint.Parse(recipient.Value);
        }
        catch (FormatException e)
        {
            throw Bad("value", e.Message);
        }

        SnmpSecurity security = Get(P.Version)?.Trim().ToLowerInvariant() switch
        {
            null or "2c" or "v2c" => new SnmpSecurity.V2c(Get(P.Community) ?? "public"),
            "3" or "v3" => ParseV3(),
            _ => throw Bad(P.Version, "must be 2c or 3 (SNMPv1 traps are not supported)"),
        };

        SnmpSecurity ParseV3()
        {
            string user = Get(P.V3User) is { Length: > 0 } u ? u : throw Bad(P.V3User, "is required for SNMPv3");
            var level = Get(P.V3SecurityLevel)?.Trim().ToLowerInvariant() switch
            {
                null or "authpriv" => SnmpSecurityLevel.AuthPriv,
                "authnopriv" => SnmpSecurityLevel.AuthNoPriv,
                "noauthnopriv" => SnmpSecurityLevel.NoAuthNoPriv,
                _ => throw Bad(P.V3SecurityLevel, "must be authPriv, authNoPriv or noAuthNoPriv"),
            };
            var auth = Get(P.V3AuthProtocol)?.Trim().ToUpperInvariant() switch
            {
                null or "SHA" or "SHA1" or "SHA-1" => SnmpAuthProtocol.HmacSha1,
                "SHA-256" or "SHA256" => SnmpAuthProtocol.HmacSha256,
                _ => throw Bad(P.V3AuthProtocol, "must be SHA or SHA-256"),
            };
            if (Get(P.V3PrivProtocol)?.Trim().ToUpperInvariant() is not (null or "AES" or "AES128" or "AES-128"))
                throw Bad(P.V3PrivProtocol, "must be AES (AES-128-CFB)");
            string? authPass = Get(P.V3AuthPassphrase);
            string? privPass = Get(P.V3PrivPassphrase);
            if (level != SnmpSecurityLevel.NoAuthNoPriv && (authPass is null || authPass.Length < UsmKeyLocalizer.MinimumPassphraseLength))
                throw Bad(P.V3AuthPassphrase, $"must be set and at least {UsmKeyLocalizer.MinimumPassphraseLength} characters for {level}");
            if (level == SnmpSecurityLevel.AuthPriv && (privPass is null || privPass.Length < UsmKeyLocalizer.MinimumPassphraseLength))
                throw Bad(P.V3PrivPassphrase, $"must be set and at least {UsmKeyLocalizer.MinimumPassphraseLength} characters for authPriv");
            byte[]? engineId = null;
            if (Get(P.V3EngineId) is { } hex)
            {
                string digits = hex.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.Trim()[2..] : hex.Trim();
                try
                {
                    engineId = Convert.FromHexString(digits);
                }
                catch (FormatException)
                {
                    throw Bad(P.V3EngineId, "must be hexadecimal");
                }
                if (engineId.Length is < 5 or > 32) throw Bad(P.V3EngineId, "must be 5 to 32 octets");
            }
            return new SnmpSecurity.V3(new UsmUser(user, level, auth, authPass, privPass), engineId);
        }

        var filter = new PacemakerTrapFilter(
            alert.Kinds,
            alert.SelectAttributes.IsDefault ? [] : alert.SelectAttributes,
            PacemakerTrapFilter.ParseList(Get(P.NodeStates)),
            PacemakerTrapFilter.ParseList(Get(P.FencingTasks)),
            PacemakerTrapFilter.ParseList(Get(P.ResourceTasks)),
            Bool(P.MonitorSuccess, false));
        var builder = new PacemakerTrapBuilder(
            Bool(P.AddHiresTimestamp, true),
            Get(P.IgnoreString) ?? PacemakerMib.IgnoreString,
            Int(P.IgnoreInt32, PacemakerMib.IgnoreInt32, int.MinValue, int.MaxValue),
            Bool(P.LegacyVarBinds, false));

        return new SnmpRecipientSettings(alert.Id, recipient.Id, endpoint, security,
            Bool(P.Inform, false), TimeSpan.FromMilliseconds(Int(P.InformTimeoutMs, 1000, 10, 60_000)),
            Int(P.InformRetries, 2, 0, 10), filter, builder);
    }
}
