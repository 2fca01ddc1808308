using System.Diagnostics.CodeAnalysis;

namespace HaApi.Engine.Model;

/// <summary>
/// One string instance per distinct value, for the few values that repeat across hundreds of thousands of status
/// records (operation names, agent class/provider/type, node names, resource ids, digests). Each parsed or received
/// record otherwise carries its own copies, so a large status is mostly duplicate strings scattered over the heap,
/// and reading it (the scheduler does, once per resource and node) is a cache miss per field.
/// Not thread-safe: one per import or per owning loop.
/// </summary>
public sealed class StringPool(int capacity = int.MaxValue)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The pooled instance equal to <paramref name="value"/> (added if new). Once the pool holds
    /// <c>capacity</c> values, new values are returned as they are: a long-lived owner stays bounded.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? Get(string? value)
    {
        if (value is null) return null;
        if (_strings.TryGetValue(value, out var pooled)) return pooled;
        if (_strings.Count < capacity) _strings.Add(value, value);
        return value;
    }
}
