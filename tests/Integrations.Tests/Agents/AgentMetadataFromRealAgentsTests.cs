using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class AgentMetadataFromRealAgentsTests
{
    private static async Task<AgentMetadata> MetaDataOf(HaApi.Engine.Ports.IResourceAgentRunner runner, Primitive p)
    {
        var result = await runner.ExecuteAsync(AgentTestBed.Request(p, "meta-data", timeout: TimeSpan.FromSeconds(5)), default);
        Assert.Equal(0, result.ExitCode);
        Assert.True(AgentMetadata.TryParse(result.Output, out var m, out var error), error);
        return m!;
    }

    [Fact]
    public async Task IPaddr2_meta_data_declares_ip_as_required_and_its_action_hints()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/heartbeat/IPaddr2", "resource-agents");
        using var bed = new AgentTestBed();
        var m = await MetaDataOf(new OcfAgentRunner(bed.Options), AgentTestBed.Primitive("v", ResourceClass.Ocf, "heartbeat", "IPaddr2"));

        Assert.Equal("IPaddr2", m.Name);
        Assert.True(m.Parameter("ip")!.Required);
        Assert.True(m.Parameter("ip")!.Unique);
        Assert.Contains(m.Parameters, p => p.Name == "network_namespace");
        Assert.Equal(TimeSpan.FromSeconds(10), m.Action("monitor")!.Interval);
        Assert.Equal(TimeSpan.FromSeconds(20), m.Action("start")!.Timeout);
    }

    [Fact]
    public async Task Stateful_meta_data_has_role_specific_monitors()
    {
        AgentTestBed.RequireFile("/usr/lib/ocf/resource.d/pacemaker/Stateful", "pacemaker-resource-agents");
        using var bed = new AgentTestBed();
        var m = await MetaDataOf(new OcfAgentRunner(bed.Options), AgentTestBed.Primitive("s", ResourceClass.Ocf, "pacemaker", "Stateful"));

        Assert.Equal("1.1", m.OcfVersion);
        Assert.Equal(TimeSpan.FromSeconds(10), m.Action("monitor", Role.Promoted)!.Interval);
        Assert.Equal(TimeSpan.FromSeconds(11), m.Action("monitor", Role.Unpromoted)!.Interval);
        Assert.True(m.Parameter("envfile")!.Reloadable);
        Assert.True(m.Parameter("state")!.Unique); // via unique-group
    }

    [Theory]
    [InlineData("Dummy")]
    [InlineData("Process")]
    public async Task Built_in_agents_publish_valid_meta_data(string type)
    {
        using var bed = new AgentTestBed();
        using var runner = new BuiltInAgentRunner(bed.Options);
        var m = await MetaDataOf(runner, AgentTestBed.Primitive("b", ResourceClass.Haapi, null, type));
        Assert.Equal(type, m.Name);
        Assert.NotNull(m.Action("monitor")?.Interval);
        if (type == "Process") Assert.True(m.Parameter("command")!.Required);
    }
}
