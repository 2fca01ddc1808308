using System.Collections.Immutable;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;
using HaApi.Engine.Status;
using HaApi.Scheduler.Tests.Corpus;
using static HaApi.Engine.Tests.Status.StatusFixture;

namespace HaApi.Engine.Tests.Status;

public sealed class CurrentStateTests
{
    public static TheoryData<string> CorpusCases() => [.. SchedulerCorpus.Cases()];

    /// <summary>Every corpus case: the unpacked state, listed as crm_mon lists it, is what crm_simulate 2.1.5 printed
    /// as "Current cluster status" for the same CIB (groups, clones, orphans, failures, unclean and standby nodes...).</summary>
    [Theory]
    [MemberData(nameof(CorpusCases))]
    public void Current_state_is_what_crm_simulate_showed_before_the_transition(string name) =>
        Assert.Equal(CorpusStatus.ExpectedCurrentStatus(name), CorpusStatus.ActualCurrentStatus(name));

    [Fact]
    public void Group_members_are_placed_from_their_own_history()
    {
        var s = CorpusStatus.Current("group-fail");
        var rsc2 = s.FindResource("rsc2")!;
        Assert.Equal(["node1"], rsc2.Nodes.ToArray());
        Assert.Equal(Role.Started, rsc2.Role);
        Assert.Equal("group1", rsc2.GroupId);
        Assert.Equal("ocf:heartbeat:apache", rsc2.Agent);
        Assert.Equal("ocf::heartbeat:apache", rsc2.CrmMonAgent);
        var rsc1 = s.FindResource("rsc1")!;
        Assert.False(rsc1.Active);
        Assert.Equal(Role.Stopped, rsc1.Role);
        Assert.Equal(["rsc1", "rsc2", "rsc3", "rsc4"], s.Collections.Single(c => c.Id == "group1").Children.ToArray());
    }

    [Fact]
    public void Unclean_nodes_are_told_apart_by_membership_and_joining_nodes_are_pending()
    {
        var s = CorpusStatus.Current("stonith-4");
        Assert.True(s.FindNode("pcmk-7") is { Unclean: true, Online: true });
        Assert.True(s.FindNode("pcmk-5") is { Unclean: true, Online: false, HistoryRead: true });
        Assert.True(s.FindNode("pcmk-2") is { Pending: true, Unclean: false });
        Assert.True(s.FindNode("pcmk-1") is { Online: true, Unclean: false, Pending: false });
    }

    [Fact]
    public void Resources_on_a_node_in_maintenance_are_unmanaged_but_still_placed()
    {
        var s = CorpusStatus.Current("node-maintenance-1");
        Assert.True(s.FindNode("node2")!.Maintenance);
        var rsc2 = s.FindResource("rsc2")!;
        Assert.Equal(["node2"], rsc2.Nodes.ToArray());
        Assert.False(rsc2.Managed);
        Assert.True(s.FindResource("rsc1")!.Managed);
    }

    [Fact]
    public void A_failed_stop_without_fencing_blocks_the_resource_where_it_is()
    {
        var rsc2 = CorpusStatus.Current("unmanaged-stop-1").FindResource("rsc2")!;
        Assert.True(rsc2 is { Blocked: true, Failed: true, Managed: false });
        Assert.Equal(["yingying.site"], rsc2.Nodes.ToArray());
    }

    [Fact]
    public void A_resource_found_on_two_nodes_is_multiply_active()
    {
        var fencer = CorpusStatus.Current("multiply-active-stonith").FindResource("fencer")!;
        Assert.True(fencer.MultiplyActive);
        Assert.Equal(["node2", "node3"], fencer.Nodes.ToArray());
    }

    [Fact]
    public void Anonymous_clone_instances_are_numbered_but_shown_and_recorded_under_the_primitive_id()
    {
        var s = CorpusStatus.Current("bug-5014-CLONE-A-stop-B-started");
        var instance = s.Resources.First(r => r.CloneId == "clone1" && r.Active);
        Assert.StartsWith("ClusterIP:", instance.Id, StringComparison.Ordinal);
        Assert.Equal("ClusterIP", instance.DisplayId);
        Assert.Equal("ClusterIP", instance.HistoryId);
        Assert.True(instance.Disabled);
        Assert.Equal(["fc16-builder"], instance.Nodes.ToArray());
    }

    [Fact]
    public void Resources_found_only_in_the_history_are_orphans_listed_after_the_configured_ones()
    {
        var s = CorpusStatus.Current("orphan-0");
        var orphan = s.FindResource("rsc_c001n08")!;
        Assert.True(orphan.Orphaned);
        Assert.Equal(orphan, s.Resources[^1]);
    }

    [Fact]
    public void Promotable_clone_instances_are_unpacked_with_their_roles()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("db", "Stateful")],
            clones: [new Clone("db-clone", "db", Attributes.From([KeyValuePair.Create("promotable", "true")]))]);
        var promoted = Running("db", 1, new OperationRecord("db_promote", "promote", TimeSpan.Zero, 5, 0, 0, 0));
        var status = new ClusterStatus([Member("node1", "1", [promoted]), Member("node2", "2", [Running("db")])]);
        var input = new SchedulerInput(config, status, true, Now);

        var s = CurrentState.Unpack(input);
        var roles = s.Resources.Where(r => r.Active).ToDictionary(r => r.Nodes.Single(), r => r.Role);
        Assert.Equal(Role.Promoted, roles["node1"]);
        Assert.Equal(Role.Unpromoted, roles["node2"]);
    }

    [Fact]
    public void A_failure_with_on_fail_standby_puts_the_node_in_standby_on_fail()
    {
        var vip = Primitive("vip") with { Operations = [new Operation("monitor", TimeSpan.FromSeconds(10), OnFail: OnFail.Standby)] };
        var failed = Running("vip", 1, new OperationRecord("vip_last_failure_0", "monitor", TimeSpan.FromSeconds(10), 3, 7, 0, 0));
        var s = CurrentState.Unpack(new SchedulerInput(Configuration([Node("node1", 1)], [vip]),
            new ClusterStatus([Member("node1", "1", [failed])]), true, Now));
        Assert.True(s.FindNode("node1") is { Standby: true, StandbyOnFail: true });

        var byAttribute = CurrentState.Unpack(new SchedulerInput(Configuration([Node("node1", 1, ("standby", "on"))], [vip]),
            new ClusterStatus([Member("node1", "1", [Running("vip")])]), true, Now));
        Assert.True(byAttribute.FindNode("node1") is { Standby: true, StandbyOnFail: false });
    }

    [Fact]
    public void The_history_of_an_offline_node_says_nothing_about_where_resources_run()
    {
        var config = Configuration([Node("node1", 1), Node("node2", 2)], [Primitive("vip")]);
        var offline = Down("node2", "2") with { Resources = [Running("vip")] };
        var s = CurrentState.Unpack(new SchedulerInput(config, new ClusterStatus([Member("node1", "1", []), offline]), true, Now));
        Assert.False(s.FindResource("vip")!.Active);
        Assert.False(s.FindNode("node2")!.HistoryRead);
        Assert.Empty(s.FindResource("vip")!.KnownOn);
    }
}
