using System.Text;
using HaApi.Integrations.Snmp.Ber;

namespace HaApi.Integrations.Snmp.Protocol;

/// <summary>A community-based SNMPv2c message (RFC 1901): version 1, community, PDU.</summary>
public static class SnmpV2cMessage
{
    public const int Version = 1;

    public static byte[] Encode(string community, SnmpPdu pdu)
    {
        var writer = new BerWriter();
        writer.BeginSequence();
        writer.WriteInteger(Version);
        writer.WriteOctetString(Encoding.UTF8.GetBytes(community));
        pdu.WriteTo(writer);
        writer.EndConstructed();
        return writer.ToArray();
    }

    /// <summary>Decodes a v2c message; the community is returned for matching only and must never be logged.</summary>
    public static SnmpPdu Decode(ReadOnlySpan<byte> datagram, out byte[] community)
    {
        var outer = new BerReader(datagram);
        var message = outer.ReadSequence();
        long version = message.ReadInteger();
        if (version != Version) throw new BerException($"Not an SNMPv2c message (version field {version})", 0);
        community = message.ReadOctetString();
        return SnmpPdu.ReadFrom(ref message);
    }

    /// <summary>The msgVersion field of any SNMP message (0 = v1, 1 = v2c, 3 = v3).</summary>
    public static long PeekVersion(ReadOnlySpan<byte> datagram)
    {
        var outer = new BerReader(datagram);
        var message = outer.ReadSequence();
        return message.ReadInteger();
    }
}
