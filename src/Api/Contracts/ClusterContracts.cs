namespace HaApi.Api.Contracts;

public sealed record NodeDto
{
    public string? Name { get; init; }
    public uint? Id { get; init; }
    public List<string>? Addresses { get; init; }
    public Dictionary<string, string>? Attributes { get; init; }
}

public sealed record PropertyDto(string Name, string Value, string Default, bool IsDefault, string Type, string Description);

/// <summary>An alert: an agent path (run with CRM_alert_* variables) or haapi:snmp for built-in SNMP traps.</summary>
public sealed record AlertDto
{
    public string? Id { get; init; }
    public string? Agent { get; init; }
    public List<AlertRecipientDto>? Recipients { get; init; }
    /// <summary>Which events: node, fencing, resource, attribute (default all).</summary>
    public List<string>? Kinds { get; init; }
    public Dictionary<string, string>? Params { get; init; }
    public List<string>? SelectAttributes { get; init; }
    public string? Timeout { get; init; }
    public string? TimestampFormat { get; init; }
    public string? Description { get; init; }
}

public sealed record AlertRecipientDto
{
    public string? Id { get; init; }
    public string? Value { get; init; }
    public Dictionary<string, string>? Params { get; init; }
}

public sealed record VersionDto(long AdminEpoch, long Epoch, long NumUpdates, string Etag);

public sealed record ChangeDto(string Version, string Author, DateTimeOffset Time, string Via, string Summary);

/// <summary>The whole configuration, secrets masked.</summary>
public sealed record ConfigDto(
    VersionDto Version,
    ChangeDto? LastChange,
    List<NodeDto> Nodes,
    List<PrimitiveDto> Resources,
    List<GroupDto> Groups,
    List<CloneDto> Clones,
    ConstraintsDto Constraints,
    List<FenceDeviceDto> StonithDevices,
    List<FencingLevelDto> StonithLevels,
    Dictionary<string, string> Properties,
    Dictionary<string, string> ResourceDefaults,
    Dictionary<string, string> OperationDefaults,
    List<AlertDto> Alerts);

public sealed record ConstraintsDto(List<LocationDto> Location, List<ColocationDto> Colocation, List<OrderDto> Order);

/// <summary>What a change produced: the new version and its history record.</summary>
public sealed record ChangeResultDto(string Version, ChangeDto Change);
