namespace HaApi.Integrations.Snmp.Ber;

/// <summary>The single-octet BER identifiers SNMP uses (universal, application and context-specific PDU tags).</summary>
public static class BerTag
{
    public const byte Integer = 0x02;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte ObjectIdentifier = 0x06;
    public const byte Sequence = 0x30;

    public const byte IpAddress = 0x40;
    public const byte Counter32 = 0x41;
    public const byte Gauge32 = 0x42;
    public const byte TimeTicks = 0x43;
    public const byte Opaque = 0x44;
    public const byte Counter64 = 0x46;

    // Exceptions a responder puts in a varbind value instead of data (RFC 3416 §3).
    public const byte NoSuchObject = 0x80;
    public const byte NoSuchInstance = 0x81;
    public const byte EndOfMibView = 0x82;

    public const byte GetRequestPdu = 0xA0;
    public const byte GetNextRequestPdu = 0xA1;
    public const byte ResponsePdu = 0xA2;
    public const byte SetRequestPdu = 0xA3;
    public const byte GetBulkRequestPdu = 0xA5;
    public const byte InformRequestPdu = 0xA6;
    public const byte SnmpV2TrapPdu = 0xA7;
    public const byte ReportPdu = 0xA8;
}
