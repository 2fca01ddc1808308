using HaApi.Engine.Fencing;
using HaApi.Engine.Model;

namespace HaApi.Engine.Ports;

/// <summary>Runs one fencing action against one device (external fence agent, built-in EC2 fencer, forced-stop script).</summary>
public interface IFenceDeviceRunner
{
    /// <summary>True when this runner handles the device's agent.</summary>
    bool Handles(FenceDevice device);

    Task<FenceResult> FenceAsync(FenceDevice device, FenceRequest request, CancellationToken cancellationToken);
}
