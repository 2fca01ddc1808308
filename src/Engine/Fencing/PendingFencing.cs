namespace HaApi.Engine.Fencing;

/// <summary>A fencing request still running: for status. Device is the device being run now, null while none is
/// (planning, a host-check probe, a delay before the first device).</summary>
public sealed record PendingFencing(string Target, FenceAction Action, string Origin, DateTimeOffset StartedAt, string? Device);
