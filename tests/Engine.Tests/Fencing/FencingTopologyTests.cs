using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using static HaApi.Engine.Tests.Fencing.FencingConfig;

namespace HaApi.Engine.Tests.Fencing;

public class FencingTopologyTests
{
    [Fact]
    public void Configured_levels_are_planned_by_index_with_missing_devices_reported()
    {
        var config = With([Device("ipmi"), Device("pdu1"), Device("pdu2")],
            Level("node1", 2, "pdu1", "pdu2"), Level("node1", 1, "ipmi"), Level("node2", 1, "pdu1"), Level("node1", 3, "gone"));
        var plan = FencingTopology.Plan(config, "node1");
        Assert.True(plan.Explicit);
        Assert.Equal([1, 2, 3], plan.Levels.Select(l => l.Index));
        Assert.Equal(["pdu1", "pdu2"], plan.Levels[1].Devices.Select(d => d.Id));
        Assert.Equal(["gone"], plan.Levels[2].Missing.ToArray());
    }

    [Fact]
    public void Without_levels_every_device_that_lists_or_maps_the_target_is_a_candidate_in_configuration_order()
    {
        var config = With([
            Device("a", hosts: ["node2"]),
            Device("b", map: "node1:i-0abc"),
            Device("c", hosts: ["node1", "node3"]),
            Device("d", check: HostCheck.None),
            Device("e", check: HostCheck.Status),
        ]);
        var plan = FencingTopology.Plan(config, "node1");
        Assert.False(plan.Explicit);
        Assert.Equal(["b", "c", "d", "e"], plan.Levels.Select(l => l.Devices.Single().Id));
    }

    [Fact]
    public void Host_map_alias_is_the_port_else_the_node_name()
    {
        var d = Device("b", map: "node1:i-0abc");
        Assert.Equal("i-0abc", DeviceTargeting.PortFor(d, "node1"));
        Assert.Equal("node2", DeviceTargeting.PortFor(d, "node2"));
    }

    [Fact]
    public void Forced_stop_script_without_a_list_can_fence_any_node_but_honours_a_list_when_given()
    {
        Assert.Equal(TargetCapability.Yes, DeviceTargeting.Capability(Device("fs", agent: FenceDevice.ScriptAgent), "node7"));
        Assert.Equal(TargetCapability.No, DeviceTargeting.Capability(Device("fs", hosts: ["node1"], agent: FenceDevice.ScriptAgent), "node7"));
    }

    [Fact]
    public void Device_with_no_list_or_map_must_be_asked_for_its_list()
    {
        Assert.Equal(TargetCapability.AskList, DeviceTargeting.Capability(Device("x"), "node1"));
        Assert.True(DeviceTargeting.ListNames(Device("x", map: "node1:i-0abc"), "node1", "i-0abc,\ni-0def,\n"));
        Assert.False(DeviceTargeting.ListNames(Device("x"), "node1", "i-0abc,\n"));
    }
}
