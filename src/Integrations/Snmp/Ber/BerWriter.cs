using System.Buffers.Binary;
using System.Text;

namespace HaApi.Integrations.Snmp.Ber;

/// <summary>
/// Definite-length BER encoder. Constructed values are written with <see cref="BeginConstructed"/> /
/// <see cref="EndConstructed"/>: the content is written first and the header is inserted in front of it when the
/// constructed value ends, so nested lengths never have to be computed in advance.
/// </summary>
public sealed class BerWriter
{
    private byte[] _buffer;
    private int _length;
    private readonly Stack<(byte Tag, int ContentStart)> _open = new();

    public BerWriter(int initialCapacity = 512) => _buffer = new byte[initialCapacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray()
    {
        if (_open.Count != 0) throw new InvalidOperationException($"{_open.Count} constructed value(s) still open.");
        return WrittenSpan.ToArray();
    }

    public void BeginConstructed(byte tag) => _open.Push((tag, _length));

    public void BeginSequence() => BeginConstructed(BerTag.Sequence);

    /// <summary>Closes the innermost constructed value; returns the offset where its header starts.</summary>
    public int EndConstructed()
    {
        var (tag, start) = _open.Pop();
        int contentLength = _length - start;
        Span<byte> header = stackalloc byte[6];
        header[0] = tag;
        int headerLength = 1 + WriteLength(header[1..], contentLength);
        EnsureCapacity(headerLength);
        Buffer.BlockCopy(_buffer, start, _buffer, start + headerLength, contentLength);
        header[..headerLength].CopyTo(_buffer.AsSpan(start));
        _length += headerLength;
        return start;
    }

    public void WriteInteger(long value) => WriteInteger(BerTag.Integer, value);

    /// <summary>Two's-complement, minimal number of octets (X.690 §8.3).</summary>
    public void WriteInteger(byte tag, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        int start = 0;
        while (start < 7 && ((bytes[start] == 0x00 && (bytes[start + 1] & 0x80) == 0) ||
                             (bytes[start] == 0xFF && (bytes[start + 1] & 0x80) != 0)))
        {
            start++;
        }
        WritePrimitive(tag, bytes[start..]);
    }

    /// <summary>Unsigned application types (Counter32, Gauge32, TimeTicks, Counter64): never negative on the wire.</summary>
    public void WriteUnsigned(byte tag, ulong value)
    {
        Span<byte> bytes = stackalloc byte[9];
        BinaryPrimitives.WriteUInt64BigEndian(bytes[1..], value);
        int start = 0;
        while (start < 8 && bytes[start] == 0 && (bytes[start + 1] & 0x80) == 0) start++;
        WritePrimitive(tag, bytes[start..]);
    }

    public void WriteOctetString(ReadOnlySpan<byte> value) => WritePrimitive(BerTag.OctetString, value);

    public void WriteOctetString(string value) => WriteOctetString(Encoding.UTF8.GetBytes(value));

    public void WriteNull(byte tag = BerTag.Null) => WritePrimitive(tag, []);

    public void WriteObjectIdentifier(ObjectIdentifier oid)
    {
        Span<byte> content = stackalloc byte[oid.Arcs.Length * 5 + 5];
        int n = 0;
        var arcs = oid.Arcs;
        n += WriteBase128(content[n..], arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.Length; i++) n += WriteBase128(content[n..], arcs[i]);
        WritePrimitive(BerTag.ObjectIdentifier, content[..n]);
    }

    public void WritePrimitive(byte tag, ReadOnlySpan<byte> content)
    {
        Span<byte> header = stackalloc byte[6];
        header[0] = tag;
        int headerLength = 1 + WriteLength(header[1..], content.Length);
        EnsureCapacity(headerLength + content.Length);
        header[..headerLength].CopyTo(_buffer.AsSpan(_length));
        _length += headerLength;
        content.CopyTo(_buffer.AsSpan(_length));
        _length += content.Length;
    }

    /// <summary>Appends already-encoded BER (a value encoded by another writer).</summary>
    public void WriteEncoded(ReadOnlySpan<byte> encoded)
    {
        EnsureCapacity(encoded.Length);
        encoded.CopyTo(_buffer.AsSpan(_length));
        _length += encoded.Length;
    }

    /// <summary>Number of octets the tag and length header of a value with this content length takes.</summary>
    public static int HeaderLength(int contentLength) =>
        contentLength < 0x80 ? 2 : contentLength <= 0xFF ? 3 : contentLength <= 0xFFFF ? 4 : contentLength <= 0xFFFFFF ? 5 : 6;

    private static int WriteLength(Span<byte> destination, int length)
    {
        if (length < 0x80)
        {
            destination[0] = (byte)length;
            return 1;
        }
        int octets = length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : length <= 0xFFFFFF ? 3 : 4;
        destination[0] = (byte)(0x80 | octets);
        for (int i = 0; i < octets; i++) destination[octets - i] = (byte)(length >> (8 * i));
        return 1 + octets;
    }

    private static int WriteBase128(Span<byte> destination, uint value)
    {
        int groups = 1;
        for (uint v = value >> 7; v != 0; v >>= 7) groups++;
        for (int i = 0; i < groups; i++)
        {
            byte b = (byte)((value >> (7 * (groups - 1 - i))) & 0x7F);
            destination[i] = i < groups - 1 ? (byte)(b | 0x80) : b;
        }
        return groups;
    }

    private void EnsureCapacity(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }
}
