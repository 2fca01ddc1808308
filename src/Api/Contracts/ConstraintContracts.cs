namespace HaApi.Api.Contracts;

/// <summary>Prefer or avoid nodes: node + score, or rules on node attributes.</summary>
public sealed record LocationDto
{
    public string? Id { get; init; }
    public string? Resource { get; init; }
    public string? Node { get; init; }
    /// <summary>An integer, INFINITY or -INFINITY.</summary>
    public string? Score { get; init; }
    public List<RuleDto>? Rules { get; init; }
    public string? Role { get; init; }
    /// <summary>Read only for clients: when a constraint made by move/ban expires.</summary>
    public DateTimeOffset? Lifetime { get; init; }
}

public sealed record RuleDto
{
    public string? Id { get; init; }
    public string? Score { get; init; }
    public string? ScoreAttribute { get; init; }
    /// <summary>and (default) or or.</summary>
    public string? BooleanOp { get; init; }
    public List<ExpressionDto>? Expressions { get; init; }
}

public sealed record ExpressionDto
{
    public string? Id { get; init; }
    public string? Attribute { get; init; }
    /// <summary>lt, gt, lte, gte, eq, ne, defined, not_defined.</summary>
    public string? Operation { get; init; }
    public string? Value { get; init; }
    /// <summary>string, integer, number, version.</summary>
    public string? Type { get; init; }
}

public sealed record ColocationDto
{
    public string? Id { get; init; }
    public string? Resource { get; init; }
    public string? WithResource { get; init; }
    public string? Score { get; init; }
    public string? ResourceRole { get; init; }
    public string? WithResourceRole { get; init; }
}

public sealed record OrderDto
{
    public string? Id { get; init; }
    public string? First { get; init; }
    public string? Then { get; init; }
    /// <summary>Mandatory (default), Optional or Serialize.</summary>
    public string? Kind { get; init; }
    public bool? Symmetrical { get; init; }
    /// <summary>start (default), stop, promote, demote.</summary>
    public string? FirstAction { get; init; }
    public string? ThenAction { get; init; }
}
