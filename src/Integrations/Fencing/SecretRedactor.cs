using HaApi.Engine.Config;

namespace HaApi.Integrations.Fencing;

/// <summary>
/// Removes the values of secret-looking parameters (passwords, keys, tokens, communities) from text that leaves the
/// runner. Fence agents echo unknown options back on stderr ("Ignoring unknown option 'secret_key=...'"), so anything
/// an agent prints is suspect.
/// </summary>
public static class SecretRedactor
{
    public const string Mask = SecretParameters.Mask;

    /// <summary>The engine's notion of a secret parameter, plus anything ending in "key" (agents' secret_key, api_key...).</summary>
    public static bool IsSecret(string parameterName) =>
        SecretParameters.IsSecret(parameterName) || parameterName.EndsWith("key", StringComparison.OrdinalIgnoreCase);

    public static string Redact(string text, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        // Longest first so that a secret containing another secret is masked whole.
        foreach (var value in parameters.Where(p => IsSecret(p.Key) && p.Value.Length >= 3).Select(p => p.Value).OrderByDescending(v => v.Length))
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        return text;
    }
}
