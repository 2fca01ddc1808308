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
/// Refuses configurations that need promotion logic (promotable clones, role-specific constraints, promote/demote
/// orderings), which this scheduler does not implement yet: better a clear error than a wrong transition.
/// </summary>
internal static class SupportCheckPhase
{
    public static void Run(ClusterConfig config)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var c in config.Clones.Where(c => c.Promotable))
            problems.Add($"promotable clone '{c.Id}' (promotion and demotion are not scheduled)");
        foreach (var l in config.Locations.Where(l => l.Role is Role.Promoted or Role.Unpromoted))
            problems.Add($"role-specific location '{l.Id}'");
        foreach (var c in config.Colocations.Where(c => c.ResourceRole is Role.Promoted or Role.Unpromoted || c.WithResourceRole is Role.Promoted or Role.Unpromoted))
            problems.Add($"role-specific colocation '{c.Id}'");
        foreach (var o in config.Orders.Where(o => o.FirstAction is ResourceAction.Promote or ResourceAction.Demote || o.ThenAction is ResourceAction.Promote or ResourceAction.Demote))
            problems.Add($"promote/demote ordering '{o.Id}'");
        if (config.Properties.Get("placement-strategy") is { Length: > 0 } strategy && strategy != "default")
            problems.Add($"placement-strategy={strategy} (utilization)");
        if (problems.Count > 0) throw new UnsupportedConfigurationException(problems.ToImmutable());
    }
}
