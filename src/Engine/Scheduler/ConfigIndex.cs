using System.Runtime.CompilerServices;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// A configuration's resource definitions by id. ClusterConfig's Find* scan their lists, and a run looks definitions
/// up once per history entry (resources x nodes). The configuration is immutable and usually outlives many runs (the
/// status changes far more often), so the index is built once per configuration object and shared by every run on it:
/// read-only after construction, and keyed on the object itself, so a run still depends on nothing but its input.
/// </summary>
internal sealed class ConfigIndex
{
    private static readonly ConditionalWeakTable<ClusterConfig, ConfigIndex> Cache = [];

    private readonly Dictionary<string, Primitive> primitives;
    private readonly Dictionary<string, Group> groups;
    private readonly Dictionary<string, Clone> clones;

    private ConfigIndex(ClusterConfig config)
    {
        primitives = Index(config.Primitives, p => p.Id);
        groups = Index(config.Groups, g => g.Id);
        clones = Index(config.Clones, c => c.Id);
    }

    public static ConfigIndex Of(ClusterConfig config) => Cache.GetValue(config, c => new ConfigIndex(c));

    public Primitive? FindPrimitive(string id) => primitives.GetValueOrDefault(id);

    public Group? FindGroup(string id) => groups.GetValueOrDefault(id);

    public Clone? FindClone(string id) => clones.GetValueOrDefault(id);

    /// <summary>How many resources the configuration defines, clone instances not counted.</summary>
    public int ResourceCount => primitives.Count + groups.Count + clones.Count;

    /// <summary>First definition wins, as the linear Find* it replaces did.</summary>
    private static Dictionary<string, T> Index<T>(IReadOnlyCollection<T> items, Func<T, string> id)
    {
        var index = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items) index.TryAdd(id(item), item);
        return index;
    }
}
