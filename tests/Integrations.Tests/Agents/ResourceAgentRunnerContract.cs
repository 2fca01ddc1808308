using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

/// <summary>
/// What every IResourceAgentRunner must do for a resource, whatever the class: the OCF life cycle Pacemaker relies
/// on. Each subclass runs the same facts against one adapter with a real agent.
/// </summary>
public abstract class ResourceAgentRunnerContract : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    protected AgentTestBed Bed { get; } = new();
    private readonly List<IDisposable> _disposables = [];

    protected abstract (IResourceAgentRunner Runner, Primitive Resource) Create();

    private (IResourceAgentRunner Runner, Primitive Resource) Subject()
    {
        var subject = Create();
        if (subject.Runner is IDisposable d) _disposables.Add(d);
        return subject;
    }

    private static async Task<int> Rc(IResourceAgentRunner runner, Primitive resource, string action, TimeSpan? interval = null)
    {
        var result = await runner.ExecuteAsync(AgentTestBed.Request(resource, action, interval), default);
        Assert.True(result.Duration >= TimeSpan.Zero);
        return result.ExitCode;
    }

    [Fact]
    public async Task Probe_of_a_resource_never_started_finds_it_stopped()
    {
        var (runner, resource) = Subject();
        Assert.Equal(7, await Rc(runner, resource, "monitor"));
    }

    [Fact]
    public async Task Start_and_stop_are_idempotent_and_monitor_follows_them()
    {
        var (runner, resource) = Subject();
        try
        {
            Assert.Equal(0, await Rc(runner, resource, "start"));
            Assert.Equal(0, await Rc(runner, resource, "start"));
            Assert.Equal(0, await Rc(runner, resource, "monitor", Interval));
            Assert.Equal(0, await Rc(runner, resource, "monitor"));
        }
        finally
        {
            Assert.Equal(0, await Rc(runner, resource, "stop"));
        }
        Assert.Equal(0, await Rc(runner, resource, "stop"));
        Assert.Equal(7, await Rc(runner, resource, "monitor", Interval));
    }

    [Fact]
    public async Task Unknown_action_is_unimplemented()
    {
        var (runner, resource) = Subject();
        Assert.Equal(3, await Rc(runner, resource, "no-such-action"));
    }

    public void Dispose()
    {
        foreach (var d in _disposables) d.Dispose();
        Bed.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class OcfHeartbeatDummyContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/heartbeat/Dummy", "resource-agents");
        return (new OcfAgentRunner(Bed.Options),
            AgentTestBed.Primitive("c1", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", Bed.PathFor("c1.state"))]));
    }
}

public sealed class OcfPacemakerDummyContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/pacemaker/Dummy", "pacemaker-resource-agents");
        return (new OcfAgentRunner(Bed.Options),
            AgentTestBed.Primitive("c2", ResourceClass.Ocf, "pacemaker", "Dummy", [new("state", Bed.PathFor("c2.state"))]));
    }
}

public sealed class BuiltInDummyContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create() =>
        (new BuiltInAgentRunner(Bed.Options), AgentTestBed.Primitive("c3", ResourceClass.Haapi, null, "Dummy"));
}

public sealed class BuiltInProcessContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create() =>
        (new BuiltInAgentRunner(Bed.Options), AgentTestBed.Primitive("c4", ResourceClass.Haapi, null, "Process", [new("command", "exec sleep 300")]));
}

public sealed class LsbScriptContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create()
    {
        var state = Bed.PathFor("lsb.state");
        AgentTestBed.WriteScript(Path.Combine(Bed.Options.InitDirectory, "contract"), $$"""
            #!/bin/sh
            case "$1" in
              start) touch {{state}} ;;
              stop) rm -f {{state}} ;;
              status) [ -f {{state}} ] || exit 3 ;;
              *) exit 3 ;;
            esac
            """);
        return (new LsbAgentRunner(Bed.Options), AgentTestBed.Primitive("c5", ResourceClass.Lsb, null, "contract"));
    }
}

public sealed class CompositeRunnerContract : ResourceAgentRunnerContract
{
    protected override (IResourceAgentRunner, Primitive) Create()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/heartbeat/Dummy", "resource-agents");
        return (new ResourceAgentRunner(Bed.Options),
            AgentTestBed.Primitive("c6", ResourceClass.Ocf, "heartbeat", "Dummy", [new("state", Bed.PathFor("c6.state"))]));
    }
}
