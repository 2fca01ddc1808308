using System.Text;

namespace HaApi.Integrations.Snmp.Ber;

/// <summary>
/// Forward-only BER decoder over one received datagram. Every length is checked against the enclosing value so a
/// malformed or hostile datagram ends in <see cref="BerException"/>, never in an out-of-range read.
/// </summary>
public ref struct BerReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    public BerReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool HasData => _position < _data.Length;

    /// <summary>Offset of the next value, relative to the start of the outermost buffer.</summary>
    public readonly int Offset => _baseOffset + _position;

    public readonly byte PeekTag()
    {
        if (!HasData) throw new BerException("Unexpected end of data", Offset);
        return _data[_position];
    }

    /// <summary>Reads one value of any tag; returns its content and the absolute offset of that content.</summary>
    public ReadOnlySpan<byte> ReadAny(out byte tag, out int contentOffset)
    {
        tag = PeekTag();
        if ((tag & 0x1F) == 0x1F) throw new BerException($"Multi-octet tag 0x{tag:X2} is not used by SNMP", Offset);
        _position++;
        if (!HasData) throw new BerException("Missing length", Offset);
        int first = _data[_position++];
        int length;
        if (first < 0x80)
        {
            length = first;
        }
        else
        {
            int octets = first & 0x7F;
            if (octets == 0) throw new BerException("Indefinite length is not allowed in SNMP", Offset);
            if (octets > 4 || _position + octets > _data.Length) throw new BerException("Bad length", Offset);
            long l = 0;
            for (int i = 0; i < octets; i++) l = (l << 8) | _data[_position++];
            if (l > int.MaxValue) throw new BerException("Bad length", Offset);
            length = (int)l;
        }
        if (length > _data.Length - _position)
            throw new BerException($"Length {length} runs past the end of the enclosing value", Offset);
        contentOffset = Offset;
        var content = _data.Slice(_position, length);
        _position += length;
        return content;
    }

    public ReadOnlySpan<byte> Read(byte expectedTag) => Read(expectedTag, out _);

    public ReadOnlySpan<byte> Read(byte expectedTag, out int contentOffset)
    {
        int at = Offset;
        var content = ReadAny(out byte tag, out contentOffset);
        if (tag != expectedTag) throw new BerException($"Expected tag 0x{expectedTag:X2} but found 0x{tag:X2}", at);
        return content;
    }

    /// <summary>Reader over the content of the next constructed value with this tag.</summary>
    public BerReader ReadConstructed(byte expectedTag)
    {
        var content = Read(expectedTag, out int contentOffset);
        return new BerReader(content, contentOffset);
    }

    public BerReader ReadSequence() => ReadConstructed(BerTag.Sequence);

    public long ReadInteger() => ReadInteger(BerTag.Integer);

    public long ReadInteger(byte expectedTag)
    {
        int at = Offset;
        return DecodeSigned(Read(expectedTag), at);
    }

    public byte[] ReadOctetString() => Read(BerTag.OctetString).ToArray();

    public string ReadOctetStringUtf8() => Encoding.UTF8.GetString(Read(BerTag.OctetString));

    public void ReadNull()
    {
        int at = Offset;
        if (Read(BerTag.Null).Length != 0) throw new BerException("NULL with content", at);
    }

    public ObjectIdentifier ReadObjectIdentifier()
    {
        int at = Offset;
        return DecodeObjectIdentifier(Read(BerTag.ObjectIdentifier), at);
    }

    internal static long DecodeSigned(ReadOnlySpan<byte> content, int at)
    {
        if (content.Length is 0 or > 8) throw new BerException($"INTEGER of {content.Length} octets", at);
        long value = (sbyte)content[0];
        for (int i = 1; i < content.Length; i++) value = (value << 8) | content[i];
        return value;
    }

    internal static ulong DecodeUnsigned(ReadOnlySpan<byte> content, int at)
    {
        if (content.Length == 0 || content.Length > 9 || (content.Length == 9 && content[0] != 0))
            throw new BerException($"Unsigned value of {content.Length} octets", at);
        ulong value = 0;
        foreach (byte b in content) value = (value << 8) | b;
        return value;
    }

    internal static ObjectIdentifier DecodeObjectIdentifier(ReadOnlySpan<byte> content, int at)
    {
        if (content.Length == 0) throw new BerException("Empty OBJECT IDENTIFIER", at);
        var arcs = new List<uint>(content.Length + 1);
        ulong current = 0;
        bool first = true;
        for (int i = 0; i < content.Length; i++)
        {
            current = (current << 7) | (uint)(content[i] & 0x7F);
            if (current > uint.MaxValue) throw new BerException("OID arc exceeds 32 bits", at + i);
            if ((content[i] & 0x80) != 0)
            {
                if (i == content.Length - 1) throw new BerException("Truncated OID arc", at + i);
                continue;
            }
            if (first)
            {
                uint x = current < 40 ? 0u : current < 80 ? 1u : 2u;
                arcs.Add(x);
                arcs.Add((uint)current - x * 40);
                first = false;
            }
            else
            {
                arcs.Add((uint)current);
            }
            current = 0;
        }
        return new ObjectIdentifier([.. arcs]);
    }
}
