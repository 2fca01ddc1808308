using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// A configuration the scheduler cannot yet place faithfully (it would return a plausible but wrong transition).
/// Each entry names the construct and the id that uses it.
/// </summary>
public sealed class UnsupportedConfigurationException(ImmutableArray<string> problems)
    : Exception("The scheduler does not support: " + string.Join("; ", problems))
{
    public ImmutableArray<string> Problems { get; } = problems;
}

/// <summary>
/// Refuses configurations that need placement this scheduler does not implement yet (utilization-based
/// placement strategies): better a clear error than a wrong transition.
/// </summary>
internal static class SupportCheckPhase
{
    public static void Run(ClusterConfig config)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        if (config.Properties.Get("placement-strategy") is { Length: > 0 } strategy && strategy != "default")
            problems.Add($"placement-strategy={strategy} (utilization)");
        if (problems.Count > 0) throw new UnsupportedConfigurationException(problems.ToImmutable());
    }
}
