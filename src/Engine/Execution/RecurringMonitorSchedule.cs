using System.Collections.Immutable;

namespace HaApi.Engine.Execution;

/// <summary>One recurring monitor on this node: when it is next due and whether a run is in flight.</summary>
public sealed record ScheduledMonitor(string Key, string ResourceId, TimeSpan Interval, DateTimeOffset DueAt, bool InFlight);

/// <summary>
/// Decides when each recurring monitor is due. Pure and immutable: every method takes "now" and returns a new
/// schedule, so the executor loop owns the only mutable reference and decisions replay from their inputs.
/// As in Pacemaker's executor, the first run is due right after the start-delay, and the next run is due one
/// interval after the previous run COMPLETED: a slow agent never piles up overlapping runs of the same monitor.
/// </summary>
public sealed class RecurringMonitorSchedule
{
    /// <summary>Bound on registered monitors per node; far above any real configuration.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ImmutableSortedDictionary<string, ScheduledMonitor> _monitors;

    public int Capacity { get; }

    private RecurringMonitorSchedule(ImmutableSortedDictionary<string, ScheduledMonitor> monitors, int capacity)
    {
        _monitors = monitors;
        Capacity = capacity;
    }

    public static RecurringMonitorSchedule Empty(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new(ImmutableSortedDictionary.Create<string, ScheduledMonitor>(StringComparer.Ordinal), capacity);
    }

    public int Count => _monitors.Count;

    public IEnumerable<ScheduledMonitor> Monitors => _monitors.Values;

    public ScheduledMonitor? Find(string key) => _monitors.TryGetValue(key, out var m) ? m : null;

    /// <summary>Registers a monitor; its first run is due at now + startDelay. Registering the same key with the same
    /// interval again keeps the existing entry (idempotent); a different interval replaces it.</summary>
    /// <exception cref="InvalidOperationException">The schedule is full.</exception>
    public RecurringMonitorSchedule Add(string key, string resourceId, TimeSpan interval, DateTimeOffset now, TimeSpan startDelay = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "a recurring monitor needs an interval above zero");
        if (startDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(startDelay), startDelay, "start-delay cannot be negative");
        if (_monitors.TryGetValue(key, out var existing) && existing.Interval == interval) return this;
        if (existing is null && _monitors.Count >= Capacity)
            throw new InvalidOperationException($"cannot schedule monitor '{key}': this node already runs {Capacity} recurring monitors");
        return With(_monitors.SetItem(key, new ScheduledMonitor(key, resourceId, interval, now + startDelay, false)));
    }

    /// <summary>Monitors that should start now, earliest first (ties by key); in-flight runs are not due again.</summary>
    public ImmutableArray<ScheduledMonitor> Due(DateTimeOffset now) =>
        _monitors.Values.Where(m => !m.InFlight && m.DueAt <= now)
            .OrderBy(m => m.DueAt).ThenBy(m => m.Key, StringComparer.Ordinal)
            .ToImmutableArray();

    /// <summary>When the loop should wake up next; null when nothing waits (empty, or everything in flight).</summary>
    public DateTimeOffset? NextDueAt()
    {
        DateTimeOffset? next = null;
        foreach (var m in _monitors.Values)
        {
            if (!m.InFlight && (next is null || m.DueAt < next)) next = m.DueAt;
        }
        return next;
    }

    /// <summary>The executor launched a run of this monitor.</summary>
    public RecurringMonitorSchedule Started(string key)
    {
        if (!_monitors.TryGetValue(key, out var m)) return this; // cancelled meanwhile
        return m.InFlight ? this : With(_monitors.SetItem(key, m with { InFlight = true }));
    }

    /// <summary>A run finished at <paramref name="now"/>; the next one is due an interval later.</summary>
    public RecurringMonitorSchedule Completed(string key, DateTimeOffset now)
    {
        if (!_monitors.TryGetValue(key, out var m)) return this; // cancelled while running: the result is dropped
        return With(_monitors.SetItem(key, m with { InFlight = false, DueAt = now + m.Interval }));
    }

    public RecurringMonitorSchedule Remove(string key) =>
        _monitors.ContainsKey(key) ? With(_monitors.Remove(key)) : this;

    /// <summary>Cancels every monitor of a resource (before it is stopped, or when it leaves the configuration).</summary>
    public RecurringMonitorSchedule RemoveResource(string resourceId)
    {
        var keys = _monitors.Values.Where(m => m.ResourceId == resourceId).Select(m => m.Key).ToList();
        return keys.Count == 0 ? this : With(_monitors.RemoveRange(keys));
    }

    private RecurringMonitorSchedule With(ImmutableSortedDictionary<string, ScheduledMonitor> monitors) => new(monitors, Capacity);
}
