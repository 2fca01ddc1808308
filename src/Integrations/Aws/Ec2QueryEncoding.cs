using System.Text;

namespace HaApi.Integrations.Aws;

/// <summary>EC2 Query bodies: Action and Version first, then parameters, each name=value percent-encoded per RFC 3986.</summary>
public static class Ec2QueryEncoding
{
    public const string ApiVersion = "2016-11-15";

    public static string Body(string action, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder();
        sb.Append("Action=").Append(Encode(action)).Append("&Version=").Append(ApiVersion);
        foreach (var (name, value) in parameters)
            sb.Append('&').Append(Encode(name)).Append('=').Append(Encode(value));
        return sb.ToString();
    }

    /// <summary>RFC 3986: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other UTF-8 byte becomes %XX.</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    /// <summary>Filter.N.Name / Filter.N.Value.M, lists flattened 1-based.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Filters(IEnumerable<(string Name, string[] Values)> filters)
    {
        var n = 0;
        foreach (var (name, values) in filters)
        {
            n++;
            yield return new($"Filter.{n}.Name", name);
            for (var m = 0; m < values.Length; m++) yield return new($"Filter.{n}.Value.{m + 1}", values[m]);
        }
    }
}
