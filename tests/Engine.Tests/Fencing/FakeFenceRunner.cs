using System.Collections.Concurrent;
using System.Collections.Immutable;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Tests.Fencing;

/// <summary>A runner whose behaviour per call is scripted by the test; records every call in order.</summary>
internal sealed class FakeFenceRunner(Func<FenceDevice, FenceRequest, int, CancellationToken, Task<FenceResult>> behave) : IFenceDeviceRunner
{
    public FakeFenceRunner(Func<FenceDevice, FenceRequest, int, Task<FenceResult>> behave) : this((d, r, n, _) => behave(d, r, n)) { }

    public ConcurrentQueue<(string Device, FenceRequest Request)> Calls { get; } = new();

    public bool Handles(FenceDevice device) => device.Agent.StartsWith("fake", StringComparison.Ordinal);

    public Task<FenceResult> FenceAsync(FenceDevice device, FenceRequest request, CancellationToken cancellationToken)
    {
        var n = Calls.Count(c => c.Device == device.Id) + 1;
        Calls.Enqueue((device.Id, request));
        return behave(device, request, n, cancellationToken);
    }

    public static FenceResult Ok(FenceDevice d) => new(true, d.Id, null, TimeSpan.Zero, 0);
    public static FenceResult Fail(FenceDevice d, string why = "agent failed") => new(false, d.Id, why, TimeSpan.Zero, 1);
}

internal static class FencingConfig
{
    public static FenceDevice Device(string id, string[]? hosts = null, string? map = null, HostCheck check = HostCheck.Auto,
        int retries = 2, TimeSpan? timeout = null, string agent = "fake") =>
        new(id, agent, Attributes.Empty, HostMapSyntax.Parse(map), [.. hosts ?? []], check, Timeout: timeout ?? TimeSpan.FromSeconds(5), Retries: retries);

    public static ClusterConfig With(FenceDevice[] devices, params FencingLevel[] levels) =>
        ClusterConfig.Empty with { FenceDevices = [.. devices], FencingLevels = [.. levels] };

    public static FencingLevel Level(string target, int index, params string[] devices) => new(target, index, [.. devices]);
}
