namespace HaApi.Engine.Tests.Simulation;

/// <summary>A clock that stands still and timers that never fire: simulated time is the step count.</summary>
internal sealed class ManualTime : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A disk that loses what was appended but not flushed when its node crashes.</summary>
internal sealed class MemoryConfigStore : HaApi.Engine.Ports.IConfigStore
{
    private HaApi.Engine.Ports.StoredConfig? unsynced;
    public HaApi.Engine.Ports.StoredConfig? Saved { get; private set; }
    public HaApi.Engine.Ports.StoredConfig? Load() => Saved;
    public void Save(HaApi.Engine.Ports.StoredConfig state) => (Saved, unsynced) = (state, null);
    public void AppendUnsynced(HaApi.Engine.Ports.StoredConfig state, HaApi.Engine.Config.CommandEnvelope applied) => unsynced = state;
    public void Flush() => (Saved, unsynced) = (unsynced ?? Saved, null);
    public void Crash() => unsynced = null;
}

internal sealed class NoEvents : HaApi.Engine.Ports.IEventSink
{
    public void Publish(HaApi.Engine.Events.ClusterEvent clusterEvent) { }
}
