using System.Buffers;
using System.Text;

namespace HaApi.Integrations.Prometheus;

/// <summary>
/// A TextWriter that encodes straight into a byte buffer (an HTTP response's PipeWriter, a reused array), so that a
/// large exposition never exists as one string, and that takes already-encoded text (<see cref="WriteUtf8"/>) without
/// decoding it. Nothing is written to the underlying buffer's destination until its owner flushes it.
/// </summary>
public sealed class Utf8BufferTextWriter(IBufferWriter<byte> output) : TextWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // Stateful, so that a surrogate pair split across two writes still encodes as one character.
    private readonly Encoder _encoder = Utf8.GetEncoder();

    public override Encoding Encoding => Utf8;

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        while (!buffer.IsEmpty)
        {
            // Bounded chunks keep the requested span small whatever the input size.
            var chunk = buffer[..Math.Min(buffer.Length, 4096)];
            var span = output.GetSpan(Utf8.GetMaxByteCount(chunk.Length));
            _encoder.Convert(chunk, span, flush: false, out var charsUsed, out var bytesUsed, out _);
            output.Advance(bytesUsed);
            buffer = buffer[charsUsed..];
        }
    }

    /// <summary>Text that is UTF-8 already, copied as it is.</summary>
    public void WriteUtf8(ReadOnlySpan<byte> text) => output.Write(text);
}
