using System.Text;

namespace HaApi.Integrations.Snmp.Usm;

/// <summary>
/// An SNMPv3 USM user with its passphrases. The master keys (Ku) are derived once here; keys localised to a
/// particular engine come from <see cref="KeysFor"/>, which caches them. ToString never shows secrets.
/// </summary>
public sealed class UsmUser
{
    private readonly byte[]? _authMasterKey;
    private readonly byte[]? _privMasterKey;
    private readonly Dictionary<string, UsmLocalizedKeys> _localized = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public UsmUser(string name, SnmpSecurityLevel level, SnmpAuthProtocol authProtocol, string? authPassphrase, string? privPassphrase)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("An SNMPv3 user name is required.", nameof(name));
        Name = name;
        Level = level;
        AuthProtocol = authProtocol;
        if (level != SnmpSecurityLevel.NoAuthNoPriv)
        {
            if (authPassphrase is null) throw new ArgumentException("An authentication passphrase is required for authNoPriv and authPriv.", nameof(authPassphrase));
            _authMasterKey = UsmKeyLocalizer.PasswordToKey(authProtocol, Encoding.UTF8.GetBytes(authPassphrase));
        }
        if (level == SnmpSecurityLevel.AuthPriv)
        {
            if (privPassphrase is null) throw new ArgumentException("A privacy passphrase is required for authPriv.", nameof(privPassphrase));
            // RFC 3826 §1.2: the privacy key is derived with the authentication protocol's hash.
            _privMasterKey = UsmKeyLocalizer.PasswordToKey(authProtocol, Encoding.UTF8.GetBytes(privPassphrase));
        }
    }

    public string Name { get; }

    public SnmpSecurityLevel Level { get; }

    public SnmpAuthProtocol AuthProtocol { get; }

    public UsmLocalizedKeys KeysFor(ReadOnlySpan<byte> engineId)
    {
        string cacheKey = Convert.ToHexString(engineId);
        lock (_gate)
        {
            if (_localized.TryGetValue(cacheKey, out var keys)) return keys;
            keys = new UsmLocalizedKeys(
                _authMasterKey is null ? null : UsmKeyLocalizer.Localize(AuthProtocol, _authMasterKey, engineId),
                _privMasterKey is null ? null : UsmKeyLocalizer.Localize(AuthProtocol, _privMasterKey, engineId));
            // A handful of receivers per user; the bound only guards against a receiver that changes engine id per reply.
            if (_localized.Count >= 64) _localized.Clear();
            _localized[cacheKey] = keys;
            return keys;
        }
    }

    public override string ToString() => $"UsmUser({Name}, {Level}, {AuthProtocol})";
}

/// <summary>Keys localised to one engine; null when the security level does not use them.</summary>
public sealed record UsmLocalizedKeys(byte[]? Auth, byte[]? Priv)
{
    // Records print their members; keys must never reach a log.
    public override string ToString() => "UsmLocalizedKeys(<redacted>)";
}
