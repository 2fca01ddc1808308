using HaApi.Integrations.Corosync;

namespace HaApi.Integrations.Tests.Corosync;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FragmentReassemblerTests
{
    private const int FragmentPayload = 100;

    [Fact]
    public void A_header_round_trips_and_foreign_bytes_are_not_taken_for_one()
    {
        var bytes = new byte[FragmentHeader.Size];
        new FragmentHeader(42, 3, 7, 12345).Write(bytes);

        Assert.True(FragmentHeader.TryRead(bytes, out var header));
        Assert.Equal(new FragmentHeader(42, 3, 7, 12345), header);
        Assert.False(FragmentHeader.TryRead("hello, this is not a fragment"u8, out _));
        Assert.False(FragmentHeader.TryRead(bytes.AsSpan(0, 10), out _));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(1000, 10)]
    public void Fragment_count_covers_the_message(int length, uint expected)
    {
        Assert.Equal(expected, FragmentHeader.FragmentCountFor(length, FragmentPayload));
    }

    [Fact]
    public void Fragments_in_order_rebuild_the_message()
    {
        var message = Enumerable.Range(0, 950).Select(i => (byte)i).ToArray();
        var reassembler = new FragmentReassembler(maxMessageBytes: 10_000, maxPendingMessages: 4);

        var result = Feed(reassembler, 1, 10, messageId: 1, message);

        Assert.Equal(message, result);
        Assert.Equal(0, reassembler.PendingMessages);
        Assert.Equal(0, reassembler.DroppedFragments);
    }

    [Fact]
    public void Fragments_of_different_senders_interleave_without_mixing()
    {
        var a = Enumerable.Repeat((byte)'a', 250).ToArray();
        var b = Enumerable.Repeat((byte)'b', 250).ToArray();
        var reassembler = new FragmentReassembler(10_000, 4);
        var fragmentsA = Split(1, a).ToArray();
        var fragmentsB = Split(2, b).ToArray();
        byte[]? resultA = null, resultB = null;

        for (var i = 0; i < fragmentsA.Length; i++)
        {
            resultA = reassembler.Add(1, 10, fragmentsA[i].Header, fragmentsA[i].Payload) ?? resultA;
            resultB = reassembler.Add(2, 20, fragmentsB[i].Header, fragmentsB[i].Payload) ?? resultB;
        }

        Assert.Equal(a, resultA);
        Assert.Equal(b, resultB);
    }

    [Fact]
    public void A_sender_that_leaves_mid_message_never_delivers_a_partial_message()
    {
        var reassembler = new FragmentReassembler(10_000, 4);
        var fragments = Split(5, new byte[300]).ToArray();

        Assert.Null(reassembler.Add(1, 10, fragments[0].Header, fragments[0].Payload));
        reassembler.Forget(1, 10);
        Assert.Null(reassembler.Add(1, 10, fragments[1].Header, fragments[1].Payload));
        Assert.Null(reassembler.Add(1, 10, fragments[2].Header, fragments[2].Payload));

        Assert.Equal(0, reassembler.PendingMessages);
        Assert.True(reassembler.DroppedFragments >= 2);
    }

    [Fact]
    public void A_new_first_fragment_replaces_an_abandoned_message_of_the_same_sender()
    {
        var reassembler = new FragmentReassembler(10_000, 4);
        var abandoned = Split(1, new byte[300]).ToArray();
        var next = Enumerable.Range(0, 180).Select(i => (byte)(i * 3)).ToArray();

        reassembler.Add(1, 10, abandoned[0].Header, abandoned[0].Payload);
        var result = Feed(reassembler, 1, 10, messageId: 2, next);

        Assert.Equal(next, result);
        Assert.Equal(0, reassembler.PendingMessages);
    }

    [Fact]
    public void Messages_over_the_size_limit_are_dropped_not_allocated()
    {
        var reassembler = new FragmentReassembler(maxMessageBytes: 150, maxPendingMessages: 4);

        var result = Feed(reassembler, 1, 10, messageId: 1, new byte[300]);

        Assert.Null(result);
        Assert.Equal(0, reassembler.PendingMessages);
        Assert.Equal(3, reassembler.DroppedFragments);
    }

    private static byte[]? Feed(FragmentReassembler reassembler, uint nodeId, uint pid, ulong messageId, byte[] message)
    {
        byte[]? result = null;
        foreach (var (header, payload) in Split(messageId, message))
        {
            Assert.Null(result);
            result = reassembler.Add(nodeId, pid, header, payload);
        }
        return result;
    }

    private static IEnumerable<(FragmentHeader Header, byte[] Payload)> Split(ulong messageId, byte[] message)
    {
        var count = FragmentHeader.FragmentCountFor(message.Length, FragmentPayload);
        for (uint i = 0; i < count; i++)
        {
            var offset = (int)i * FragmentPayload;
            yield return (new FragmentHeader(messageId, i, count, (uint)message.Length),
                message.AsSpan(offset, Math.Min(FragmentPayload, message.Length - offset)).ToArray());
        }
    }
}
