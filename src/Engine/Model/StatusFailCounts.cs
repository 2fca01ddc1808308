namespace HaApi.Engine.Model;

/// <summary>
/// Fail counts live in a node's transient attributes, either as "fail-count-RSC" (legacy, whole resource) or
/// "fail-count-RSC#OP_INTERVALMS" (per operation); Pacemaker adds all forms together, and takes the latest of the
/// matching "last-failure-*" timestamps.
/// </summary>
public static class StatusFailCounts
{
    public const string FailCountPrefix = "fail-count-";
    public const string LastFailurePrefix = "last-failure-";

    public static Score FailCount(this NodeState node, string resourceId)
    {
        var total = Score.Zero;
        foreach (var (name, value) in node.TransientAttributes)
        {
            if (!Matches(name, FailCountPrefix, resourceId)) continue;
            if (Score.TryParse(value, out var s)) total += s;
        }
        return total;
    }

    public static DateTimeOffset? LastFailure(this NodeState node, string resourceId)
    {
        DateTimeOffset? latest = null;
        foreach (var (name, value) in node.TransientAttributes)
        {
            if (!Matches(name, LastFailurePrefix, resourceId)) continue;
            if (!long.TryParse(value, out var epoch)) continue;
            var t = DateTimeOffset.FromUnixTimeSeconds(epoch);
            if (latest is null || t > latest) latest = t;
        }
        return latest;
    }

    private static bool Matches(string attribute, string prefix, string resourceId)
    {
        if (!attribute.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = attribute.AsSpan(prefix.Length);
        if (!rest.StartsWith(resourceId, StringComparison.Ordinal)) return false;
        rest = rest[resourceId.Length..];
        return rest.Length == 0 || rest[0] == '#';
    }
}
