using System.Collections.Immutable;
using System.Globalization;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Builds the resource tree (clones expanded into numbered instances) with each resource's effective meta
/// attributes: its own, then its parent's, then rsc_defaults, as Pacemaker inherits them.
/// </summary>
internal static class UnpackResourcesPhase
{
    public static void Run(WorkingSet ws)
    {
        // Top-level resources in configuration order: the model keeps kinds in separate lists, so recover the
        // CIB order from the order ids were declared (primitives, groups and clones interleave in a CIB).
        foreach (var id in TopLevelOrder(ws.Config))
        {
            ResourceNode? node = null;
            if (ws.FindPrimitive(id) is { } p) node = BuildPrimitive(ws, p, id, null);
            else if (ws.FindGroup(id) is { } g) node = BuildGroup(ws, g, id, null, "");
            else if (ws.FindClone(id) is { } c) node = BuildClone(ws, c);
            if (node is not null) ws.Resources.Add(node);
        }
        AddColocations(ws);
    }

    private static IEnumerable<string> TopLevelOrder(ClusterConfig config)
    {
        if (config.ResourceOrder is { IsDefaultOrEmpty: false } order) return order;
        var inGroup = config.Groups.SelectMany(g => g.Members).ToHashSet(StringComparer.Ordinal);
        var inClone = config.Clones.Select(c => c.Child).ToHashSet(StringComparer.Ordinal);
        return config.Primitives.Select(p => p.Id).Where(id => !inGroup.Contains(id) && !inClone.Contains(id))
            .Concat(config.Groups.Select(g => g.Id).Where(id => !inClone.Contains(id)))
            .Concat(config.Clones.Select(c => c.Id));
    }

    private static void FillMeta(WorkingSet ws, ResourceNode node, ImmutableSortedDictionary<string, string> own)
    {
        // Inherited meta is rsc_defaults overlaid by the parent's (which already starts with rsc_defaults, in the
        // same order), so a resource with no meta of its own has exactly its parent's: share it.
        if (own.IsEmpty && node.Parent is not null) node.Meta = node.Parent.Meta;
        else if (own.IsEmpty && node.Parent is null) node.Meta = ws.DefaultMeta();
        else node.Meta = OwnMeta(ws, node, own);
        ApplyCommonMeta(ws, node);
    }

    private static Dictionary<string, string> OwnMeta(WorkingSet ws, ResourceNode node, IEnumerable<KeyValuePair<string, string>> own)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in ws.Config.ResourceDefaults) meta[k] = v;
        if (node.Parent is not null)
            foreach (var (k, v) in node.Parent.Meta) meta[k] = v;
        foreach (var (k, v) in own) meta[k] = v;
        return meta;
    }

    private static void ApplyCommonMeta(WorkingSet ws, ResourceNode node)
    {
        node.Priority = LeadingInteger(node.Meta.GetValueOrDefault(MetaNames.Priority));
        node.Stickiness = Score.TryParse(node.Meta.GetValueOrDefault(MetaNames.ResourceStickiness), out var st) ? st.Value
            : Score.TryParse(node.Meta.GetValueOrDefault("default-resource-stickiness"), out var dst) ? dst.Value : 0;
        node.Managed = !node.Meta.TryGetValue(MetaNames.IsManaged, out var managed) || Attributes.IsTrue(managed);
        if (ws.MaintenanceMode || Attributes.IsTrue(node.Meta.GetValueOrDefault(MetaNames.Maintenance))) node.Managed = false;
        if (node.Meta.TryGetValue(MetaNames.MigrationThreshold, out var mt) && Score.TryParse(mt, out var mts))
            node.MigrationThreshold = mts.Value;
        if (node.Meta.TryGetValue(MetaNames.TargetRole, out var tr) && RoleNames.TryParse(tr, out var role) && role != Role.Unknown)
        {
            if (role == Role.Stopped) node.NextRole = Role.Stopped;
            else if (role is Role.Unpromoted or Role.Promoted && node.Top is CloneNode { Promotable: true }) node.TargetRole = role;
        }
    }

    /// <summary>Pacemaker reads integers like strtol: "2.0" is 2, garbage is 0.</summary>
    private static int LeadingInteger(string? text)
    {
        if (text is null) return 0;
        var t = text.Trim();
        var end = t.Length > 0 && t[0] is '-' or '+' ? 1 : 0;
        while (end < t.Length && char.IsAsciiDigit(t[end])) end++;
        return int.TryParse(t.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private static PrimitiveNode BuildPrimitive(WorkingSet ws, Primitive p, string id, ResourceNode? parent)
    {
        var node = new PrimitiveNode(id, parent, p);
        FillMeta(ws, node, p.Meta);
        node.Unique = parent?.Unique ?? true;
        Register(ws, node);
        return node;
    }

    private static GroupNode BuildGroup(WorkingSet ws, Group g, string id, ResourceNode? parent, string suffix)
    {
        var node = new GroupNode(id, parent);
        FillMeta(ws, node, g.Meta);
        node.Unique = parent?.Unique ?? true;
        Register(ws, node);
        foreach (var memberId in g.Members)
        {
            if (ws.FindPrimitive(memberId) is not { } p) continue;
            var member = BuildPrimitive(ws, p, memberId + suffix, node);
            if (suffix.Length > 0) member.HistoryId = node.Unique ? member.Id : memberId;
            node.Members.Add(member);
        }
        return node;
    }

    private static CloneNode BuildClone(WorkingSet ws, Clone c)
    {
        var node = new CloneNode(c.Id, null);
        FillMeta(ws, node, c.Meta);
        node.Unique = Attributes.IsTrue(node.Meta.GetValueOrDefault(MetaNames.GloballyUnique));
        node.Promotable = c.Promotable;
        // Clone instances are sticky by default (1) unless stickiness is configured anywhere.
        if (!node.Meta.ContainsKey(MetaNames.ResourceStickiness))
        {
            // The clone's own copy: its meta may be the shared rsc_defaults dictionary.
            node.Meta = new Dictionary<string, string>(node.Meta, StringComparer.Ordinal) { [MetaNames.ResourceStickiness] = "1" };
            node.Stickiness = 1;
        }
        node.CloneMax = IntMeta(node, MetaNames.CloneMax, ws.Config.Nodes.Length);
        node.Interleave = Attributes.IsTrue(node.Meta.GetValueOrDefault(MetaNames.Interleave));
        // Checked against crm_simulate 2.1.5: instances of an anonymous clone are interchangeable, so it runs at most
        // one per node whatever clone-node-max says (Pacemaker 3 makes such a clone globally unique instead).
        node.CloneNodeMax = node.Unique ? IntMeta(node, MetaNames.CloneNodeMax, 1) : 1;
        // The importer maps the legacy master-max / master-node-max names onto these.
        node.PromotedMax = IntMeta(node, MetaNames.PromotedMax, 1);
        node.PromotedNodeMax = IntMeta(node, MetaNames.PromotedNodeMax, 1);
        Register(ws, node);
        for (var i = 0; i < node.CloneMax; i++) node.Instances.Add(BuildInstance(ws, node, c.Child, i));
        return node;
    }

    public static ResourceNode BuildInstance(WorkingSet ws, CloneNode clone, string childId, int number)
    {
        var suffix = ":" + number.ToString(CultureInfo.InvariantCulture);
        if (ws.FindGroup(childId) is { } g) return BuildGroup(ws, g, childId + suffix, clone, suffix);
        var p = ws.FindPrimitive(childId)!;
        var instance = BuildPrimitive(ws, p, childId + suffix, clone);
        instance.HistoryId = clone.Unique ? instance.Id : childId;
        return instance;
    }

    private static int IntMeta(ResourceNode node, string name, int fallback) =>
        node.Meta.TryGetValue(name, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    private static void Register(WorkingSet ws, ResourceNode node) => ws.Register(node);

    private static void AddColocations(WorkingSet ws)
    {
        // Group members are colocated with the member before them (Pacemaker's implicit group colocation).
        foreach (var group in ws.ById.Values.OfType<GroupNode>())
            for (var i = 1; i < group.Members.Count; i++)
                Add(new Colocation("group:internal_colocation", group.Members[i], group.Members[i - 1], Scores.Inf, null, null));

        foreach (var c in ws.Config.Colocations)
        {
            if (!ws.ById.TryGetValue(c.Resource, out var dependent) || !ws.ById.TryGetValue(c.WithResource, out var primary)) continue;
            Add(new Colocation(c.Id, dependent, primary, c.Score.Value, c.ResourceRole, c.WithResourceRole));
        }
    }

    /// <summary>
    /// Pacemaker keeps each resource's colocation lists sorted by the other resource: higher priority first, then
    /// clones before groups before primitives, promotable clones first, then by id (a stable insertion, so equal
    /// ones keep their order). The order decides which colocation is applied first when a resource is placed
    /// (seed 6151: "rsc3 with rsc2" before "rsc3 with rsc4").
    /// </summary>
    private static void Add(Colocation c)
    {
        c.Dependent.InsertThisWith(SortedPosition(c.Dependent.ThisWith, c.Primary, x => x.Primary), c);
        c.Primary.InsertWithThis(SortedPosition(c.Primary.WithThis, c.Dependent, x => x.Dependent), c);
    }

    private static int SortedPosition(IReadOnlyList<Colocation> list, ResourceNode other, Func<Colocation, ResourceNode> otherOf)
    {
        for (var i = 0; i < list.Count; i++)
            if (Compare(otherOf(list[i]), other) > 0) return i;
        return list.Count;
    }

    private static int Compare(ResourceNode a, ResourceNode b)
    {
        if (a.Priority != b.Priority) return b.Priority.CompareTo(a.Priority);
        if (a.Variant != b.Variant) return b.Variant.CompareTo(a.Variant);
        var pa = a is CloneNode { Promotable: true };
        var pb = b is CloneNode { Promotable: true };
        if (pa != pb) return pa ? -1 : 1;
        return string.CompareOrdinal(a.Id, b.Id);
    }
}
