namespace HaApi.Api.Contracts;

/// <summary>A fence device. Secret parameters (passwords, keys) are returned as "***"; sending "***" back keeps the stored value.</summary>
public sealed record FenceDeviceDto
{
    public string? Id { get; init; }
    /// <summary>fence_* (an external agent), haapi:ec2 or haapi:script.</summary>
    public string? Agent { get; init; }
    public Dictionary<string, string>? Params { get; init; }
    /// <summary>Node name to the device's name for it (pcmk_host_map), e.g. {"node1": "i-0abc"}.</summary>
    public Dictionary<string, string>? HostMap { get; init; }
    /// <summary>Nodes this device can fence (pcmk_host_list).</summary>
    public List<string>? HostList { get; init; }
    /// <summary>auto, static-list, dynamic-list, status, none (pcmk_host_check).</summary>
    public string? HostCheck { get; init; }
    public string? DelayBase { get; init; }
    public string? DelayMax { get; init; }
    public string? Timeout { get; init; }
    public int? Retries { get; init; }
    public string? Description { get; init; }
}

/// <summary>A fencing topology level: devices tried together for Target at position Index (1 first).</summary>
public sealed record FencingLevelDto
{
    public string? Target { get; init; }
    public int? Index { get; init; }
    public List<string>? Devices { get; init; }
}
