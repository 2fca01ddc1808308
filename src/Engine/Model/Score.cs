using System.Globalization;

namespace HaApi.Engine.Model;

/// <summary>
/// A Pacemaker score: an integer clamped to ±INFINITY (1,000,000), where INFINITY arithmetic saturates
/// and -INFINITY wins over +INFINITY, exactly as Pacemaker's pcmk__add_scores does.
/// </summary>
public readonly record struct Score(int Value) : IComparable<Score>
{
    public const int InfinityValue = 1_000_000;
    public static readonly Score Zero = new(0);
    public static readonly Score Infinity = new(InfinityValue);
    public static readonly Score MinusInfinity = new(-InfinityValue);

    public bool IsInfinite => Value >= InfinityValue || Value <= -InfinityValue;

    public static Score operator +(Score a, Score b)
    {
        if (a.Value <= -InfinityValue || b.Value <= -InfinityValue) return MinusInfinity;
        if (a.Value >= InfinityValue || b.Value >= InfinityValue) return Infinity;
        return Clamp((long)a.Value + b.Value);
    }

    public static Score Clamp(long value) =>
        value >= InfinityValue ? Infinity : value <= -InfinityValue ? MinusInfinity : new Score((int)value);

    public int CompareTo(Score other) => Value.CompareTo(other.Value);
    public static bool operator <(Score a, Score b) => a.Value < b.Value;
    public static bool operator >(Score a, Score b) => a.Value > b.Value;
    public static bool operator <=(Score a, Score b) => a.Value <= b.Value;
    public static bool operator >=(Score a, Score b) => a.Value >= b.Value;

    /// <summary>Parses "100", "-50", "INFINITY", "+INFINITY", "-INFINITY" (also "inf"/"-inf", as Pacemaker accepts).</summary>
    public static bool TryParse(string? text, out Score score)
    {
        score = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        switch (t.ToUpperInvariant())
        {
            case "INFINITY" or "+INFINITY" or "INF" or "+INF":
                score = Infinity; return true;
            case "-INFINITY" or "-INF":
                score = MinusInfinity; return true;
        }
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            score = Clamp(n);
            return true;
        }
        return false;
    }

    public static Score Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"'{text}' is not a score: use an integer, INFINITY or -INFINITY");

    public override string ToString() => Value switch
    {
        >= InfinityValue => "INFINITY",
        <= -InfinityValue => "-INFINITY",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
