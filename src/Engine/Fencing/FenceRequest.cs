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

/// <summary>The outcome of one device's attempt. Reason never contains credentials.</summary>
public sealed record FenceResult(bool Success, string DeviceId, string? Reason, TimeSpan Duration, int? ExitCode = null);
