using System.Security.Cryptography;
using HaApi.Integrations.Snmp.Ber;
using HaApi.Integrations.Snmp.Usm;

namespace HaApi.Integrations.Snmp.Protocol;

/// <summary>The parts of a received SNMPv3 message HaApi needs (RFC 3412 header, RFC 3414 USM parameters).</summary>
public sealed record SnmpV3Received(
    int MessageId,
    byte Flags,
    byte[] EngineId,
    int EngineBoots,
    int EngineTime,
    string UserName,
    SnmpPdu? Pdu)
{
    public bool IsAuthenticated => (Flags & SnmpV3Message.FlagAuth) != 0;
}

/// <summary>
/// Encoder/decoder for SNMPv3 messages with the User-based Security Model: HMAC authentication over the whole
/// message and AES-128-CFB encryption of the scopedPDU.
/// </summary>
public static class SnmpV3Message
{
    public const int Version = 3;
    public const int UsmSecurityModel = 3;
    public const byte FlagAuth = 0x01;
    public const byte FlagPriv = 0x02;
    public const byte FlagReportable = 0x04;

    /// <summary>Largest SNMP message over UDP/IPv4 (RFC 3417 recommends at least 1472; we accept what fits a datagram).</summary>
    public const int MaxMessageSize = 65507;

    public static byte Flags(SnmpSecurityLevel level, bool reportable) => (byte)(
        (level != SnmpSecurityLevel.NoAuthNoPriv ? FlagAuth : 0) |
        (level == SnmpSecurityLevel.AuthPriv ? FlagPriv : 0) |
        (reportable ? FlagReportable : 0));

    /// <summary>
    /// Encodes a message. <paramref name="user"/> null means the empty-user discovery probe (noAuthNoPriv).
    /// <paramref name="engineId"/> is the authoritative engine: ours for a trap, the receiver's for an inform.
    /// </summary>
    public static byte[] Encode(
        int messageId, bool reportable, UsmUser? user, byte[] engineId, int engineBoots, int engineTime,
        byte[] contextEngineId, SnmpPdu pdu)
    {
        var level = user?.Level ?? SnmpSecurityLevel.NoAuthNoPriv;
        var keys = user is null || level == SnmpSecurityLevel.NoAuthNoPriv ? null : user.KeysFor(engineId);

        var scoped = new BerWriter();
        scoped.BeginSequence();
        scoped.WriteOctetString(contextEngineId);
        scoped.WriteOctetString([]);
        pdu.WriteTo(scoped);
        scoped.EndConstructed();

        byte[] privParams = [];
        byte[] msgData = scoped.ToArray();
        if (level == SnmpSecurityLevel.AuthPriv)
        {
            privParams = RandomNumberGenerator.GetBytes(Aes128CfbPrivacy.SaltLength);
            msgData = Aes128CfbPrivacy.Encrypt(keys!.Priv!, engineBoots, engineTime, privParams, msgData);
        }

        var usm = new BerWriter();
        usm.BeginSequence();
        usm.WriteOctetString(engineId);
        usm.WriteInteger(engineBoots);
        usm.WriteInteger(engineTime);
        usm.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(user?.Name ?? ""));
        usm.WriteOctetString(level == SnmpSecurityLevel.NoAuthNoPriv ? [] : new byte[user!.AuthProtocol.MacLength()]);
        usm.WriteOctetString(privParams);
        usm.EndConstructed();

        var message = new BerWriter(msgData.Length + 256);
        message.BeginSequence();
        message.WriteInteger(Version);
        message.BeginSequence();
        message.WriteInteger(messageId);
        message.WriteInteger(MaxMessageSize);
        message.WriteOctetString([Flags(level, reportable)]);
        message.WriteInteger(UsmSecurityModel);
        message.EndConstructed();
        message.WriteOctetString(usm.WrittenSpan);
        if (level == SnmpSecurityLevel.AuthPriv) message.WriteOctetString(msgData);
        else message.WriteEncoded(msgData);
        message.EndConstructed();
        byte[] bytes = message.ToArray();

        if (level != SnmpSecurityLevel.NoAuthNoPriv)
        {
            var (offset, length) = LocateAuthParameters(bytes);
            byte[] mac = user!.AuthProtocol.Mac(keys!.Auth!, bytes);
            mac.CopyTo(bytes.AsSpan(offset, length));
        }
        return bytes;
    }

    /// <summary>
    /// Decodes a message. <paramref name="user"/> supplies keys to check the MAC and decrypt; an authenticated
    /// message whose MAC does not verify is rejected with <see cref="SnmpAuthenticationException"/>. When the
    /// message is encrypted and no user is given, Pdu is null.
    /// </summary>
    public static SnmpV3Received Decode(byte[] datagram, UsmUser? user)
    {
        var outer = new BerReader(datagram);
        var message = outer.ReadSequence();
        long version = message.ReadInteger();
        if (version != Version) throw new BerException($"Not an SNMPv3 message (version field {version})", 0);
        var header = message.ReadSequence();
        int messageId = checked((int)header.ReadInteger());
        header.ReadInteger(); // msgMaxSize
        var flagsOctets = header.ReadOctetString();
        if (flagsOctets.Length != 1) throw new BerException("msgFlags must be one octet", header.Offset);
        byte flags = flagsOctets[0];
        long model = header.ReadInteger();
        if (model != UsmSecurityModel) throw new BerException($"Security model {model} is not USM", header.Offset);

        var usm = message.ReadConstructed(BerTag.OctetString).ReadSequence();
        byte[] engineId = usm.ReadOctetString();
        int boots = checked((int)usm.ReadInteger());
        int time = checked((int)usm.ReadInteger());
        string userName = System.Text.Encoding.UTF8.GetString(usm.Read(BerTag.OctetString));
        var authParams = usm.Read(BerTag.OctetString, out int authOffset).ToArray();
        byte[] privParams = usm.ReadOctetString();

        UsmLocalizedKeys? keys = null;
        if ((flags & FlagAuth) != 0 && user is not null && user.Level != SnmpSecurityLevel.NoAuthNoPriv)
        {
            keys = user.KeysFor(engineId);
            if (authParams.Length != user.AuthProtocol.MacLength())
                throw new SnmpAuthenticationException("Authentication parameters have the wrong length for the configured protocol.");
            byte[] copy = (byte[])datagram.Clone();
            Array.Clear(copy, authOffset, authParams.Length);
            byte[] expected = user.AuthProtocol.Mac(keys.Auth!, copy);
            if (!CryptographicOperations.FixedTimeEquals(expected, authParams))
                throw new SnmpAuthenticationException("Message authentication failed (wrong authentication key or tampered message).");
        }

        SnmpPdu? pdu = null;
        if ((flags & FlagPriv) != 0)
        {
            byte[] encrypted = message.ReadOctetString();
            if (keys?.Priv is not null)
            {
                byte[] plain = Aes128CfbPrivacy.Decrypt(keys.Priv, boots, time, privParams, encrypted);
                pdu = ReadScopedPdu(plain);
            }
        }
        else
        {
            var scoped = message.ReadSequence();
            scoped.ReadOctetString();
            scoped.ReadOctetString();
            pdu = SnmpPdu.ReadFrom(ref scoped);
        }
        return new SnmpV3Received(messageId, flags, engineId, boots, time, userName, pdu);
    }

    private static SnmpPdu ReadScopedPdu(byte[] plain)
    {
        var reader = new BerReader(plain);
        var scoped = reader.ReadSequence();
        scoped.ReadOctetString();
        scoped.ReadOctetString();
        return SnmpPdu.ReadFrom(ref scoped);
    }

    /// <summary>Where msgAuthenticationParameters' content sits inside an encoded message.</summary>
    internal static (int Offset, int Length) LocateAuthParameters(ReadOnlySpan<byte> bytes)
    {
        var outer = new BerReader(bytes);
        var message = outer.ReadSequence();
        message.ReadInteger();
        message.ReadSequence();
        var usm = message.ReadConstructed(BerTag.OctetString).ReadSequence();
        usm.ReadOctetString();
        usm.ReadInteger();
        usm.ReadInteger();
        usm.ReadOctetString();
        var auth = usm.Read(BerTag.OctetString, out int offset);
        return (offset, auth.Length);
    }
}

/// <summary>A received SNMPv3 message failed USM authentication.</summary>
public sealed class SnmpAuthenticationException(string message) : Exception(message);
