using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// One node's fail-count-* and last-failure-* attributes grouped by the resource they name, giving the same results
/// as <see cref="StatusFailCounts"/> without scanning every attribute per lookup. An attribute "fail-count-R#OP" counts
/// for R and, as the scan's prefix match does, for each part of "R#OP" that ends before a '#'.
/// </summary>
internal sealed class FailCounts
{
    private readonly Dictionary<string, Score> counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> lastFailures = new(StringComparer.Ordinal);

    public FailCounts(NodeState? state)
    {
        if (state is null) return;
        // In the attributes' own order, so fail counts add up in the order the scan adds them (saturation at
        // ±INFINITY makes that order matter).
        foreach (var (name, value) in state.TransientAttributes)
        {
            if (name.StartsWith(StatusFailCounts.FailCountPrefix, StringComparison.Ordinal))
            {
                if (!Score.TryParse(value, out var s)) continue;
                foreach (var id in ResourceIds(name, StatusFailCounts.FailCountPrefix.Length))
                    counts[id] = counts.TryGetValue(id, out var total) ? total + s : Score.Zero + s;
            }
            else if (name.StartsWith(StatusFailCounts.LastFailurePrefix, StringComparison.Ordinal))
            {
                if (!long.TryParse(value, out var epoch)) continue;
                var t = DateTimeOffset.FromUnixTimeSeconds(epoch);
                foreach (var id in ResourceIds(name, StatusFailCounts.LastFailurePrefix.Length))
                    if (!lastFailures.TryGetValue(id, out var latest) || t > latest) lastFailures[id] = t;
            }
        }
    }

    /// <summary>Whether any resource has a fail count here.</summary>
    public bool Any => counts.Count > 0;

    public Score Count(string resourceId) => counts.GetValueOrDefault(resourceId, Score.Zero);

    public DateTimeOffset? Last(string resourceId) => lastFailures.TryGetValue(resourceId, out var t) ? t : null;

    private static IEnumerable<string> ResourceIds(string attribute, int start)
    {
        var rest = attribute[start..];
        yield return rest;
        for (var i = 0; i < rest.Length; i++)
            if (rest[i] == '#') yield return rest[..i];
    }
}
