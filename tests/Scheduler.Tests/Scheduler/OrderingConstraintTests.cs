using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// How rsc_order constraints combine. Every expected summary here was checked against crm_simulate 2.1.5
/// (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class OrderingConstraintTests
{
    private static string TwoOrders(string firstKind, string secondKind) =>
        Document(Dummy("rsc1") + Dummy("rsc2"),
            constraints: $"""
                <rsc_location id="l" rsc="rsc1" node="node1" score="100"/>
                <rsc_order id="o1" first="rsc1" then="rsc2" kind="{firstKind}"/>
                <rsc_order id="o2" first="rsc1" then="rsc2" kind="{secondKind}"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2)) + Online("node2", ("rsc1", "monitor", 7, 3), ("rsc2", "start", 0, 4)));

    [Fact]
    public void Optional_order_listed_before_a_mandatory_one_between_the_same_resources_wins()
    {
        // Pacemaker keeps only the first ordering between the same two actions, so the mandatory order is dropped
        // and rsc2 keeps running while rsc1 starts.
        Assert.Equal(["* Start rsc1 ( node1 )"], Summary(TwoOrders("Optional", "Mandatory")));
    }

    [Fact]
    public void Mandatory_order_listed_first_restarts_the_dependent_despite_a_later_optional_one()
    {
        Assert.Equal(["* Start rsc1 ( node1 )", "* Restart rsc2 ( node2 ) due to required rsc1 start"], Summary(TwoOrders("Mandatory", "Optional")));
    }
}
