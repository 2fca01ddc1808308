using System.Collections.Immutable;
using System.Text.Json.Serialization;
using HaApi.Engine.Model;

namespace HaApi.Engine.Config;

/// <summary>
/// A typed configuration change. Commands are multicast in total order and every node applies the same
/// sequence with <see cref="ConfigApplier"/>, so applying must depend on nothing but the command and the
/// current configuration.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$command")]
[JsonDerivedType(typeof(PutPrimitive), "put-primitive")]
[JsonDerivedType(typeof(PutGroup), "put-group")]
[JsonDerivedType(typeof(PutClone), "put-clone")]
[JsonDerivedType(typeof(PutLocation), "put-location")]
[JsonDerivedType(typeof(PutColocation), "put-colocation")]
[JsonDerivedType(typeof(PutOrder), "put-order")]
[JsonDerivedType(typeof(PutFenceDevice), "put-fence-device")]
[JsonDerivedType(typeof(PutFencingLevel), "put-fencing-level")]
[JsonDerivedType(typeof(DeleteFencingLevel), "delete-fencing-level")]
[JsonDerivedType(typeof(PutAlert), "put-alert")]
[JsonDerivedType(typeof(PutNode), "put-node")]
[JsonDerivedType(typeof(DeleteNode), "delete-node")]
[JsonDerivedType(typeof(SetNodeAttributes), "set-node-attributes")]
[JsonDerivedType(typeof(SetProperties), "set-properties")]
[JsonDerivedType(typeof(SetResourceDefaults), "set-resource-defaults")]
[JsonDerivedType(typeof(SetOperationDefaults), "set-operation-defaults")]
[JsonDerivedType(typeof(DeleteItem), "delete")]
[JsonDerivedType(typeof(ReplaceConfiguration), "replace-configuration")]
public abstract record ConfigCommand
{
    /// <summary>A one-line description for the change history.</summary>
    public abstract string Describe();
}

/// <summary>Create fails when the id exists; Replace fails when it does not; Upsert does either.</summary>
public enum PutMode
{
    Create,
    Replace,
    Upsert,
}

public sealed record PutPrimitive(Primitive Primitive, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{Verb(Mode)} primitive {Primitive.Id} ({Primitive.AgentSpec})";
    internal static string Verb(PutMode mode) => mode == PutMode.Create ? "create" : "update";
}

public sealed record PutGroup(Group Group, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{PutPrimitive.Verb(Mode)} group {Group.Id} [{string.Join(", ", Group.Members)}]";
}

public sealed record PutClone(Clone Resource, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{PutPrimitive.Verb(Mode)} clone {Resource.Id} of {Resource.Child}";
}

public sealed record PutLocation(LocationConstraint Constraint, PutMode Mode) : ConfigCommand
{
    public override string Describe() =>
        $"{PutPrimitive.Verb(Mode)} location constraint {Constraint.Id}: {Constraint.Resource} " +
        (Constraint.Node is null ? $"by {Constraint.Rules.Length} rule(s)" : $"on {Constraint.Node} score {Constraint.Score}");
}

public sealed record PutColocation(ColocationConstraint Constraint, PutMode Mode) : ConfigCommand
{
    public override string Describe() =>
        $"{PutPrimitive.Verb(Mode)} colocation constraint {Constraint.Id}: {Constraint.Resource} with {Constraint.WithResource} score {Constraint.Score}";
}

public sealed record PutOrder(OrderConstraint Constraint, PutMode Mode) : ConfigCommand
{
    public override string Describe() =>
        $"{PutPrimitive.Verb(Mode)} order constraint {Constraint.Id}: {Constraint.FirstAction.ToString().ToLowerInvariant()} {Constraint.First} then " +
        $"{Constraint.ThenAction.ToString().ToLowerInvariant()} {Constraint.Then} ({Constraint.Kind})";
}

public sealed record PutFenceDevice(FenceDevice Device, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{PutPrimitive.Verb(Mode)} fence device {Device.Id} ({Device.Agent})";
}

public sealed record PutFencingLevel(FencingLevel Level) : ConfigCommand
{
    public override string Describe() => $"set fencing level {Level.Index} for {Level.Target}: {string.Join(",", Level.Devices)}";
}

public sealed record DeleteFencingLevel(string Target, int Index) : ConfigCommand
{
    public override string Describe() => $"delete fencing level {Index} for {Target}";
}

public sealed record PutAlert(Alert Alert, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{PutPrimitive.Verb(Mode)} alert {Alert.Id} ({Alert.Agent})";
}

public sealed record PutNode(Node Node, PutMode Mode) : ConfigCommand
{
    public override string Describe() => $"{PutPrimitive.Verb(Mode)} node {Node.Name} (id {Node.Id})";
}

public sealed record DeleteNode(string Name) : ConfigCommand
{
    public override string Describe() => $"delete node {Name}";
}

/// <summary>Sets permanent node attributes; a null value deletes the attribute.</summary>
public sealed record SetNodeAttributes(string Node, ImmutableSortedDictionary<string, string?> Attributes) : ConfigCommand
{
    public override string Describe() => $"set attributes of node {Node}: {Pairs(Attributes)}";

    internal static string Pairs(IEnumerable<KeyValuePair<string, string?>> pairs) =>
        string.Join(", ", pairs.Select(p => p.Value is null ? $"{p.Key} deleted" : $"{p.Key}={(SecretParameters.IsSecret(p.Key) ? SecretParameters.Mask : p.Value)}"));
}

/// <summary>Sets cluster properties; a null value restores the default.</summary>
public sealed record SetProperties(ImmutableSortedDictionary<string, string?> Values) : ConfigCommand
{
    public override string Describe() => $"set properties: {SetNodeAttributes.Pairs(Values)}";
}

public sealed record SetResourceDefaults(ImmutableSortedDictionary<string, string?> Values) : ConfigCommand
{
    public override string Describe() => $"set resource defaults: {SetNodeAttributes.Pairs(Values)}";
}

public sealed record SetOperationDefaults(ImmutableSortedDictionary<string, string?> Values) : ConfigCommand
{
    public override string Describe() => $"set operation defaults: {SetNodeAttributes.Pairs(Values)}";
}

public enum ItemKind
{
    Resource,
    Constraint,
    FenceDevice,
    Alert,
}

/// <summary>
/// Deletes a resource (primitive, group or clone), a constraint, a fence device or an alert. Deleting a resource
/// also removes the constraints that refer to it, as pcs does, so no constraint is left dangling.
/// </summary>
public sealed record DeleteItem(ItemKind Kind, string Id) : ConfigCommand
{
    public override string Describe() => $"delete {Kind.ToString().ToLowerInvariant()} {Id}";
}

/// <summary>Replaces the whole configuration (import of a Pacemaker CIB, restore of a backup).</summary>
public sealed record ReplaceConfiguration(ClusterConfig Config, string Source) : ConfigCommand
{
    public override string Describe() => $"replace configuration from {Source}";
}
