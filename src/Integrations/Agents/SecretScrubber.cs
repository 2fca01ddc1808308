using HaApi.Engine.Config;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Agents receive secrets (passwords, keys) in their parameters and sometimes print them back in errors. Results
/// leave the runner towards logs, events and the API, so every secret parameter's value is masked in the agent's
/// output and exit reason here, where agent text enters HaApi.
/// </summary>
internal static class SecretScrubber
{
    /// <summary>Shorter values would mask ordinary words and numbers without protecting anything.</summary>
    private const int MinimumLength = 4;

    public static OperationResult Scrub(OperationResult result, Primitive resource)
    {
        var secrets = resource.Parameters
            .Where(p => SecretParameters.IsSecret(p.Key) && p.Value.Length >= MinimumLength)
            .Select(p => p.Value)
            .OrderByDescending(v => v.Length) // a secret containing another is masked whole
            .ToList();
        if (secrets.Count == 0) return result;
        return result with
        {
            Output = Mask(result.Output, secrets),
            ErrorOutput = Mask(result.ErrorOutput, secrets),
            ExitReason = Mask(result.ExitReason, secrets),
        };
    }

    private static string? Mask(string? text, List<string> secrets)
    {
        if (string.IsNullOrEmpty(text)) return text;
        foreach (var s in secrets) text = text.Replace(s, SecretParameters.Mask, StringComparison.Ordinal);
        return text;
    }
}
