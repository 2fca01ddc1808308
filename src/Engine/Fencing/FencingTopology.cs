using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Fencing;

/// <summary>One step of a fencing plan: succeeds only if every device in it succeeds. Missing names devices the
/// level refers to that are not configured (the level then cannot succeed).</summary>
public sealed record FencingPlanLevel(int Index, ImmutableArray<FenceDevice> Devices, ImmutableArray<string> Missing);

/// <summary>The levels to try, in order, for one target. Explicit is false when no fencing level was configured
/// for the target and the plan was derived from the devices' host checks.</summary>
public sealed record FencingPlan(string Target, ImmutableArray<FencingPlanLevel> Levels, bool Explicit);

/// <summary>
/// Pacemaker's fencing topology: configured levels for the target are tried by increasing index. Without levels,
/// every device that can (or might, per its host check) fence the target is tried on its own, in configuration order,
/// and the first success is enough.
/// </summary>
public static class FencingTopology
{
    public static FencingPlan Plan(ClusterConfig config, string target)
    {
        var levels = config.FencingLevels.Where(l => l.Target == target).OrderBy(l => l.Index).ToList();
        if (levels.Count > 0)
        {
            var planned = levels.Select(l =>
            {
                var found = l.Devices.Select(config.FindFenceDevice).OfType<FenceDevice>().ToImmutableArray();
                var missing = l.Devices.Where(d => config.FindFenceDevice(d) is null).ToImmutableArray();
                return new FencingPlanLevel(l.Index, found, missing);
            });
            return new FencingPlan(target, [.. planned], Explicit: true);
        }

        var candidates = config.FenceDevices
            .Where(d => DeviceTargeting.Capability(d, target) != TargetCapability.No)
            .Select((d, i) => new FencingPlanLevel(i + 1, [d], []));
        return new FencingPlan(target, [.. candidates], Explicit: false);
    }
}
