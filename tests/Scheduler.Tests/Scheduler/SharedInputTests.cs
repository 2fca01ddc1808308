using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;
using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// The scheduler keeps what it works out from one configuration object or one node_state object (definitions by id,
/// what each successful history says) and reuses it for every run on the same object. A run must still depend on its
/// input alone: reading a configuration or a status before, together with anything else, changes nothing.
/// </summary>
public sealed class SharedInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string Running = Online("node1", ("rsc1", "start", 0, 1), ("rsc1", "monitor_10000", 0, 2)) +
                                             Online("node2", ("rsc1", "monitor", 7, 1), ("rsc2", "start", 0, 2)) +
                                             Online("node3", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 1, 2));

    private static readonly string BothConfigured = Document(Dummy("rsc1") + Dummy("rsc2"), status: Running);
    private static readonly string Rsc1Removed = Document(Dummy("rsc2"), status: Running);

    private static SchedulerInput Import(string xml)
    {
        var doc = CibImporter.Import(xml);
        return new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, Now);
    }

    private static IReadOnlyList<string> Plan(SchedulerInput input)
    {
        var transition = HaApi.Engine.Scheduler.Scheduler.Schedule(input);
        return [.. TransitionSummary.Format(transition), .. transition.Actions.Select(a => a.ToString())];
    }

    [Fact]
    public void A_status_already_read_under_another_configuration_is_scheduled_as_if_read_afresh()
    {
        var both = Import(BothConfigured);
        var removed = Import(Rsc1Removed);
        var expected = Plan(removed);
        // The same status objects, read first under the configuration that still defines rsc1.
        Plan(both);
        var reused = Plan(new SchedulerInput(removed.Config, both.Status, both.HaveQuorum, Now));

        Assert.Equal(expected, reused);
        // rsc1 is an orphan now: it is stopped where it runs (so the comparison is about a real plan).
        Assert.Contains(reused, l => l.Contains("Stop", StringComparison.Ordinal) && l.Contains("rsc1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_configuration_already_used_with_another_status_is_scheduled_as_if_read_afresh()
    {
        var moved = Document(Dummy("rsc1") + Dummy("rsc2"), status:
            Online("node1", ("rsc1", "monitor", 7, 1)) +
            Online("node2", ("rsc1", "start", 0, 1), ("rsc2", "start", 0, 2)) +
            Online("node3", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2)));
        var first = Import(BothConfigured);
        var second = Import(moved);
        var expected = Plan(second);

        Plan(first);
        var reused = Plan(new SchedulerInput(first.Config, second.Status, second.HaveQuorum, Now));

        Assert.Equal(expected, reused);
    }

    [Fact]
    public void Scheduling_the_same_input_again_gives_the_same_plan()
    {
        var input = Import(BothConfigured);
        var first = Plan(input);

        Assert.Equal(first, Plan(input));
        // rsc2 failed a monitor on node3 (a history read in full on every run): it is recovered there.
        Assert.Contains(first, l => l.Contains("rsc2", StringComparison.Ordinal) && l.Contains("node3", StringComparison.Ordinal));
    }
}
