using System.Net;
using System.Text;
using HaApi.Integrations.Snmp.Ber;

namespace HaApi.Integrations.Snmp;

/// <summary>A varbind value: one of the SMIv2 types (RFC 2578) or a response exception (noSuchObject …).</summary>
public abstract record SnmpValue
{
    public abstract byte Tag { get; }

    internal abstract void WriteTo(BerWriter writer);

    /// <summary>Encodes just this value (tests compare against known encodings).</summary>
    internal void WriteForTest(BerWriter writer) => WriteTo(writer);

    internal static SnmpValue ReadFrom(ref BerReader reader)
    {
        int at = reader.Offset;
        var content = reader.ReadAny(out byte tag, out int contentAt);
        return tag switch
        {
            BerTag.Integer => new SnmpInteger(checked((int)BerReader.DecodeSigned(content, contentAt))),
            BerTag.OctetString => new SnmpOctetString(content.ToArray()),
            BerTag.Null => SnmpNull.Instance,
            BerTag.ObjectIdentifier => new SnmpOid(BerReader.DecodeObjectIdentifier(content, contentAt)),
            BerTag.IpAddress when content.Length == 4 => new SnmpIpAddress(new IPAddress(content)),
            BerTag.Counter32 => new SnmpCounter32(checked((uint)BerReader.DecodeUnsigned(content, contentAt))),
            BerTag.Gauge32 => new SnmpGauge32(checked((uint)BerReader.DecodeUnsigned(content, contentAt))),
            BerTag.TimeTicks => new SnmpTimeTicks(checked((uint)BerReader.DecodeUnsigned(content, contentAt))),
            BerTag.Counter64 => new SnmpCounter64(BerReader.DecodeUnsigned(content, contentAt)),
            BerTag.NoSuchObject or BerTag.NoSuchInstance or BerTag.EndOfMibView when content.Length == 0 =>
                new SnmpException(tag),
            _ => throw new BerException($"Unsupported varbind value tag 0x{tag:X2} ({content.Length} octets)", at),
        };
    }
}

public sealed record SnmpInteger(int Value) : SnmpValue
{
    public override byte Tag => BerTag.Integer;
    internal override void WriteTo(BerWriter writer) => writer.WriteInteger(Value);
    public override string ToString() => $"INTEGER: {Value}";
}

public sealed record SnmpOctetString(byte[] Value) : SnmpValue
{
    public SnmpOctetString(string text) : this(Encoding.UTF8.GetBytes(text)) { }
    public override byte Tag => BerTag.OctetString;
    public string Text => Encoding.UTF8.GetString(Value);
    internal override void WriteTo(BerWriter writer) => writer.WriteOctetString(Value);
    public bool Equals(SnmpOctetString? other) => other is not null && Value.AsSpan().SequenceEqual(other.Value);
    public override int GetHashCode() => Value.Length;
    public override string ToString() => $"STRING: \"{Text}\"";
}

public sealed record SnmpNull : SnmpValue
{
    public static readonly SnmpNull Instance = new();
    public override byte Tag => BerTag.Null;
    internal override void WriteTo(BerWriter writer) => writer.WriteNull();
    public override string ToString() => "NULL";
}

public sealed record SnmpOid(ObjectIdentifier Value) : SnmpValue
{
    public override byte Tag => BerTag.ObjectIdentifier;
    internal override void WriteTo(BerWriter writer) => writer.WriteObjectIdentifier(Value);
    public override string ToString() => $"OID: {Value}";
}

public sealed record SnmpIpAddress(IPAddress Value) : SnmpValue
{
    public override byte Tag => BerTag.IpAddress;
    internal override void WriteTo(BerWriter writer)
    {
        if (Value.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new InvalidOperationException("SNMP IpAddress is IPv4 only.");
        writer.WritePrimitive(BerTag.IpAddress, Value.GetAddressBytes());
    }
    public override string ToString() => $"IpAddress: {Value}";
}

public sealed record SnmpCounter32(uint Value) : SnmpValue
{
    public override byte Tag => BerTag.Counter32;
    internal override void WriteTo(BerWriter writer) => writer.WriteUnsigned(Tag, Value);
}

public sealed record SnmpGauge32(uint Value) : SnmpValue
{
    public override byte Tag => BerTag.Gauge32;
    internal override void WriteTo(BerWriter writer) => writer.WriteUnsigned(Tag, Value);
}

/// <summary>Hundredths of a second.</summary>
public sealed record SnmpTimeTicks(uint Value) : SnmpValue
{
    public override byte Tag => BerTag.TimeTicks;
    internal override void WriteTo(BerWriter writer) => writer.WriteUnsigned(Tag, Value);
}

public sealed record SnmpCounter64(ulong Value) : SnmpValue
{
    public override byte Tag => BerTag.Counter64;
    internal override void WriteTo(BerWriter writer) => writer.WriteUnsigned(Tag, Value);
}

/// <summary>noSuchObject (0x80), noSuchInstance (0x81) or endOfMibView (0x82).</summary>
public sealed record SnmpException(byte ExceptionTag) : SnmpValue
{
    public override byte Tag => ExceptionTag;
    internal override void WriteTo(BerWriter writer) => writer.WriteNull(ExceptionTag);
}

/// <summary>One variable binding: name and value.</summary>
public sealed record VarBind(ObjectIdentifier Oid, SnmpValue Value)
{
    public override string ToString() => $"{Oid} = {Value}";
}
