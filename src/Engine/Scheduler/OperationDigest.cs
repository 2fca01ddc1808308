using System.Security.Cryptography;
using System.Text;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Pacemaker's operation digest: the MD5 (hex) of " &lt;parameters NAME="VALUE" .../&gt;\n" with the parameters
/// sorted by name, which the controller records with each operation so a later change of the definition is seen.
/// </summary>
public static class OperationDigest
{
    public static string Compute(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder(" <parameters");
        foreach (var (name, value) in parameters.Where(kv => !kv.Key.StartsWith("CRM_meta_", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        sb.Append("/>\n");
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static string Escape(string value) =>
        value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
