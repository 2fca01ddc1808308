using System.Globalization;
using System.Text;

namespace HaApi.Integrations.Alerts;

/// <summary>
/// Formats CRM_alert_timestamp as Pacemaker does: strftime directives plus Pacemaker's "%[digits]N" for the
/// fraction of the second ("%06N" = microseconds, "%03N" = milliseconds, "%01N" = tenths; truncated, not rounded).
/// </summary>
public static class AlertTimestampFormat
{
    public static string Format(string format, DateTimeOffset time)
    {
        var sb = new StringBuilder(format.Length + 16);
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 == format.Length)
            {
                sb.Append(c);
                continue;
            }
            var j = i + 1;
            while (j < format.Length && char.IsAsciiDigit(format[j])) j++;
            if (j < format.Length && format[j] == 'N')
            {
                var digits = j > i + 1 ? int.Parse(format.AsSpan(i + 1, j - i - 1), inv) : 6;
                digits = Math.Clamp(digits, 1, 6);
                var usec = (int)(time.Ticks % TimeSpan.TicksPerSecond / 10);
                sb.Append(usec.ToString("D6", inv).AsSpan(0, digits));
                i = j;
                continue;
            }
            i++;
            switch (format[i])
            {
                case 'Y': sb.Append(time.Year.ToString("D4", inv)); break;
                case 'y': sb.Append((time.Year % 100).ToString("D2", inv)); break;
                case 'm': sb.Append(time.Month.ToString("D2", inv)); break;
                case 'd': sb.Append(time.Day.ToString("D2", inv)); break;
                case 'e': sb.Append(time.Day.ToString(inv).PadLeft(2)); break;
                case 'H': sb.Append(time.Hour.ToString("D2", inv)); break;
                case 'I': sb.Append(((time.Hour + 11) % 12 + 1).ToString("D2", inv)); break;
                case 'M': sb.Append(time.Minute.ToString("D2", inv)); break;
                case 'S': sb.Append(time.Second.ToString("D2", inv)); break;
                case 'p': sb.Append(time.Hour < 12 ? "AM" : "PM"); break;
                case 'j': sb.Append(time.DayOfYear.ToString("D3", inv)); break;
                case 'a': sb.Append(time.ToString("ddd", inv)); break;
                case 'A': sb.Append(time.ToString("dddd", inv)); break;
                case 'b' or 'h': sb.Append(time.ToString("MMM", inv)); break;
                case 'B': sb.Append(time.ToString("MMMM", inv)); break;
                case 's': sb.Append(time.ToUnixTimeSeconds().ToString(inv)); break;
                case 'z': sb.Append(time.ToString("zzz", inv).Replace(":", "")); break;
                case 'F': sb.Append(time.ToString("yyyy-MM-dd", inv)); break;
                case 'T': sb.Append(time.ToString("HH:mm:ss", inv)); break;
                case 'R': sb.Append(time.ToString("HH:mm", inv)); break;
                case 'D': sb.Append(time.ToString("MM/dd/yy", inv)); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(format[i]); break;
            }
        }
        return sb.ToString();
    }
}
