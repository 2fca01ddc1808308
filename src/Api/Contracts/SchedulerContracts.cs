namespace HaApi.Api.Contracts;

/// <summary>Hypothetical events to simulate on top of the live configuration and status; nothing is committed.</summary>
public sealed record SimulateRequestDto
{
    /// <summary>Nodes that fail (leave uncleanly), as crm_simulate --node-fail.</summary>
    public List<string>? NodeFailures { get; init; }
    /// <summary>Nodes that come up, as crm_simulate --node-up.</summary>
    public List<string>? NodeUp { get; init; }
    /// <summary>Nodes to put in standby.</summary>
    public List<string>? Standby { get; init; }
    /// <summary>Permanent node attributes to set (null value deletes).</summary>
    public List<NodeAttributeChangeDto>? NodeAttributes { get; init; }
}

public sealed record NodeAttributeChangeDto(string Node, string Name, string? Value);

/// <summary>The transition that would follow: crm_simulate's Transition Summary lines and the actions.</summary>
public sealed record SimulateResultDto(string ConfigVersion, List<string> Summary, List<SimulatedActionDto> Actions);

public sealed record SimulatedActionDto(int Id, string Task, string? Resource, string? Node, string? Interval, bool Runnable, List<int> After);

/// <summary>What an import did (or, with dryRun, would do).</summary>
public sealed record ImportResultDto(bool DryRun, string? Version, int Nodes, int Resources, int Constraints, int FenceDevices);
