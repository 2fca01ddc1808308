namespace HaApi.Integrations.Alerts;

public sealed record AlertRunnerOptions
{
    /// <summary>Events waiting for their agents; beyond it the oldest are dropped and counted.</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>Agents running at once (Pacemaker starts all at once; we bound the burst).</summary>
    public int MaxConcurrentAgents { get; init; } = 8;

    /// <summary>Used when an alert has no timeout of its own (Pacemaker's default is 30 s).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A failing alert is logged at most once per interval; the failures in between are only counted.</summary>
    public TimeSpan FailureLogInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Time zone of CRM_alert_timestamp (Pacemaker formats local time).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>setsid(1) starts each agent as the leader of its own process group, which a timeout kills whole.</summary>
    public string SetsidPath { get; init; } = "/usr/bin/setsid";
}
