using HaApi.Engine.Execution;

namespace HaApi.Engine.Tests.Execution;

public class RecurringMonitorScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);

    [Fact]
    public void First_run_is_due_after_the_start_delay()
    {
        var s = RecurringMonitorSchedule.Empty().Add("vip_monitor_10000", "vip", Ten, T0, startDelay: TimeSpan.FromSeconds(2));
        Assert.Empty(s.Due(T0.AddSeconds(1.9)));
        Assert.Equal("vip_monitor_10000", Assert.Single(s.Due(T0.AddSeconds(2))).Key);
        Assert.Equal(T0.AddSeconds(2), s.NextDueAt());
    }

    [Fact]
    public void Next_run_is_due_one_interval_after_the_previous_completed()
    {
        var s = RecurringMonitorSchedule.Empty().Add("m", "r", Ten, T0);
        s = s.Started("m");
        Assert.Empty(s.Due(T0.AddMinutes(5)));          // a slow run is never started twice
        Assert.Null(s.NextDueAt());
        s = s.Completed("m", T0.AddSeconds(3));
        Assert.Empty(s.Due(T0.AddSeconds(12.999)));
        Assert.Single(s.Due(T0.AddSeconds(13)));
        Assert.Equal(T0.AddSeconds(13), s.NextDueAt());
    }

    [Fact]
    public void Due_monitors_come_earliest_first()
    {
        var s = RecurringMonitorSchedule.Empty()
            .Add("b", "r1", Ten, T0.AddSeconds(1))
            .Add("a", "r2", Ten, T0.AddSeconds(1))
            .Add("c", "r3", Ten, T0);
        Assert.Equal(["c", "a", "b"], s.Due(T0.AddSeconds(5)).Select(m => m.Key));
    }

    [Fact]
    public void Adding_the_same_monitor_again_keeps_its_due_time_but_a_new_interval_replaces_it()
    {
        var s = RecurringMonitorSchedule.Empty().Add("m", "r", Ten, T0);
        Assert.Same(s, s.Add("m", "r", Ten, T0.AddSeconds(5)));
        var changed = s.Add("m", "r", TimeSpan.FromSeconds(30), T0.AddSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(30), changed.Find("m")!.Interval);
        Assert.Equal(T0.AddSeconds(5), changed.Find("m")!.DueAt);
    }

    [Fact]
    public void Removing_a_resource_cancels_all_its_monitors_and_late_results_are_dropped()
    {
        var s = RecurringMonitorSchedule.Empty()
            .Add("db_monitor_10000", "db", Ten, T0)
            .Add("db_monitor_11000", "db", TimeSpan.FromSeconds(11), T0)
            .Add("vip_monitor_10000", "vip", Ten, T0)
            .Started("db_monitor_10000");
        s = s.RemoveResource("db");
        Assert.Equal(1, s.Count);
        s = s.Completed("db_monitor_10000", T0.AddSeconds(1));
        Assert.Null(s.Find("db_monitor_10000"));
    }

    [Fact]
    public void Schedule_is_bounded()
    {
        var s = RecurringMonitorSchedule.Empty(capacity: 2).Add("a", "r", Ten, T0).Add("b", "r", Ten, T0);
        var e = Assert.Throws<InvalidOperationException>(() => s.Add("c", "r", Ten, T0));
        Assert.Contains("2 recurring monitors", e.Message);
        Assert.Equal(2, s.Add("a", "r", TimeSpan.FromSeconds(20), T0).Count); // replacing is fine when full
    }

    [Fact]
    public void Zero_interval_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RecurringMonitorSchedule.Empty().Add("m", "r", TimeSpan.Zero, T0));
    }

    [Fact]
    public void Schedule_is_immutable()
    {
        var empty = RecurringMonitorSchedule.Empty();
        var one = empty.Add("m", "r", Ten, T0);
        Assert.Equal(0, empty.Count);
        Assert.Equal(1, one.Count);
        one.Started("m");
        Assert.False(one.Find("m")!.InFlight);
    }
}
