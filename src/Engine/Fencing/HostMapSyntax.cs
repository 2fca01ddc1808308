using System.Collections.Immutable;
using System.Text;
using HaApi.Engine.Model;

namespace HaApi.Engine.Fencing;

/// <summary>
/// pcmk_host_map: "node1:i-0abc;node2:i-0def". Entries are separated by ';', space or tab; node and port split at the
/// first ':' (the old '=' is accepted); a backslash escapes the next character of the port. A port may itself be a
/// comma list ("node2:2,3"), kept verbatim: the agent receives it as one value, as with Pacemaker.
/// </summary>
public static class HostMapSyntax
{
    public static ImmutableSortedDictionary<string, string> Parse(string? text)
    {
        var map = Attributes.Empty;
        if (string.IsNullOrWhiteSpace(text)) return map;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsEntrySeparator(text[i])) i++;
            if (i >= text.Length) break;

            var nodeStart = i;
            while (i < text.Length && text[i] != ':' && text[i] != '=' && !IsEntrySeparator(text[i])) i++;
            var node = text[nodeStart..i];
            if (i >= text.Length || IsEntrySeparator(text[i]))
                throw new FormatException($"pcmk_host_map entry '{node}' has no port: write node:port, e.g. node1:i-0abc;node2:i-0def");
            i++; // the ':' or '='

            var port = new StringBuilder();
            while (i < text.Length && !IsEntrySeparator(text[i]))
            {
                if (text[i] == '\\' && i + 1 < text.Length) i++;
                port.Append(text[i]);
                i++;
            }
            if (node.Length == 0) throw new FormatException($"pcmk_host_map entry ':{port}' has no node name");
            if (port.Length == 0) throw new FormatException($"pcmk_host_map entry '{node}:' has an empty port");
            map = map.SetItem(node, port.ToString());
        }
        return map;
    }

    public static string Format(IEnumerable<KeyValuePair<string, string>> map) =>
        string.Join(';', map.Select(e => $"{e.Key}:{Escape(e.Value)}"));

    private static string Escape(string port)
    {
        var sb = new StringBuilder(port.Length);
        foreach (var c in port)
        {
            if (c is '\\' or ';' or ' ' or '\t') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsEntrySeparator(char c) => c is ';' or ' ' or '\t' or '\n' or '\r';
}
