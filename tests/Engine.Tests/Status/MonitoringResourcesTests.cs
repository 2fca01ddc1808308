using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;
using HaApi.Engine.Status;

namespace HaApi.Engine.Tests.Status;

public sealed class MonitoringResourcesTests
{
    private const string Cib = """
        <cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
          <configuration>
            <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
            <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
            <resources>
              <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>
              <clone id="ping-clone"><primitive id="ping" class="ocf" provider="pacemaker" type="ping"/></clone>
            </resources>
            <constraints/>
          </configuration>
          <status>
            <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
              <lrm id="1"><lrm_resources>
                <lrm_resource id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                  <lrm_rsc_op id="vip_last_0" operation="start" interval="0" call-id="2" rc-code="0" op-status="0" transition-key="1:1:0:x"/>
                </lrm_resource>
                <lrm_resource id="ping" class="ocf" provider="pacemaker" type="ping">
                  <lrm_rsc_op id="ping_last_0" operation="start" interval="0" call-id="3" rc-code="0" op-status="0" transition-key="1:1:0:x"/>
                </lrm_resource>
              </lrm_resources></lrm>
            </node_state>
            <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
          </status>
        </cib>
        """;

    [Fact]
    public void Metrics_resources_follow_the_placement_the_scheduler_reads_from_the_status()
    {
        var doc = CibImporter.Import(Cib);
        var current = CurrentState.Unpack(new SchedulerInput(doc.Config, doc.Status, true, DateTimeOffset.UnixEpoch));
        var resources = MonitoringResources.From(current);

        var vip = Assert.Single(resources, r => r.Id == "vip");
        Assert.Equal(("ocf::heartbeat:IPaddr2", "Started", "node1", true), (vip.Agent, vip.Role, vip.Node, vip.Active));
        var pings = resources.Where(r => r.Id == "ping").ToList();
        Assert.Equal(2, pings.Count);
        Assert.All(pings, p => Assert.Equal("ping-clone", p.CloneId));
        Assert.Single(pings, p => p is { Node: "node1", Role: "Started", Active: true });
        Assert.Single(pings, p => p is { Node: null, Role: "Stopped", Active: false });
    }
}
