using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Engine.Fencing;

/// <summary>
/// Removes the values of secret-looking fence device parameters (passwords, keys, tokens, communities) from text that
/// leaves fencing: agent output, reasons, events, log lines. Fence agents echo unknown options back on stderr
/// ("Ignoring unknown option 'secret_key=...'") and some print their login on failure, so anything an agent prints is
/// suspect; reasons are scrubbed again before they are logged or published, against every device of the
/// configuration, because a reason may quote another device's output.
/// </summary>
public static class FenceSecrets
{
    public const string Mask = SecretParameters.Mask;

    /// <summary>Shorter values are not masked: replacing every "ab" in a message would garble it and protect nothing.</summary>
    private const int MinSecretLength = 3;

    /// <summary>The engine's notion of a secret parameter, plus anything ending in "key" (agents' secret_key, api_key...).</summary>
    public static bool IsSecret(string parameterName) =>
        SecretParameters.IsSecret(parameterName) || parameterName.EndsWith("key", StringComparison.OrdinalIgnoreCase);

    public static string Redact(string text, IEnumerable<KeyValuePair<string, string>> parameters) =>
        Redact(text, parameters.Where(p => IsSecret(p.Key)).Select(p => p.Value));

    /// <summary>Masks the secrets of every fence device of the configuration.</summary>
    public static string Redact(string text, ClusterConfig config) =>
        Redact(text, config.FenceDevices.SelectMany(d => d.Parameters).Where(p => IsSecret(p.Key)).Select(p => p.Value));

    private static string Redact(string text, IEnumerable<string> secrets)
    {
        // Longest first so that a secret containing another secret is masked whole.
        foreach (var value in secrets.Where(v => v.Length >= MinSecretLength).Distinct().OrderByDescending(v => v.Length))
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        return text;
    }
}
