namespace HaApi.Integrations.PmLogconv;

/// <summary>Settings of the pm_logconv-compatible output (the [Settings] of /etc/pm_logconv.conf that still apply).</summary>
public sealed record PmLogconvOptions
{
    /// <summary>The local node's name; pm_logconv writes gethostname(), which is the node name in practice.</summary>
    public required string HostName { get; init; }

    /// <summary>
    /// pm_logconv's act_rsc: the primitives that make up the service. Fail-over summary lines are written only for
    /// these; null means every resource the engine reports in a fail-over.
    /// </summary>
    public IReadOnlySet<string>? ServiceResources { get; init; }

    /// <summary>pm_logconv's syslogformat: true gives "Apr 4 06:19:55", false "2026/04/04_06:19:55".</summary>
    public bool SyslogDateFormat { get; init; } = true;

    /// <summary>Time zone of the written timestamps (pm_logconv copies the syslog time, which is local time).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    public string OutputPath { get; init; } = DefaultOutputPath;

    /// <summary>Flush and fsync after each batch of lines (pm_logconv's output_async_write = False).</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>pm_logconv's output_logfacility (e.g. "local2"): also send each line to syslog; null = file only.</summary>
    public string? SyslogFacility { get; init; }

    /// <summary>The local syslog socket used with SyslogFacility.</summary>
    public string SyslogSocketPath { get; init; } = "/dev/log";

    /// <summary>Events waiting to be written; beyond it the oldest are dropped and counted.</summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>/var/log/pm_logconv.out as pm_logconv uses when running as root; otherwise a file under the user's state directory.</summary>
    public static string DefaultOutputPath => Environment.IsPrivilegedProcess
        ? "/var/log/pm_logconv.out"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "haapi", "pm_logconv.out");
}
