namespace HaApi.Engine.Scheduler;

/// <summary>Shared empty read-only collections, returned for per-resource state that is created only on first use.
/// Read-only interfaces, so nothing can add to the shared instance.</summary>
internal static class Empty<T>
{
    public static readonly IReadOnlyList<T> List = [];
    public static readonly IReadOnlySet<T> Set = new HashSet<T>();
}

/// <summary>A shared empty read-only dictionary (see <see cref="Empty{T}"/>).</summary>
internal static class Empty<TKey, TValue> where TKey : notnull
{
    public static readonly IReadOnlyDictionary<TKey, TValue> Dictionary = new Dictionary<TKey, TValue>();
}
