using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Everything a scheduling decision depends on. "Now" is an input (failure-timeout expiry), never read from a
/// clock, so a saved input replays to the same transition.
/// </summary>
public sealed record SchedulerInput(ClusterConfig Config, ClusterStatus Status, bool HaveQuorum, DateTimeOffset Now);
