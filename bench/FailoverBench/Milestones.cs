namespace HaApi.Bench.Failover;

/// <summary>Reads the moments a run is measured by out of the recorded events.</summary>
public static class Milestones
{
    /// <summary>The first successful one-shot <paramref name="operation"/> of each resource on one of
    /// <paramref name="nodes"/>; null until every resource has one.</summary>
    public static List<RecordedEvent>? EachSucceeded(List<RecordedEvent> events, string operation, IReadOnlyList<string> resources, IReadOnlyCollection<string> nodes)
    {
        var found = events
            .Where(e => e.IsSuccessful(operation) && nodes.Contains(e.Str("target") ?? "") && resources.Contains(e.Str("resource") ?? ""))
            .GroupBy(e => e.Str("resource"))
            .Select(g => g.First())
            .ToList();
        return found.Count == resources.Count ? found : null;
    }

    /// <summary>
    /// How many of the resources report a successful recurring monitor on one of <paramref name="nodes"/>: a resource
    /// recovered without its monitor would not be recovered again if it failed. Waits up to three monitor intervals.
    /// </summary>
    public static async Task<string> MonitoredAsync(EventRecorder recorder, DateTimeOffset since, IReadOnlyList<string> resources, IReadOnlyCollection<string> nodes)
    {
        int Count(List<RecordedEvent> events) => events
            .Where(e => e.IsRecurringMonitorSuccess && nodes.Contains(e.Str("target") ?? "") && resources.Contains(e.Str("resource") ?? ""))
            .Select(e => e.Str("resource")).Distinct().Count();
        var (events, _) = await recorder.TryWaitAsync(since, e => Count(e) == resources.Count, TimeSpan.FromSeconds(6));
        var count = Count(events);
        return count == resources.Count ? $"all {count} monitored" : $"ONLY {count} OF {resources.Count} MONITORED";
    }

    /// <summary>When <paramref name="nodes"/> began running <paramref name="operation"/> of the resources (first and last).</summary>
    public static (DateTimeOffset? First, DateTimeOffset? Last) Began(List<RecordedEvent> events, string operation, IReadOnlyList<string> resources, IReadOnlyCollection<string> nodes)
    {
        var began = events
            .Where(e => e.Kind == "ResourceOperationStarted" && e.Str("operation") == operation && e.IsOneShot
                        && nodes.Contains(e.Str("target") ?? "") && resources.Contains(e.Str("resource") ?? ""))
            .Select(e => e.Time)
            .ToList();
        return began.Count == 0 ? (null, null) : (began.Min(), began.Max());
    }

    public static double Ms(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalMilliseconds;
}
