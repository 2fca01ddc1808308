using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Agents;

/// <summary>The node's agent runner: dispatches each request by the primitive's class to the OCF, LSB, systemd or
/// built-in runner. stonith resources belong to the fencer, not here.</summary>
public sealed class ResourceAgentRunner : IResourceAgentRunner, IDisposable
{
    private readonly OcfAgentRunner _ocf;
    private readonly LsbAgentRunner _lsb;
    private readonly SystemdAgentRunner _systemd;
    private readonly BuiltInAgentRunner _builtIn;

    public ResourceAgentRunner(AgentRunnerOptions options)
    {
        _ocf = new OcfAgentRunner(options);
        _lsb = new LsbAgentRunner(options);
        _systemd = new SystemdAgentRunner(options);
        _builtIn = new BuiltInAgentRunner(options);
    }

    public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken) =>
        request.Resource.Class switch
        {
            ResourceClass.Ocf => _ocf.ExecuteAsync(request, cancellationToken),
            ResourceClass.Lsb => _lsb.ExecuteAsync(request, cancellationToken),
            ResourceClass.Systemd => _systemd.ExecuteAsync(request, cancellationToken),
            ResourceClass.Haapi => _builtIn.ExecuteAsync(request, cancellationToken),
            _ => Task.FromResult(new OperationResult((int)OcfExitCode.Unimplemented, ExecutionStatus.NotSupported,
                $"{request.Resource.AgentSpec}: {request.Resource.Class.ToWire()} resources are run by the fencer, not the resource agent runner",
                TimeSpan.Zero)),
        };

    public void Dispose() => _builtIn.Dispose();
}
