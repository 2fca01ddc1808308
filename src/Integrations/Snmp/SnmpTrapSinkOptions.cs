using System.Net;

namespace HaApi.Integrations.Snmp;

/// <summary>Process-wide settings of <see cref="SnmpTrapSink"/>; per-receiver settings come from the alerts.</summary>
public sealed record SnmpTrapSinkOptions
{
    /// <summary>Events waiting to be mapped; Publish drops (and counts) beyond this.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Notifications waiting per receiver, so one slow inform receiver cannot hold up the others.</summary>
    public int RecipientQueueCapacity { get; init; } = 256;

    /// <summary>A recurring problem with one receiver is logged at most once per interval.</summary>
    public TimeSpan LogInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a resolved receiver address is reused before DNS is asked again.</summary>
    public TimeSpan ResolveCacheTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Our engine id for SNMPv3 traps; default is a text engine id made of the host name (0x80007FD304…).</summary>
    public byte[]? LocalEngineId { get; init; }

    /// <summary>Zone of hrSystemDate; Pacemaker's agent uses local time.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Name resolution; default is the system resolver. Tests replace it to fail without network traffic.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolve { get; init; }

    /// <summary>sysUpTime in hundredths of a second; default is the host uptime as snmptrap sends it.</summary>
    public Func<uint>? UpTime { get; init; }
}
