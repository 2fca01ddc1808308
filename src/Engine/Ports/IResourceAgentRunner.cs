using HaApi.Engine.Execution;

namespace HaApi.Engine.Ports;

/// <summary>Runs one resource agent action on this node (OCF, systemd, LSB or built-in) within its timeout.</summary>
public interface IResourceAgentRunner
{
    Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken);
}
