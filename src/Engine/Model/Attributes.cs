using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>Name/value pairs (instance parameters, meta attributes, node attributes), sorted by name so that
/// every node serialises them identically.</summary>
public static class Attributes
{
    public static readonly ImmutableSortedDictionary<string, string> Empty =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public static ImmutableSortedDictionary<string, string> From(IEnumerable<KeyValuePair<string, string>>? pairs) =>
        pairs is null ? Empty : Empty.SetItems(pairs);

    public static string? Get(this ImmutableSortedDictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var v) ? v : null;

    /// <summary>Pacemaker's boolean spelling: true/yes/on/y/1 (case-insensitive).</summary>
    public static bool IsTrue(string? value) =>
        value?.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "y" or "1";

    public static bool IsBoolean(string? value) =>
        value?.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "y" or "1" or "false" or "no" or "off" or "n" or "0";
}
