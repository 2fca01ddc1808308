using System.Diagnostics;
using HaApi.Engine.Execution;
using HaApi.Engine.Ports;
using HaApi.Integrations.Agents.BuiltIn;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Runs HaApi's built-in agents (class "haapi"): <c>haapi:Dummy</c> and <c>haapi:Process</c>. Each call is bounded
/// by the operation's timeout like a script would be.
/// </summary>
public sealed class BuiltInAgentRunner : IResourceAgentRunner, IDisposable
{
    private readonly Dictionary<string, IBuiltInAgent> _agents;
    private readonly HttpClient _http;

    /// <param name="options">Only StateDirectory is used.</param>
    public BuiltInAgentRunner(AgentRunnerOptions options)
    {
        options.Validate();
        PrivateDirectory.Create(options.StateDirectory);
        // Health checks must reach exactly the URL configured: no proxy from the environment, no redirects, no pooling
        // that would hide a restarted service behind a stale connection.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        }) { Timeout = Timeout.InfiniteTimeSpan };
        IBuiltInAgent[] agents = [new DummyAgent(options.StateDirectory), new ProcessAgent(options.StateDirectory, _http)];
        _agents = agents.ToDictionary(a => a.Type, StringComparer.Ordinal);
    }

    public static IReadOnlyList<string> Types { get; } = ["Dummy", "Process"];

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(request.Resource.Type, out var agent))
            return new OperationResult((int)OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"haapi:{request.Resource.Type} is not a built-in agent (known: {string.Join(", ", Types.Select(t => "haapi:" + t))})", TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        try
        {
            return SecretScrubber.Scrub(await agent.ExecuteAsync(request, deadline.Token).ConfigureAwait(false), request.Resource);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            if (cancellationToken.IsCancellationRequested)
                return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Cancelled, $"haapi:{agent.Type} {request.Action} was cancelled", clock.Elapsed);
            var detail = e is TimeoutException ? $": {e.Message}" : "";
            return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.TimedOut,
                $"haapi:{agent.Type} {request.Action} timed out after {Engine.Model.Duration.Format(request.Timeout)}{detail}", clock.Elapsed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Error,
                $"haapi:{agent.Type} {request.Action} failed: {e.Message}", clock.Elapsed);
        }
    }

    public void Dispose() => _http.Dispose();
}
