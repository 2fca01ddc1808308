namespace HaApi.Engine.Fencing;

public enum FenceAction
{
    Reboot,
    Off,
    On,
    Status,
    Monitor,
    List,
}

/// <summary>Fence Target with Action; Origin is the node that asked (for scripts: CLP_SERVER_LOCAL).</summary>
public sealed record FenceRequest(string Target, FenceAction Action, string Origin, TimeSpan Timeout);

/// <summary>
/// The outcome of one device's attempt. Reason never contains credentials. TimedOut tells the retry policy that the
/// attempt used its whole budget (Pacemaker never retries those). Output is the agent's bounded, redacted stdout,
/// which the fencer needs for dynamic-list host checks.
/// </summary>
public sealed record FenceResult(
    bool Success, string DeviceId, string? Reason, TimeSpan Duration, int? ExitCode = null, bool TimedOut = false, string? Output = null);
