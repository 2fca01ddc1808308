namespace HaApi.Engine.Status;

/// <summary>A status report's resources indexed as a tree (top-level resources, members, instances), for rendering.</summary>
internal sealed class ResourceTree
{
    private readonly Dictionary<string, ResourceReport> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CollectionReport> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeReport> _nodes = new(StringComparer.Ordinal);

    public ResourceTree(StatusReport report)
    {
        foreach (var r in report.Resources) _resources.TryAdd(r.Id, r);
        foreach (var c in report.Collections) _collections.TryAdd(c.Id, c);
        foreach (var n in report.Nodes) _nodes.TryAdd(n.Name, n);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in report.Resources)
        {
            object top = r.CloneId is { } c && _collections.TryGetValue(c, out var clone) ? clone
                : r.GroupId is { } g && _collections.TryGetValue(g, out var group) ? group
                : r;
            var id = top is CollectionReport col ? col.Id : r.Id;
            if (seen.Add(id)) TopLevel.Add(top);
        }
    }

    /// <summary>Primitives (<see cref="ResourceReport"/>) and collections (<see cref="CollectionReport"/>) in order.</summary>
    public List<object> TopLevel { get; } = [];

    public ResourceReport? Instance(string id) => _resources.GetValueOrDefault(id);

    public CollectionReport? Collection(string id) => _collections.GetValueOrDefault(id);

    public NodeReport? Node(string name) => _nodes.GetValueOrDefault(name);

    public List<ResourceReport> Members(CollectionReport group) =>
        [.. group.Children.Select(Instance).OfType<ResourceReport>()];
}
