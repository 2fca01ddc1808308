using System.Collections.Immutable;

namespace HaApi.Engine.Config;

/// <summary>
/// Which parameter names hold secrets. Secrets are stored and handed to agents, but every output
/// (API, logs, history, events, traps, metrics) shows <see cref="Mask"/> instead.
/// </summary>
public static class SecretParameters
{
    public const string Mask = "***";

    private static readonly string[] Fragments =
    [
        "password", "passwd", "passphrase", "secret", "access_key", "accesskey", "community", "auth_key",
        "authkey", "priv_key", "privkey", "private_key", "token", "credential",
    ];

    private static readonly HashSet<string> Exact = new(StringComparer.OrdinalIgnoreCase) { "passwd", "pass", "key", "auth_password", "priv_password" };

    public static bool IsSecret(string name)
    {
        var n = name.ToLowerInvariant().Replace('-', '_');
        return Exact.Contains(n) || Fragments.Any(n.Contains);
    }

    public static ImmutableSortedDictionary<string, string> Redact(ImmutableSortedDictionary<string, string> parameters)
    {
        var result = parameters;
        foreach (var (k, _) in parameters)
            if (IsSecret(k)) result = result.SetItem(k, Mask);
        return result;
    }

    /// <summary>
    /// When a client sends back a configuration it read (with secrets masked), keep the stored secret for every
    /// parameter whose new value is the mask, so a read-modify-write never overwrites a password with "***".
    /// </summary>
    public static ImmutableSortedDictionary<string, string> KeepMasked(
        ImmutableSortedDictionary<string, string> incoming, ImmutableSortedDictionary<string, string>? stored)
    {
        var result = incoming;
        foreach (var (k, v) in incoming)
        {
            if (v != Mask) continue;
            result = stored is not null && stored.TryGetValue(k, out var old) ? result.SetItem(k, old) : result.Remove(k);
        }
        return result;
    }
}
