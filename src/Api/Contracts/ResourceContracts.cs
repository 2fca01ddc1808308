namespace HaApi.Api.Contracts;

/// <summary>A primitive resource. Agent may be given whole ("ocf:heartbeat:IPaddr2") or as class/provider/type.</summary>
public sealed record PrimitiveDto
{
    public string? Id { get; init; }
    /// <summary>Pacemaker notation, e.g. ocf:heartbeat:IPaddr2, systemd:nginx, haapi:Process.</summary>
    public string? Agent { get; init; }
    public string? Class { get; init; }
    public string? Provider { get; init; }
    public string? Type { get; init; }
    public Dictionary<string, string>? Params { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
    public List<OperationDto>? Operations { get; init; }
    public string? Description { get; init; }
    /// <summary>Read only: the group or clone that contains this resource.</summary>
    public string? Parent { get; init; }
}

public sealed record OperationDto
{
    public string? Name { get; init; }
    /// <summary>A duration: 10s, 500ms, 5min, PT10S. 0 for non-recurring actions.</summary>
    public string? Interval { get; init; }
    public string? Timeout { get; init; }
    /// <summary>restart, ignore, block, stop, fence, standby, demote.</summary>
    public string? OnFail { get; init; }
    public string? Role { get; init; }
    public bool? Enabled { get; init; }
}

public sealed record GroupDto
{
    public string? Id { get; init; }
    public List<string>? Members { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
    public string? Description { get; init; }
}

/// <summary>A clone of a primitive or group. Promotable clones set meta promotable=true (with promoted-max).</summary>
public sealed record CloneDto
{
    public string? Id { get; init; }
    public string? Child { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
    public string? Description { get; init; }
}
