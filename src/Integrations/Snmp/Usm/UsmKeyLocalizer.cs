namespace HaApi.Integrations.Snmp.Usm;

/// <summary>
/// Password-to-key (RFC 3414 A.2, generalised to SHA-256 by RFC 7860 §9.3): hash the passphrase repeated to
/// 1 MiB into Ku, then localise it to one authoritative engine as Kul = H(Ku || engineID || Ku).
/// Costs about a millisecond per call, so callers cache the localised keys per engine id.
/// </summary>
public static class UsmKeyLocalizer
{
    private const int ExpansionLength = 1_048_576;

    /// <summary>RFC 3414 requires at least 8 octets; net-snmp refuses shorter ones too.</summary>
    public const int MinimumPassphraseLength = 8;

    public static byte[] PasswordToKey(SnmpAuthProtocol protocol, ReadOnlySpan<byte> passphrase)
    {
        if (passphrase.Length < MinimumPassphraseLength)
            throw new ArgumentException($"SNMPv3 passphrases must be at least {MinimumPassphraseLength} octets long.", nameof(passphrase));
        byte[] expanded = new byte[ExpansionLength];
        for (int i = 0; i < ExpansionLength; i += passphrase.Length)
        {
            int n = Math.Min(passphrase.Length, ExpansionLength - i);
            passphrase[..n].CopyTo(expanded.AsSpan(i));
        }
        return protocol.Hash(expanded);
    }

    public static byte[] Localize(SnmpAuthProtocol protocol, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> engineId)
    {
        byte[] buffer = new byte[masterKey.Length * 2 + engineId.Length];
        masterKey.CopyTo(buffer);
        engineId.CopyTo(buffer.AsSpan(masterKey.Length));
        masterKey.CopyTo(buffer.AsSpan(masterKey.Length + engineId.Length));
        return protocol.Hash(buffer);
    }

    public static byte[] LocalizedKey(SnmpAuthProtocol protocol, ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> engineId) =>
        Localize(protocol, PasswordToKey(protocol, passphrase), engineId);
}
