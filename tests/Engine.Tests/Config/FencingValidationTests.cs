using HaApi.Engine.Config;
using HaApi.Engine.Model;
using static HaApi.Engine.Tests.Config.ConfigFixtures;

namespace HaApi.Engine.Tests.Config;

public class FencingValidationTests
{
    private static FenceDevice Device(string agent = "fence_ipmilan", string? script = null, string[]? hostList = null, params (string Node, string Port)[] map) =>
        new("fd", agent, script is null ? Attributes.Empty : Attributes.From([new("script", script)]),
            Attributes.From(map.Select(m => new KeyValuePair<string, string>(m.Node, m.Port))), [.. hostList ?? []]);

    private static IReadOnlyList<ValidationError> Validate(ClusterConfig config) => ConfigValidator.Validate(config);

    [Theory]
    [InlineData("fence_ipmilan")]
    [InlineData("fence_ilo3_ssh")]
    [InlineData("fence_aws")]
    public void Installed_fence_agent_names_are_accepted_without_looking_for_the_executable(string agent) =>
        Assert.Empty(Validate(TwoNodes() with { FenceDevices = [Device(agent)] }));

    [Fact]
    public void Built_in_devices_are_accepted()
    {
        Assert.Empty(Validate(TwoNodes() with { FenceDevices = [Device(FenceDevice.Ec2Agent, map: ("node1", "i-0aaa"))] }));
        Assert.Empty(Validate(TwoNodes() with { FenceDevices = [Device(FenceDevice.ScriptAgent, script: "/etc/haapi/forced-stop.sh")] }));
    }

    [Theory]
    [InlineData("ipmilan")]
    [InlineData("fence_IPMI")]
    [InlineData("fence_")]
    [InlineData("fence_../../bin/sh")]
    [InlineData("stonith:fence_aws")]
    public void Unknown_agents_are_refused_naming_the_agent_field(string agent)
    {
        var e = Assert.Single(Validate(TwoNodes() with { FenceDevices = [Device(agent)] }));
        Assert.Equal(("fd", "agent"), (e.Item, e.Field));
        Assert.StartsWith($"unknown fence agent '{agent}'", e.Message);
        Assert.Contains("haapi:ec2, haapi:script", e.Message);
    }

    [Fact]
    public void Unknown_built_in_devices_are_refused()
    {
        var e = Assert.Single(Validate(TwoNodes() with { FenceDevices = [Device("haapi:vip")] }));
        Assert.Equal(("fd", "agent"), (e.Item, e.Field));
        Assert.Contains("use haapi:ec2 or haapi:script", e.Message);
    }

    [Fact]
    public void A_host_list_naming_an_unknown_node_is_refused_and_the_configured_nodes_are_listed()
    {
        var e = Assert.Single(Validate(TwoNodes() with { FenceDevices = [Device(hostList: ["node1", "node3"])] }));
        Assert.Equal(("fd", "hostList"), (e.Item, e.Field));
        Assert.Equal("no node 'node3' is configured (nodes: node1, node2)", e.Message);
    }

    [Fact]
    public void Each_unknown_node_of_a_host_map_is_its_own_error()
    {
        var errors = Validate(TwoNodes() with { FenceDevices = [Device(map: [("node1", "i-1"), ("node3", "i-3"), ("node4", "i-4")])] });
        Assert.Equal(["hostMap.node3", "hostMap.node4"], errors.Select(e => e.Field));
    }

    [Fact]
    public void A_host_map_is_refused_before_its_nodes_are_registered_and_accepted_after()
    {
        var device = Device(FenceDevice.Ec2Agent, map: [("node1", "i-1"), ("node2", "i-2")]);

        var early = ConfigApplier.Apply(ClusterConfig.Empty, Envelope(new PutFenceDevice(device, PutMode.Create)));
        Assert.False(early.Succeeded);
        var errors = early.Error!.Errors;
        Assert.Equal(["hostMap.node1", "hostMap.node2"], errors.Select(e => e.Field));
        Assert.Contains("no node is registered yet", errors[0].Message);

        // Registration (one node per change, as the DC does it) then the device: every step is valid on its own.
        var config = Apply(ClusterConfig.Empty, new PutNode(Node("node1", 1), PutMode.Upsert), new PutNode(Node("node2", 2), PutMode.Upsert),
            new PutFenceDevice(device, PutMode.Create));
        Assert.Equal(device.HostMap, config.FindFenceDevice("fd")!.HostMap);
    }

    [Fact]
    public void Deleting_a_node_a_device_maps_is_not_blocked_by_the_map_the_node_leaves_it()
    {
        var config = TwoNodes() with { FenceDevices = [Device(map: [("node1", "i-1"), ("node2", "i-2")])] };
        var after = Apply(config, new DeleteNode("node2"));
        Assert.Equal(["node1"], after.FindFenceDevice("fd")!.HostMap.Keys);
    }

    [Fact]
    public void A_level_for_an_unknown_node_and_one_naming_a_missing_device_are_both_reported()
    {
        var config = TwoNodes() with
        {
            FenceDevices = [Device()],
            FencingLevels = [new FencingLevel("node7", 1, ["fd"]), new FencingLevel("node1", 2, ["fd", "pdu"])],
        };
        var errors = Validate(config);
        Assert.Equal([("fl-node7-1", "target"), ("fl-node1-2", "devices[1]")], errors.Select(e => (e.Item, e.Field)));
        Assert.Equal("no node 'node7' is configured (nodes: node1, node2)", errors[0].Message);
        Assert.Equal("no fence device 'pdu' exists", errors[1].Message);
    }
}
