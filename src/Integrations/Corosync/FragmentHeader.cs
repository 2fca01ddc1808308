using System.Buffers.Binary;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// The 24-byte header in front of every CPG message HaApi sends. Messages larger than one IPC request are split
/// into fragments so each fragment is one atomic cpg_mcast_joined: libcpg's own fragmentation gives up after about
/// one second of CS_ERR_TRY_AGAIN half-way through a message, while ours retries each fragment with our own bound.
/// Layout (little endian): magic u16, version u8, reserved u8, message id u64, fragment index u32,
/// fragment count u32, total length u32.
/// </summary>
internal readonly record struct FragmentHeader(ulong MessageId, uint FragmentIndex, uint FragmentCount, uint TotalLength)
{
    public const int Size = 24;
    private const ushort Magic = 0x4148; // "HA"
    private const byte Version = 1;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Magic);
        destination[2] = Version;
        destination[3] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[4..], MessageId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], FragmentIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], FragmentCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], TotalLength);
    }

    /// <summary>False for anything that is not a well-formed HaApi fragment (another CPG client in the group).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FragmentHeader header)
    {
        header = default;
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt16LittleEndian(source) != Magic
            || source[2] != Version)
            return false;
        header = new FragmentHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[20..]));
        return header.FragmentCount > 0 && header.FragmentIndex < header.FragmentCount;
    }

    /// <summary>How many fragments a message of the given length needs when each carries fragmentPayloadBytes.</summary>
    public static uint FragmentCountFor(int messageLength, int fragmentPayloadBytes) =>
        messageLength == 0 ? 1u : (uint)((messageLength + (long)fragmentPayloadBytes - 1) / fragmentPayloadBytes);
}
