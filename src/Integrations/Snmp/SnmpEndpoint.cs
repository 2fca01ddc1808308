using System.Globalization;
using System.Net;

namespace HaApi.Integrations.Snmp;

/// <summary>
/// A trap receiver address as Pacemaker recipients write it: "host", "host:port", "[v6]:port", a bare IPv6
/// address, optionally prefixed "udp:" as net-snmp accepts. Default port 162.
/// </summary>
public sealed record SnmpEndpoint(string Host, int Port)
{
    public const int DefaultTrapPort = 162;

    public static SnmpEndpoint Parse(string value)
    {
        string s = value.Trim();
        if (s.StartsWith("udp:", StringComparison.OrdinalIgnoreCase)) s = s[4..];
        else if (s.StartsWith("udp6:", StringComparison.OrdinalIgnoreCase)) s = s[5..];
        if (s.Length == 0) throw new FormatException("Empty SNMP recipient.");

        string host = s;
        int port = DefaultTrapPort;
        if (s[0] == '[')
        {
            int close = s.IndexOf(']');
            if (close < 0) throw new FormatException($"Recipient '{value}': missing ']'.");
            host = s[1..close];
            string rest = s[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new FormatException($"Recipient '{value}': expected ':port' after ']'.");
                port = ParsePort(rest[1..], value);
            }
        }
        else if (s.Count(c => c == ':') == 1)
        {
            int colon = s.IndexOf(':');
            host = s[..colon];
            port = ParsePort(s[(colon + 1)..], value);
        }
        if (host.Length == 0) throw new FormatException($"Recipient '{value}': empty host.");
        return new SnmpEndpoint(host, port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    internal IPAddress? Literal => IPAddress.TryParse(Host, out var ip) ? ip : null;

    private static int ParsePort(string text, string value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"Recipient '{value}': '{text}' is not a UDP port.");
}
