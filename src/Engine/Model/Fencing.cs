using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>
/// A fence device: an external fence agent (fence_*), the built-in EC2 fencer ("haapi:ec2") or a forced-stop
/// script ("haapi:script"). Pacemaker's pcmk_* parameters are typed fields here and never reach the agent.
/// </summary>
public sealed record FenceDevice(
    string Id,
    string Agent,
    ImmutableSortedDictionary<string, string> Parameters,
    ImmutableSortedDictionary<string, string> HostMap,
    ImmutableArray<string> HostList,
    HostCheck HostCheck = HostCheck.Auto,
    TimeSpan? DelayBase = null,
    TimeSpan? DelayMax = null,
    TimeSpan? Timeout = null,
    int Retries = 2,
    string? Description = null)
{
    public const string Ec2Agent = "haapi:ec2";
    public const string ScriptAgent = "haapi:script";

    public bool IsBuiltIn => Agent.StartsWith("haapi:", StringComparison.Ordinal);
}

/// <summary>How a device decides which nodes it can fence (pcmk_host_check).</summary>
public enum HostCheck
{
    Auto,
    StaticList,
    DynamicList,
    Status,
    None,
}

/// <summary>A fencing topology level: for Target, level Index is tried in order; it succeeds only if all Devices succeed.</summary>
public sealed record FencingLevel(string Target, int Index, ImmutableArray<string> Devices)
{
    public string Id => $"fl-{Target}-{Index}";
}
