using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace HaApi.Engine.Model;

/// <summary>
/// Durations as operators write them in Pacemaker: a bare number of seconds, a number with a unit
/// (ms, s, sec, m, min, h, hr), or ISO 8601 ("PT10S").
/// </summary>
public static partial class Duration
{
    [GeneratedRegex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<u>ms|msec|us|usec|s|sec|secs|m|min|mins|h|hr|hrs)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Simple();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = Simple().Match(text);
        if (m.Success)
        {
            var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            var unit = m.Groups["u"].Success ? m.Groups["u"].Value.ToLowerInvariant() : "s";
            double ms = unit switch
            {
                "ms" or "msec" => n,
                "us" or "usec" => n / 1000,
                "s" or "sec" or "secs" => n * 1000,
                "m" or "min" or "mins" => n * 60_000,
                _ => n * 3_600_000,
            };
            if (ms > TimeSpan.FromDays(3650).TotalMilliseconds) return false;
            value = TimeSpan.FromMilliseconds(Math.Round(ms));
            return true;
        }
        var t = text.Trim();
        if (t.StartsWith('P') || t.StartsWith('p'))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(t.ToUpperInvariant());
                return value >= TimeSpan.Zero;
            }
            catch (FormatException) { return false; }
        }
        return false;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a duration: use e.g. 30s, 500ms, 5min, 1h or ISO 8601 (PT30S)");

    /// <summary>Formats compactly the way operators write it: 500ms, 20s, 5min, 1h.</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms == 0) return "0s";
        if (ms % 3_600_000 == 0) return $"{ms / 3_600_000}h";
        if (ms % 60_000 == 0) return $"{ms / 60_000}min";
        if (ms % 1000 == 0) return $"{ms / 1000}s";
        return $"{ms}ms";
    }
}
