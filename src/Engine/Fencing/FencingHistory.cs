using System.Collections.Immutable;

namespace HaApi.Engine.Fencing;

/// <summary>The most recent fencing outcomes, oldest dropped first (stonith_admin --history, bounded).</summary>
public sealed class FencingHistory
{
    public const int DefaultCapacity = 500;

    private readonly Queue<FencingOutcome> _entries = new();
    private readonly Lock _gate = new();

    public FencingHistory(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public void Record(FencingOutcome outcome)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity) _entries.Dequeue();
            _entries.Enqueue(outcome);
        }
    }

    /// <summary>Oldest first; only the given target's entries when target is set.</summary>
    public ImmutableArray<FencingOutcome> Snapshot(string? target = null)
    {
        lock (_gate)
            return [.. _entries.Where(e => target is null || e.Target == target)];
    }

    public FencingOutcome? LastSuccess(string target)
    {
        lock (_gate)
            return _entries.LastOrDefault(e => e.Target == target && e.Success);
    }
}
