using HaApi.Engine.Cib;
using HaApi.Engine.Model;

namespace HaApi.Scheduler.Tests.Cib;

public sealed class CibImporterTests
{
    private const string Full = """
        <cib admin_epoch="1" epoch="7" num_updates="3" have-quorum="1" execution-date="1700000000">
          <configuration>
            <crm_config>
              <cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="freeze"/></cluster_property_set>
            </crm_config>
            <nodes>
              <node id="1" uname="n1"><instance_attributes id="n1a"><nvpair id="n1s" name="standby" value="on"/></instance_attributes></node>
              <node id="2" uname="n2"/>
            </nodes>
            <resources>
              <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                <instance_attributes id="vip-i"><nvpair id="vip-ip" name="ip" value="10.0.0.1"/></instance_attributes>
                <meta_attributes id="vip-m"><nvpair id="vip-t" name="target-role" value="Stopped"/></meta_attributes>
                <operations><op id="vip-mon" name="monitor" interval="10s" timeout="20s" on-fail="block"/></operations>
              </primitive>
              <group id="g"><primitive id="g1" class="ocf" provider="pacemaker" type="Dummy"/><primitive id="g2" class="systemd" type="nginx"/></group>
              <master id="ms"><meta_attributes id="ms-m"><nvpair id="ms-mm" name="master-max" value="2"/></meta_attributes><primitive id="st" class="ocf" provider="pacemaker" type="Stateful"/></master>
              <clone id="cl"><primitive id="c1" class="ocf" provider="pacemaker" type="Dummy"/></clone>
            </resources>
            <constraints>
              <rsc_location id="l1" rsc="vip" node="n2" score="100"/>
              <rsc_location id="l2" rsc="g"><rule id="r" score-attribute="pref" boolean-op="or"><expression id="e" attribute="#uname" operation="eq" value="n1"/></rule></rsc_location>
              <rsc_colocation id="c" rsc="vip" with-rsc="g" score="-INFINITY"/>
              <rsc_order id="od" first="g" then="vip" kind="Optional" symmetrical="false" first-action="promote" then-action="start"/>
            </constraints>
            <rsc_defaults><meta_attributes id="rd"><nvpair id="rd1" name="resource-stickiness" value="10"/></meta_attributes></rsc_defaults>
            <op_defaults><meta_attributes id="od1"><nvpair id="od2" name="timeout" value="30s"/></meta_attributes></op_defaults>
            <fencing-topology><fencing-level id="fl" target="n1" index="1" devices="f1,f2"/></fencing-topology>
          </configuration>
          <status>
            <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
              <transient_attributes id="1"><instance_attributes id="s1"><nvpair id="fc" name="fail-count-vip#monitor_10000" value="2"/><nvpair id="fc2" name="fail-count-vip" value="1"/><nvpair id="lf" name="last-failure-vip#monitor_10000" value="1700000000"/></instance_attributes></transient_attributes>
              <lrm id="1"><lrm_resources>
                <lrm_resource id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                  <lrm_rsc_op id="vip_last_0" operation="start" interval="0" call-id="4" rc-code="0" op-status="0" transition-key="3:1:0:abc" last-rc-change="1700000000" exec-time="25" op-digest="d1"/>
                  <lrm_rsc_op id="vip_monitor_10000" operation="monitor" interval="10000" call-id="5" rc-code="7" op-status="0" transition-key="4:1:0:abc"/>
                </lrm_resource>
              </lrm_resources></lrm>
            </node_state>
            <node_state id="2" uname="n2" crmd="offline" join="down"/>
          </status>
        </cib>
        """;

    [Fact]
    public void Imports_configuration_and_status()
    {
        var doc = CibImporter.Import(Full);
        var c = doc.Config;
        Assert.Equal(new ConfigVersion(1, 7, 3), c.Version);
        Assert.True(doc.HaveQuorum);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), doc.ExecutionDate);
        Assert.False(c.Properties.StonithEnabled);
        Assert.Equal(NoQuorumPolicy.Freeze, c.Properties.NoQuorumPolicy);
        Assert.Equal(["n1", "n2"], c.Nodes.Select(n => n.Name));
        Assert.True(c.Nodes[0].Standby);
        Assert.Equal(["vip", "g", "ms", "cl"], c.ResourceOrder.AsEnumerable());

        var vip = c.FindPrimitive("vip")!;
        Assert.Equal("ocf:heartbeat:IPaddr2", vip.AgentSpec);
        Assert.Equal("10.0.0.1", vip.Parameters["ip"]);
        Assert.Equal("Stopped", vip.Meta["target-role"]);
        var op = Assert.Single(vip.Operations);
        Assert.Equal(("monitor", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), OnFail.Block), (op.Name, op.Interval, op.Timeout!.Value, op.OnFail!.Value));

        Assert.Equal(["g1", "g2"], c.FindGroup("g")!.Members.AsEnumerable());
        Assert.Equal(ResourceClass.Systemd, c.FindPrimitive("g2")!.Class);
        var ms = c.FindClone("ms")!;
        Assert.True(ms.Promotable);
        Assert.Equal("2", ms.Meta[MetaNames.PromotedMax]);
        Assert.False(c.FindClone("cl")!.Promotable);

        Assert.Equal(100, c.Locations[0].Score!.Value.Value);
        var rule = Assert.Single(c.Locations[1].Rules);
        Assert.Equal(("pref", BooleanOp.Or), (rule.ScoreAttribute, rule.BooleanOp));
        Assert.Equal(Score.MinusInfinity, c.Colocations[0].Score);
        Assert.Equal(new OrderConstraint("od", "g", "vip", OrderKind.Optional, false, ResourceAction.Promote, ResourceAction.Start), c.Orders[0]);
        Assert.Equal("10", c.ResourceDefaults["resource-stickiness"]);
        Assert.Equal("30s", c.OperationDefaults["timeout"]);
        Assert.Equal(["f1", "f2"], Assert.Single(c.FencingLevels).Devices.AsEnumerable());

        var n1 = doc.Status.Find("n1")!;
        Assert.True(n1.InMembership && n1.ControllerOnline);
        Assert.Equal(3, n1.FailCount("vip").Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), n1.LastFailure("vip"));
        var history = n1.FindResource("vip")!;
        Assert.Equal(2, history.Operations.Length);
        var monitor = history.Operations[1];
        Assert.Equal((TimeSpan.FromSeconds(10), 5, 7, 0, 0), (monitor.Interval, monitor.CallId, monitor.RcCode, monitor.OpStatus, monitor.ExpectedRc!.Value));
        Assert.Equal(25, history.Operations[0].ExecTimeMs);
        var n2 = doc.Status.Find("n2")!;
        Assert.False(n2.InMembershipKnown);
        Assert.False(n2.ControllerOnline);
    }

    [Fact]
    public void Status_records_share_one_instance_per_repeated_name()
    {
        var doc = CibImporter.Import(Full.Replace("""<node_state id="2" uname="n2" crmd="offline" join="down"/>""", """
            <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="2"><lrm_resources>
              <lrm_resource id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                <lrm_rsc_op id="vip_last_0" operation="monitor" interval="0" call-id="2" rc-code="7" op-status="0" op-digest="d1"/>
              </lrm_resource>
            </lrm_resources></lrm></node_state>
            """, StringComparison.Ordinal));
        var on1 = doc.Status.Nodes[0].Resources.Single();
        var on2 = doc.Status.Nodes[1].Resources.Single();

        Assert.Equal("IPaddr2", on2.Type);
        Assert.Same(on1.ResourceId, on2.ResourceId);
        Assert.Same(on1.Class, on2.Class);
        Assert.Same(on1.Provider, on2.Provider);
        Assert.Same(on1.Type, on2.Type);
        Assert.Same(on1.Operations[1].Operation, on2.Operations[0].Operation);
        Assert.Same(on1.Operations[0].Digest, on2.Operations[0].Digest);
    }

    [Fact]
    public void Unsupported_constructs_are_reported_with_element_id_and_line()
    {
        const string xml = """
            <cib>
              <configuration>
                <resources>
                  <bundle id="b1"/>
                  <template id="t1" class="ocf" provider="pacemaker" type="Dummy"/>
                </resources>
                <constraints>
                  <rsc_order id="set1"><resource_set id="rs"><resource_ref id="x"/></resource_set></rsc_order>
                </constraints>
              </configuration>
            </cib>
            """;
        var e = Assert.Throws<CibImportException>(() => CibImporter.Import(xml));
        Assert.Equal([("bundle", "b1", 4), ("template", "t1", 5), ("rsc_order", "set1", 8)], e.Problems.Select(p => (p.Element, p.Id, p.Line)));
        Assert.All(e.Problems, p => Assert.Contains("not supported", p.Message));
        Assert.Contains("line 4: <bundle id=\"b1\">", e.Message);
    }

    [Fact]
    public void Date_expressions_are_reported_not_ignored()
    {
        const string xml = """
            <cib><configuration><resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources>
            <constraints><rsc_location id="l" rsc="r"><rule id="ru" score="10"><date_expression id="d" operation="gt" start="2020-01-01"/></rule></rsc_location></constraints>
            </configuration></cib>
            """;
        var e = Assert.Throws<CibImportException>(() => CibImporter.Import(xml));
        var p = Assert.Single(e.Problems);
        Assert.Equal(("date_expression", "d", 2), (p.Element, p.Id, p.Line));
    }

    [Fact]
    public void Malformed_xml_is_reported_with_its_line()
    {
        var e = Assert.Throws<CibImportException>(() => CibImporter.Import("<cib>\n<configuration>\n</cib>"));
        var p = Assert.Single(e.Problems);
        Assert.Equal(3, p.Line);
        Assert.StartsWith("malformed XML", p.Message);
    }

    [Fact]
    public void Dangling_references_and_bad_scores_are_reported()
    {
        const string xml = """
            <cib><configuration>
            <nodes><node id="1" uname="n1"/></nodes>
            <resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources>
            <constraints>
              <rsc_location id="l1" rsc="nope" node="n1" score="10"/>
              <rsc_location id="l2" rsc="r" node="n9" score="10"/>
              <rsc_colocation id="c1" rsc="r" with-rsc="r" score="lots"/>
              <rsc_order id="o1" first="r" then="ghost"/>
            </constraints>
            </configuration></cib>
            """;
        var e = Assert.Throws<CibImportException>(() => CibImporter.Import(xml));
        var messages = e.Problems.Select(p => $"{p.Id}@{p.Line}: {p.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("c1@7: score='lots' is not a score", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("l1@5: rsc 'nope' is not a configured resource", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("l2@6: node 'n9' is not a configured node", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("o1@8: then 'ghost' is not a configured resource", StringComparison.Ordinal));
    }

    [Fact]
    public void Corpus_inputs_import_without_problems()
    {
        foreach (var name in Corpus.SchedulerCorpus.Cases())
        {
            var xml = File.ReadAllText(Path.Combine(Corpus.SchedulerCorpus.Directory, "xml", name + ".xml"));
            var doc = CibImporter.Import(xml);
            Assert.NotEmpty(doc.Config.Nodes);
        }
    }
}
