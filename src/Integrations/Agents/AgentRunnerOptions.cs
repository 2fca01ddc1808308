namespace HaApi.Integrations.Agents;

/// <summary>Where the agent runners find agents and keep their files. Validated once, at construction of a runner.</summary>
public sealed record AgentRunnerOptions
{
    /// <summary>OCF_ROOT: agents live in OcfRoot/resource.d/PROVIDER/TYPE (Debian's resource-agents: /usr/lib/ocf).</summary>
    public string OcfRoot { get; init; } = "/usr/lib/ocf";

    /// <summary>Scratch space: captured agent output, the crm_attribute shim (RunDirectory/bin). Cleared at reboot.</summary>
    public string RunDirectory { get; init; } = "/run/haapi/agents";

    /// <summary>State of the built-in agents (haapi:Dummy state files, haapi:Process pid records).</summary>
    public string StateDirectory { get; init; } = "/run/haapi/state";

    /// <summary>Where lsb:NAME scripts live.</summary>
    public string InitDirectory { get; init; } = "/etc/init.d";

    public string SystemctlPath { get; init; } = "/usr/bin/systemctl";

    /// <summary>HA_RSCTMP of resource-agents (pid and state files of heartbeat agents). systemd-tmpfiles creates it at
    /// boot; where systemd is not init nobody does, so the OCF runner creates it if missing. Null: leave it alone.</summary>
    public string? ResourceAgentsTempDirectory { get; init; } = "/run/resource-agents";

    /// <summary>Bound on the stdout and on the stderr kept from one agent call (the head of stdout, the tail of
    /// stderr, where the exit reason is).</summary>
    public int OutputLimitBytes { get; init; } = 64 * 1024;

    /// <summary>OCF_RESKEY_crm_feature_set given to agents; at least 3.10.0 makes ocf-shellfuncs publish promotion
    /// scores with "crm_attribute -p" rather than crm_master.</summary>
    public string CrmFeatureSet { get; init; } = "3.16.2";

    internal void Validate()
    {
        if (!Path.IsPathRooted(OcfRoot)) throw new ArgumentException($"OcfRoot must be an absolute path, got '{OcfRoot}'");
        if (!Path.IsPathRooted(RunDirectory)) throw new ArgumentException($"RunDirectory must be an absolute path, got '{RunDirectory}'");
        if (!Path.IsPathRooted(StateDirectory)) throw new ArgumentException($"StateDirectory must be an absolute path, got '{StateDirectory}'");
        if (!Path.IsPathRooted(InitDirectory)) throw new ArgumentException($"InitDirectory must be an absolute path, got '{InitDirectory}'");
        if (OutputLimitBytes is < 1024 or > 16 * 1024 * 1024)
            throw new ArgumentOutOfRangeException(nameof(OutputLimitBytes), OutputLimitBytes, "output limit must be between 1 KiB and 16 MiB");
    }
}
