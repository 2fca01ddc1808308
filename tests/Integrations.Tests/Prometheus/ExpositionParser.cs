using System.Globalization;
using System.Text;

namespace HaApi.Integrations.Tests.Prometheus;

internal sealed record ParsedSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A strict reader of the text format, for assertions (promtool checks the format itself).</summary>
internal static class ExpositionParser
{
    public static List<ParsedSample> Parse(string text)
    {
        var result = new List<ParsedSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var i = 0;
            while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
            var name = line[..i];
            var labels = new Dictionary<string, string>();
            if (line[i] == '{')
            {
                i++;
                while (line[i] != '}')
                {
                    var eq = line.IndexOf('=', i);
                    var label = line[i..eq];
                    i = eq + 2; // skip ="
                    var value = new StringBuilder();
                    while (line[i] != '"')
                    {
                        if (line[i] == '\\')
                        {
                            i++;
                            value.Append(line[i] switch { 'n' => '\n', var c => c });
                        }
                        else value.Append(line[i]);
                        i++;
                    }
                    i++;
                    labels[label] = value.ToString();
                    if (line[i] == ',') i++;
                }
                i++;
            }
            var valueText = line[(i + 1)..];
            var v = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, CultureInfo.InvariantCulture),
            };
            result.Add(new ParsedSample(name, labels, v));
        }
        return result;
    }
}
