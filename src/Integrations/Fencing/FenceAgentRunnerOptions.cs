namespace HaApi.Integrations.Fencing;

/// <summary>
/// AgentDirectory is where fence_* agents live (Debian's fence-agents installs them in /usr/sbin). Environment is
/// added to what agents inherit (e.g. HTTPS_PROXY or AWS_CONFIG_FILE for cloud agents); PCMK_* is always removed.
/// </summary>
public sealed record FenceAgentRunnerOptions
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public string AgentDirectory { get; init; } = "/usr/sbin";
    public int MaxOutputBytes { get; init; } = 64 * 1024;
}
