using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Agents;

namespace HaApi.Api.Tests;

/// <summary>
/// The agent runner of the in-process API tests: HaApi's own agents run for real (in the test's data directory);
/// every other agent is reported as not installed on this node, exactly as a node without it would report. The API
/// tests configure IPaddr2 and systemd units to check the configuration API; they must not change this machine's
/// network or services (the namespace cluster tests run those agents for real).
/// </summary>
internal sealed class BuiltInAgentsOnly(string dataDirectory) : IResourceAgentRunner, IDisposable
{
    private readonly BuiltInAgentRunner builtIn = new(new AgentRunnerOptions
    {
        RunDirectory = Path.Combine(dataDirectory, "run", "agents"),
        StateDirectory = Path.Combine(dataDirectory, "run", "state"),
        ResourceAgentsTempDirectory = null,
    });

    public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken) =>
        request.Resource.Class == ResourceClass.Haapi
            ? builtIn.ExecuteAsync(request, cancellationToken)
            : Task.FromResult(new OperationResult((int)OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"{request.Resource.Class.ToWire()} agents are not run by the in-process API tests", TimeSpan.Zero));

    public void Dispose() => builtIn.Dispose();
}
