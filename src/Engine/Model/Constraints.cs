using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>Any constraint; ids share one namespace with resources, as in the CIB.</summary>
public abstract record Constraint(string Id);

/// <summary>
/// Prefer (or avoid) nodes for a resource: either a fixed node with a score, or rules evaluated on node attributes.
/// </summary>
public sealed record LocationConstraint(
    string Id,
    string Resource,
    string? Node,
    Score? Score,
    ImmutableArray<Rule> Rules,
    Role? Role = null,
    DateTimeOffset? Lifetime = null) : Constraint(Id);

/// <summary>Place Resource relative to WithResource (Resource depends on WithResource).</summary>
public sealed record ColocationConstraint(
    string Id,
    string Resource,
    string WithResource,
    Score Score,
    Role? ResourceRole = null,
    Role? WithResourceRole = null) : Constraint(Id);

public enum OrderKind
{
    Mandatory,
    Optional,
    Serialize,
}

public enum ResourceAction
{
    Start,
    Stop,
    Promote,
    Demote,
}

/// <summary>Start Then after First (and, when symmetrical, stop Then before First).</summary>
public sealed record OrderConstraint(
    string Id,
    string First,
    string Then,
    OrderKind Kind = OrderKind.Mandatory,
    bool Symmetrical = true,
    ResourceAction FirstAction = ResourceAction.Start,
    ResourceAction ThenAction = ResourceAction.Start) : Constraint(Id);

public enum BooleanOp
{
    And,
    Or,
}

/// <summary>A location rule: if its expressions hold for a node, the node gets Score (or the value of ScoreAttribute).</summary>
public sealed record Rule(
    string Id,
    Score Score,
    BooleanOp BooleanOp,
    ImmutableArray<RuleExpression> Expressions,
    string? ScoreAttribute = null);

public enum ExpressionOperation
{
    Lt,
    Gt,
    Lte,
    Gte,
    Eq,
    Ne,
    Defined,
    NotDefined,
}

public enum ExpressionType
{
    String,
    Integer,
    Number,
    Version,
}

/// <summary>A test on a node attribute (#uname, #id and #kind are built in, as in Pacemaker).</summary>
public sealed record RuleExpression(
    string Id,
    string Attribute,
    ExpressionOperation Operation,
    string? Value,
    ExpressionType? Type = null);
