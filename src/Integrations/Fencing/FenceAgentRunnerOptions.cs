namespace HaApi.Integrations.Fencing;

/// <summary>AgentDirectory is where fence_* agents live (Debian's fence-agents installs them in /usr/sbin).</summary>
public sealed record FenceAgentRunnerOptions
{
    public string AgentDirectory { get; init; } = "/usr/sbin";
    public int MaxOutputBytes { get; init; } = 64 * 1024;
}
