using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>Meta attribute names Pacemaker defines for resources.</summary>
public static class MetaNames
{
    public const string TargetRole = "target-role";
    public const string IsManaged = "is-managed";
    public const string ResourceStickiness = "resource-stickiness";
    public const string MigrationThreshold = "migration-threshold";
    public const string FailureTimeout = "failure-timeout";
    public const string Priority = "priority";
    public const string MultipleActive = "multiple-active";
    public const string Maintenance = "maintenance";
    public const string CloneMax = "clone-max";
    public const string CloneNodeMax = "clone-node-max";
    public const string Interleave = "interleave";
    public const string Promotable = "promotable";
    public const string PromotedMax = "promoted-max";
    public const string PromotedNodeMax = "promoted-node-max";
    public const string GloballyUnique = "globally-unique";
    public const string Ordered = "ordered";
    public const string Notify = "notify";
    public const string AllowMigrate = "allow-migrate";
}

/// <summary>A primitive resource: one agent instance.</summary>
public sealed record Primitive(
    string Id,
    ResourceClass Class,
    string? Provider,
    string Type,
    ImmutableSortedDictionary<string, string> Parameters,
    ImmutableSortedDictionary<string, string> Meta,
    ImmutableArray<Operation> Operations,
    string? Description = null)
{
    /// <summary>The agent in Pacemaker's notation, e.g. "ocf:heartbeat:IPaddr2" or "systemd:nginx".</summary>
    public string AgentSpec => Provider is null ? $"{Class.ToWire()}:{Type}" : $"{Class.ToWire()}:{Provider}:{Type}";
}

/// <summary>A group: members start in order and are colocated with the previous member.</summary>
public sealed record Group(
    string Id,
    ImmutableArray<string> Members,
    ImmutableSortedDictionary<string, string> Meta,
    string? Description = null);

/// <summary>A clone of a primitive or group; promotable clones have Promoted/Unpromoted instances.</summary>
public sealed record Clone(
    string Id,
    string Child,
    ImmutableSortedDictionary<string, string> Meta,
    string? Description = null)
{
    public bool Promotable => Attributes.IsTrue(Meta.Get(MetaNames.Promotable));
}
