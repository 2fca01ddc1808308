using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace HaApi.Engine.Fencing;

/// <summary>
/// pcmk_host_list and an agent's "list" output, split the way Pacemaker does: on whitespace, ',' or ';'. For list
/// output, lines mentioning "invalid" or "variable" are skipped and the words on/off are not targets.
/// </summary>
public static partial class HostListSyntax
{
    [GeneratedRegex(@"^[a-zA-Z0-9_.\-]+$")]
    private static partial Regex TargetToken();

    private static readonly char[] Separators = [' ', '\t', ',', ';', '\r'];

    public static ImmutableArray<string> ParseHostList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : [.. text.Split(Separators.Append('\n').ToArray(), StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    public static ImmutableArray<string> ParseListOutput(string? output)
    {
        if (string.IsNullOrEmpty(output)) return [];
        var targets = new List<string>();
        foreach (var line in output.Replace("\\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.Contains("invalid", StringComparison.OrdinalIgnoreCase) || line.Contains("variable", StringComparison.OrdinalIgnoreCase))
                continue;
            foreach (var token in line.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals("on", StringComparison.OrdinalIgnoreCase) || token.Equals("off", StringComparison.OrdinalIgnoreCase)) continue;
                if (TargetToken().IsMatch(token) && !targets.Contains(token)) targets.Add(token);
            }
        }
        return [.. targets];
    }
}
