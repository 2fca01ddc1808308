using System.Security.Cryptography;

namespace HaApi.Integrations.Snmp.Usm;

/// <summary>USM authentication protocols HaApi speaks: HMAC-SHA-1-96 (RFC 3414) and HMAC-SHA-256-192 (RFC 7860).</summary>
public enum SnmpAuthProtocol
{
    /// <summary>usmHMACSHAAuthProtocol, 1.3.6.1.6.3.10.1.1.3: 20-octet key, MAC truncated to 12 octets.</summary>
    HmacSha1,

    /// <summary>usmHMAC192SHA256AuthProtocol, 1.3.6.1.6.3.10.1.1.5: 32-octet key, MAC truncated to 24 octets.</summary>
    HmacSha256,
}

public static class SnmpAuthProtocolExtensions
{
    public static int MacLength(this SnmpAuthProtocol protocol) => protocol switch
    {
        SnmpAuthProtocol.HmacSha1 => 12,
        SnmpAuthProtocol.HmacSha256 => 24,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static int KeyLength(this SnmpAuthProtocol protocol) => protocol switch
    {
        SnmpAuthProtocol.HmacSha1 => 20,
        SnmpAuthProtocol.HmacSha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    internal static byte[] Hash(this SnmpAuthProtocol protocol, ReadOnlySpan<byte> data) => protocol switch
    {
        SnmpAuthProtocol.HmacSha1 => SHA1.HashData(data),
        SnmpAuthProtocol.HmacSha256 => SHA256.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>The truncated HMAC over a whole message whose authentication parameters are zeroed.</summary>
    internal static byte[] Mac(this SnmpAuthProtocol protocol, ReadOnlySpan<byte> localizedKey, ReadOnlySpan<byte> message)
    {
        byte[] full = protocol switch
        {
            SnmpAuthProtocol.HmacSha1 => HMACSHA1.HashData(localizedKey, message),
            SnmpAuthProtocol.HmacSha256 => HMACSHA256.HashData(localizedKey, message),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
        };
        return full[..protocol.MacLength()];
    }
}
