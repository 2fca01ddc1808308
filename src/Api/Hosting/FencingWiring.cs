using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Fencing;
using HaApi.Engine.Ports;
using HaApi.Integrations.Aws;
using HaApi.Integrations.Fencing;

namespace HaApi.Api.Hosting;

/// <summary>
/// This node's fencer: external fence agents, forced-stop scripts and the built-in EC2 fencer behind one
/// <see cref="ControllerFencing"/>, built once the transport has started (the fencer must know its own node name to
/// refuse fencing itself). The API reaches it here for manual fencing, confirmation and pending operations.
/// </summary>
internal sealed class FencingWiring(ConfigurationReplica replica, IGroupTransport transport, IEventSink events, TimeProvider time,
    ILoggerFactory logs) : IDisposable
{
    private readonly HttpClient ec2Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    private volatile ControllerFencing? current;

    /// <summary>Null until the node has joined the cluster.</summary>
    public ControllerFencing? Current => current;

    /// <summary>
    /// Where fence_* agents are looked up instead of /usr/sbin. Not a documented setting: an environment variable so
    /// that the namespace-cluster tests can run agents of their own (a hanging one, a recording one) without ever
    /// writing into /usr/sbin. Ignored unless it is an absolute path.
    /// </summary>
    public const string AgentDirectoryVariable = "HAAPI_FENCE_AGENT_DIR";

    public FencingHistory History { get; } = new();

    public IFencing Create(FencingCallback report)
    {
        var agentOptions = Environment.GetEnvironmentVariable(AgentDirectoryVariable) is { } directory && Path.IsPathFullyQualified(directory)
            ? new FenceAgentRunnerOptions { AgentDirectory = directory }
            : new FenceAgentRunnerOptions();
        var runners = new IFenceDeviceRunner[]
        {
            new FenceAgentRunner(agentOptions),
            new ForcedStopScriptRunner(agentOptions),
            new Ec2Fencer(ec2Http, time: time),
        };
        var local = transport.Local.Name;
        var fencer = new Fencer(runners, new FencerOptions(local), time, Random.Shared, History, events);
        var fencing = new ControllerFencing(fencer, () => replica.Config, local, events, time, logs.CreateLogger<ControllerFencing>(),
            (key, target, succeeded, reason) => report(key, target, succeeded, reason));
        current = fencing;
        return fencing;
    }

    public void Dispose() => ec2Http.Dispose();
}
