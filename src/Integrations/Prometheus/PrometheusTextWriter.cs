using System.Globalization;

namespace HaApi.Integrations.Prometheus;

/// <summary>Metric family types of the text exposition format 0.0.4.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
    Untyped,
}

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): one "# HELP" and "# TYPE" per family, then its
/// samples. A family must be written in one piece; a label set repeated within a family is skipped, because one
/// duplicate series makes Prometheus reject the whole scrape.
/// </summary>
public sealed class PrometheusTextWriter(TextWriter output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly System.Buffers.SearchValues<char> LabelEscapes = System.Buffers.SearchValues.Create("\\\"\n");

    // Bound on the spare render buffers kept between renders (see Render).
    private const int MaxSpareBytes = 16 * 1024 * 1024;
    private static System.Buffers.ArrayBufferWriter<byte>? s_spareText;
    private static SeriesKeySet? s_spareSeries;

    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    // Families in the order begun, for Render.
    private readonly List<string> _familyOrder = [];

    private SeriesKeySet _seriesOfFamily = new();
    // The sample being written: its series part doubles as the duplicate-check key, so a sample costs no string.
    private char[] _line = new char[256];
    private int _length;
    private string? _family;
    private MetricType _type;
    // The label name last validated at each position of a label set: call sites pass the same literals sample after
    // sample, so a reference comparison saves validating 100,000 label names per scrape on a large cluster.
    private readonly string?[] _labelNameChecked = new string?[16];

    /// <summary>Series skipped because the same name and labels were already written.</summary>
    public int DuplicatesSkipped { get; private set; }

    public void BeginFamily(string name, MetricType type, string help)
    {
        if (!IsValidMetricName(name)) throw new ArgumentException($"'{name}' is not a valid Prometheus metric name.", nameof(name));
        if (!_families.Add(name)) throw new InvalidOperationException($"Metric family '{name}' was already written; a family must be contiguous.");
        _familyOrder.Add(name);
        _family = name;
        _type = type;
        _seriesOfFamily.Clear();
        output.Write("# HELP ");
        output.Write(name);
        output.Write(' ');
        output.Write(EscapeHelp(help));
        output.Write('\n');
        output.Write("# TYPE ");
        output.Write(name);
        output.Write(' ');
        output.Write(TypeName(type));
        output.Write('\n');
    }

    /// <summary>
    /// Writes families rendered earlier (see <see cref="Render"/>) as they are. Their names count as written, so the
    /// families that follow are still checked against them; samples need a new BeginFamily afterwards.
    /// </summary>
    internal void Write(RenderedFamilies rendered)
    {
        foreach (var name in rendered.Names)
            if (!_families.Add(name)) throw new InvalidOperationException($"Metric family '{name}' was already written; a family must be contiguous.");
        _familyOrder.AddRange(rendered.Names);
        _family = null;
        var utf8 = output as Utf8BufferTextWriter;
        foreach (var chunk in rendered.Utf8)
        {
            if (utf8 is not null) utf8.WriteUtf8(chunk);
            else output.Write(System.Text.Encoding.UTF8.GetString(chunk));
        }
        DuplicatesSkipped += rendered.DuplicatesSkipped;
    }

    /// <summary>The text a writer produces for <paramref name="write"/>, kept to be written again unchanged.</summary>
    internal static RenderedFamilies Render(Action<PrometheusTextWriter> write)
    {
        // A large cluster's render needs megabytes of working buffers; one spare set is kept for the next render
        // (the next change of the cluster) rather than grown anew every time. Concurrent renders make their own.
        var bytes = Interlocked.Exchange(ref s_spareText, null) ?? new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        var series = Interlocked.Exchange(ref s_spareSeries, null) ?? new SeriesKeySet();
        try
        {
            var writer = new PrometheusTextWriter(new Utf8BufferTextWriter(bytes)) { _seriesOfFamily = series };
            write(writer);
            return new RenderedFamilies([.. writer._familyOrder], RenderedFamilies.Chunk(bytes.WrittenSpan), writer.DuplicatesSkipped);
        }
        finally
        {
            bytes.ResetWrittenCount();
            series.Clear();
            if (bytes.Capacity <= MaxSpareBytes) s_spareText = bytes;
            if (series.RetainedBytes <= MaxSpareBytes) s_spareSeries = series;
        }
    }

    /// <summary>One sample of the current family (plain counter or gauge).</summary>
    public void Sample(double value, params ReadOnlySpan<(string Name, string Value)> labels) =>
        WriteSample(_family ?? throw new InvalidOperationException("BeginFamily first."), labels, default, value);

    /// <summary>
    /// One histogram series: cumulative "_bucket" lines (le ascending, ending with +Inf = count), "_sum" and "_count".
    /// bucketCounts[i] is the number of observations ≤ upperBounds[i] (not cumulative); the last entry of
    /// bucketCounts holds those above every bound.
    /// </summary>
    public void Histogram(ReadOnlySpan<double> upperBounds, ReadOnlySpan<long> bucketCounts, double sum,
        params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var family = _family ?? throw new InvalidOperationException("BeginFamily first.");
        if (_type != MetricType.Histogram) throw new InvalidOperationException($"'{family}' is not a histogram.");
        if (bucketCounts.Length != upperBounds.Length + 1)
            throw new ArgumentException("bucketCounts needs one entry per bound plus one for +Inf.", nameof(bucketCounts));
        long cumulative = 0;
        for (var i = 0; i <= upperBounds.Length; i++)
        {
            cumulative += bucketCounts[i];
            var le = i < upperBounds.Length ? FormatValue(upperBounds[i]) : "+Inf";
            WriteSample(family + "_bucket", labels, ("le", le), cumulative);
        }
        WriteSample(family + "_sum", labels, default, sum);
        WriteSample(family + "_count", labels, default, cumulative);
    }

    private void WriteSample(string name, ReadOnlySpan<(string Name, string Value)> labels, (string Name, string Value) extra, double value)
    {
        _length = 0;
        Append(name);
        var count = 0;
        foreach (var (labelName, labelValue) in labels)
            AppendLabel(labelName, labelValue, count++);
        if (extra.Name is not null) AppendLabel(extra.Name, extra.Value, count++);
        if (count > 0) Append('}');
        if (!_seriesOfFamily.Add(_line.AsSpan(0, _length)))
        {
            DuplicatesSkipped++;
            return;
        }
        Append(' ');
        AppendValue(value);
        Append('\n');
        output.Write(_line.AsSpan(0, _length));
    }

    private void AppendLabel(string name, string value, int index)
    {
        if (index >= _labelNameChecked.Length || !ReferenceEquals(_labelNameChecked[index], name))
        {
            if (!IsValidLabelName(name)) throw new ArgumentException($"'{name}' is not a valid Prometheus label name.", nameof(name));
            if (index < _labelNameChecked.Length) _labelNameChecked[index] = name;
        }
        Append(index == 0 ? '{' : ',');
        Append(name);
        Append("=\"");
        // Label values rarely need escaping: copy them whole unless they do.
        if (value.AsSpan().IndexOfAny(LabelEscapes) < 0) Append(value);
        else
        {
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': Append(@"\\"); break;
                    case '"': Append("\\\""); break;
                    case '\n': Append(@"\n"); break;
                    default: Append(c); break;
                }
            }
        }
        Append('"');
    }

    private void AppendValue(double value)
    {
        if (!double.IsFinite(value))
        {
            Append(FormatValue(value));
            return;
        }
        int written;
        while (!value.TryFormat(_line.AsSpan(_length), out written, "R", CultureInfo.InvariantCulture)) Grow(32);
        _length += written;
    }

    private void Append(char c)
    {
        if (_length == _line.Length) Grow(1);
        _line[_length++] = c;
    }

    private void Append(string text)
    {
        if (_length + text.Length > _line.Length) Grow(text.Length);
        text.CopyTo(_line.AsSpan(_length));
        _length += text.Length;
    }

    private void Grow(int atLeast) => Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + atLeast));

    /// <summary>Go-compatible float text: +Inf, -Inf, NaN, otherwise the shortest round-trip form.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static string EscapeHelp(string help) => help.Replace(@"\", @"\\").Replace("\n", @"\n");

    public static bool IsValidMetricName(string name) => IsValidName(name, allowColon: true);

    public static bool IsValidLabelName(string name) => IsValidName(name, allowColon: false) && !name.StartsWith("__", StringComparison.Ordinal);

    private static bool IsValidName(string name, bool allowColon)
    {
        if (name.Length == 0) return false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => "untyped",
    };
}

/// <summary>Complete metric families as UTF-8 exposition text, with their names (each written once per document).</summary>
/// <param name="Utf8">The text in chunks of whole lines.</param>
internal sealed record RenderedFamilies(System.Collections.Immutable.ImmutableArray<string> Names,
    System.Collections.Immutable.ImmutableArray<byte[]> Utf8, int DuplicatesSkipped)
{
    // Below the large object heap's 85,000 bytes: a large cluster's text is close to a megabyte, and one array of
    // that size per change of the cluster would bring a full (gen2) collection every few changes.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Splits the text after line feeds (ASCII, so never inside a character) into small-heap chunks.</summary>
    public static System.Collections.Immutable.ImmutableArray<byte[]> Chunk(ReadOnlySpan<byte> text)
    {
        var chunks = System.Collections.Immutable.ImmutableArray.CreateBuilder<byte[]>(text.Length / ChunkBytes + 1);
        while (!text.IsEmpty)
        {
            var length = text.Length;
            if (length > ChunkBytes)
            {
                var lineEnd = text[..ChunkBytes].LastIndexOf((byte)'\n');
                // A single line longer than a chunk (never written here) still goes out whole.
                if (lineEnd < 0) lineEnd = text.IndexOf((byte)'\n');
                length = lineEnd < 0 ? text.Length : lineEnd + 1;
            }
            chunks.Add(text[..length].ToArray());
            text = text[length..];
        }
        return chunks.DrainToImmutable();
    }
}
