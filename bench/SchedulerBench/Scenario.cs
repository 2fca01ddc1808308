namespace HaApi.Bench.Scheduler;

/// <summary>What differs from the warm, settled cluster in one benchmark case.</summary>
public sealed record Scenario(string Name, string? FailedNode = null, string? StandbyNode = null)
{
    public static Scenario NoChange { get; } = new("no change");
    public static Scenario NodeFailure(string node) => new("node failure", FailedNode: node);
    public static Scenario NodeStandby(string node) => new("node standby", StandbyNode: node);
}
