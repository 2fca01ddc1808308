using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>
/// The whole cluster configuration (Pacemaker's CIB configuration section), immutable. Collections keep
/// configuration order because Pacemaker's tie-breaking depends on it.
/// </summary>
public sealed record ClusterConfig(
    ConfigVersion Version,
    ImmutableArray<Node> Nodes,
    ImmutableArray<Primitive> Primitives,
    ImmutableArray<Group> Groups,
    ImmutableArray<Clone> Clones,
    ImmutableArray<LocationConstraint> Locations,
    ImmutableArray<ColocationConstraint> Colocations,
    ImmutableArray<OrderConstraint> Orders,
    ImmutableArray<FenceDevice> FenceDevices,
    ImmutableArray<FencingLevel> FencingLevels,
    ClusterProperties Properties,
    ImmutableSortedDictionary<string, string> ResourceDefaults,
    ImmutableSortedDictionary<string, string> OperationDefaults,
    ImmutableArray<Alert> Alerts,
    ChangeRecord? LastChange = null)
{
    /// <summary>
    /// Ids of top-level resources (primitives, groups, clones) in the order they were declared, when known (a CIB
    /// interleaves kinds; Pacemaker's placement tie-breaking and summaries follow that order). Empty: primitives,
    /// then groups, then clones.
    /// </summary>
    public ImmutableArray<string> ResourceOrder { get; init; } = [];

    public static readonly ClusterConfig Empty = new(
        ConfigVersion.Initial, [], [], [], [], [], [], [], [], [], ClusterProperties.Default,
        Attributes.Empty, Attributes.Empty, []);

    public Node? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);
    public Primitive? FindPrimitive(string id) => Primitives.FirstOrDefault(p => p.Id == id);
    public Group? FindGroup(string id) => Groups.FirstOrDefault(g => g.Id == id);
    public Clone? FindClone(string id) => Clones.FirstOrDefault(c => c.Id == id);
    public FenceDevice? FindFenceDevice(string id) => FenceDevices.FirstOrDefault(d => d.Id == id);
    public Alert? FindAlert(string id) => Alerts.FirstOrDefault(a => a.Id == id);

    /// <summary>True when id names a primitive, group or clone (anything a constraint may refer to).</summary>
    public bool IsResource(string id) => FindPrimitive(id) is not null || FindGroup(id) is not null || FindClone(id) is not null;

    public Constraint? FindConstraint(string id) =>
        (Constraint?)Locations.FirstOrDefault(c => c.Id == id)
        ?? (Constraint?)Colocations.FirstOrDefault(c => c.Id == id)
        ?? Orders.FirstOrDefault(c => c.Id == id);

    /// <summary>Every id in the shared id namespace (resources, constraints, fence devices, alerts), with what it names.</summary>
    public IEnumerable<(string Id, string Kind)> AllIds()
    {
        foreach (var p in Primitives) yield return (p.Id, "primitive");
        foreach (var g in Groups) yield return (g.Id, "group");
        foreach (var c in Clones) yield return (c.Id, "clone");
        foreach (var c in Locations) yield return (c.Id, "location constraint");
        foreach (var c in Colocations) yield return (c.Id, "colocation constraint");
        foreach (var c in Orders) yield return (c.Id, "order constraint");
        foreach (var d in FenceDevices) yield return (d.Id, "fence device");
        foreach (var a in Alerts) yield return (a.Id, "alert");
    }

    /// <summary>The group or clone that directly contains a resource, if any.</summary>
    public string? ParentOf(string id) =>
        Groups.FirstOrDefault(g => g.Members.Contains(id))?.Id ?? Clones.FirstOrDefault(c => c.Child == id)?.Id;
}

/// <summary>Who changed the configuration, when, through which node, and what the change was.</summary>
public sealed record ChangeRecord(ConfigVersion Version, string Author, DateTimeOffset Time, string ViaNode, string Summary, Guid CommandId = default);
