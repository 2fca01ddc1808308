using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Execution;

public class ResultPolicyTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    private static OperationResult Rc(int rc, ExecutionStatus status = ExecutionStatus.Done) =>
        new(rc, status, null, TimeSpan.FromMilliseconds(5));

    private static OperationVerdict Assess(string action, TimeSpan interval, int rc, Role? role = null, bool promotable = false, bool managed = true) =>
        ResultPolicy.Assess(action, interval, role, Rc(rc), promotable, managed);

    [Fact]
    public void Recurring_monitor_finding_a_started_resource_stopped_is_a_soft_failure()
    {
        var v = Assess("monitor", TenSeconds, 7);
        Assert.Equal(FailureSeverity.Soft, v.Severity);
        Assert.True(v.NeedsRecovery);
        Assert.Equal(Role.Stopped, v.Role);
        Assert.Equal(0, v.ExpectedExitCode);
        Assert.Equal("'not running' (7), expected 'ok' (0)", v.Summary);
    }

    [Fact]
    public void Probe_finding_the_resource_stopped_is_not_a_failure()
    {
        var v = Assess("monitor", TimeSpan.Zero, 7);
        Assert.False(v.IsFailure);
        Assert.Equal(Role.Stopped, v.Role);
        Assert.Equal(7, v.ExpectedExitCode);
    }

    [Fact]
    public void Probe_finding_the_resource_running_records_it_active_without_failure()
    {
        var started = Assess("monitor", TimeSpan.Zero, 0);
        Assert.False(started.IsFailure);
        Assert.Equal(Role.Started, started.Role);

        var promoted = Assess("monitor", TimeSpan.Zero, 8, promotable: true);
        Assert.False(promoted.IsFailure);
        Assert.Equal(Role.Promoted, promoted.Role);

        var unpromoted = Assess("monitor", TimeSpan.Zero, 0, promotable: true);
        Assert.Equal(Role.Unpromoted, unpromoted.Role);
    }

    [Fact]
    public void Promoted_monitor_expects_8_and_treats_0_as_a_soft_failure()
    {
        Assert.False(Assess("monitor", TenSeconds, 8, Role.Promoted, promotable: true).IsFailure);
        var demotedBehindOurBack = Assess("monitor", TenSeconds, 0, Role.Promoted, promotable: true);
        Assert.Equal(FailureSeverity.Soft, demotedBehindOurBack.Severity);
        Assert.Equal(Role.Unpromoted, demotedBehindOurBack.Role);
        Assert.Equal(8, demotedBehindOurBack.ExpectedExitCode);
    }

    [Fact]
    public void Monitor_with_role_Stopped_expects_7()
    {
        Assert.False(Assess("monitor", TenSeconds, 7, Role.Stopped).IsFailure);
        Assert.Equal(FailureSeverity.Soft, Assess("monitor", TenSeconds, 0, Role.Stopped).Severity);
    }

    [Theory]
    [InlineData(190, 0)]
    [InlineData(191, 8)]
    public void Degraded_codes_count_as_running_with_a_warning(int rc, int remapped)
    {
        var v = Assess("monitor", TenSeconds, rc, rc == 191 ? Role.Promoted : null, promotable: true);
        Assert.False(v.IsFailure);
        Assert.True(v.Degraded);
        Assert.Equal(remapped, v.ExitCode);
        Assert.Equal(rc == 191 ? Role.Promoted : Role.Unpromoted, v.Role);
        Assert.Contains("degraded", v.Summary);
    }

    [Theory]
    [InlineData("start", 2)]
    [InlineData("start", 3)]
    [InlineData("start", 4)]
    [InlineData("start", 5)]
    [InlineData("monitor", 2)]
    [InlineData("stop", 4)]
    public void Errors_2_to_5_ban_the_resource_from_the_node(string action, int rc)
    {
        var v = Assess(action, action == "monitor" ? TenSeconds : TimeSpan.Zero, rc);
        Assert.Equal(FailureSeverity.Hard, v.Severity);
        Assert.True(v.NeedsRecovery);
    }

    [Theory]
    [InlineData("start", 0)]
    [InlineData("monitor", 10)]
    [InlineData("monitor", 0)]
    public void Not_configured_is_fatal_everywhere(string action, int intervalSeconds)
    {
        Assert.Equal(FailureSeverity.Fatal, Assess(action, TimeSpan.FromSeconds(intervalSeconds), 6).Severity);
    }

    [Fact]
    public void Unimplemented_recurring_monitor_is_shown_but_not_recovered()
    {
        var v = Assess("monitor", TenSeconds, 3);
        Assert.Equal(FailureSeverity.NoRecovery, v.Severity);
        Assert.True(v.IsFailure);
        Assert.False(v.NeedsRecovery);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(42)]
    [InlineData(255)]
    [InlineData(-1)]
    public void Generic_and_unknown_codes_are_soft_failures(int rc)
    {
        var v = Assess("start", TimeSpan.Zero, rc);
        Assert.Equal(FailureSeverity.Soft, v.Severity);
        Assert.Equal(rc == 9 ? 9 : 1, v.ExitCode);
    }

    [Fact]
    public void Failed_start_leaves_the_resource_needing_a_stop()
    {
        Assert.Equal(Role.Started, Assess("start", TimeSpan.Zero, 1).Role);
        Assert.Equal(Role.Promoted, Assess("promote", TimeSpan.Zero, 1, promotable: true).Role);
        Assert.Equal(Role.Promoted, Assess("monitor", TenSeconds, 9, Role.Promoted, promotable: true).Role);
    }

    [Fact]
    public void Stop_must_return_0_and_7_counts_as_failure()
    {
        var ok = Assess("stop", TimeSpan.Zero, 0);
        Assert.False(ok.IsFailure);
        Assert.Equal(Role.Stopped, ok.Role);
        Assert.Equal(FailureSeverity.Soft, Assess("stop", TimeSpan.Zero, 7).Severity);
    }

    [Fact]
    public void Unmanaged_resource_found_stopped_is_not_a_failure()
    {
        Assert.False(Assess("monitor", TenSeconds, 7, managed: false).IsFailure);
    }

    [Fact]
    public void Timeout_is_a_soft_failure_whatever_the_code()
    {
        var v = ResultPolicy.Assess("start", TimeSpan.Zero, null, Rc(1, ExecutionStatus.TimedOut), promotable: false);
        Assert.Equal(FailureSeverity.Soft, v.Severity);
        Assert.Equal("Timed Out", v.Summary);
        Assert.Equal(Role.Started, v.Role);
    }

    [Fact]
    public void Missing_agent_is_a_hard_failure_and_the_resource_is_not_running_there()
    {
        var v = ResultPolicy.Assess("monitor", TimeSpan.Zero, null, Rc(5, ExecutionStatus.NotInstalled), promotable: false);
        Assert.Equal(FailureSeverity.Hard, v.Severity);
        Assert.Equal(Role.Stopped, v.Role);
    }

    [Fact]
    public void Runner_error_with_a_success_code_is_still_a_failure()
    {
        var v = ResultPolicy.Assess("start", TimeSpan.Zero, null, Rc(0, ExecutionStatus.Error), promotable: false);
        Assert.Equal(FailureSeverity.Soft, v.Severity);
    }

    [Fact]
    public void Failed_notify_is_never_recovered()
    {
        var v = Assess("notify", TimeSpan.Zero, 1);
        Assert.Equal(FailureSeverity.NoRecovery, v.Severity);
        Assert.False(Assess("notify", TimeSpan.Zero, 0).IsFailure);
    }

    [Fact]
    public void Cancelled_operation_says_nothing()
    {
        var v = ResultPolicy.Assess("monitor", TenSeconds, null, Rc(1, ExecutionStatus.Cancelled), promotable: false);
        Assert.False(v.IsFailure);
        Assert.Equal(Role.Unknown, v.Role);
    }

    [Fact]
    public void Request_overload_uses_the_role_of_the_matching_operation_definition()
    {
        var primitive = new Primitive("db", ResourceClass.Ocf, "pacemaker", "Stateful", Attributes.Empty, Attributes.Empty,
            [new Operation("monitor", TimeSpan.FromSeconds(10), Role: Role.Promoted), new Operation("monitor", TimeSpan.FromSeconds(11))]);
        var promotedMonitor = new OperationRequest("db", primitive, "monitor", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), "n1", Attributes.Empty);
        var plainMonitor = promotedMonitor with { Interval = TimeSpan.FromSeconds(11) };

        Assert.Equal(8, ResultPolicy.Assess(promotedMonitor, Rc(0), promotable: true).ExpectedExitCode);
        Assert.Equal(0, ResultPolicy.Assess(plainMonitor, Rc(0), promotable: true).ExpectedExitCode);
        Assert.True(promotedMonitor with { Interval = TimeSpan.Zero } is { IsProbe: true });
    }

    [Theory]
    [InlineData("stop", true, OnFail.Fence)]
    [InlineData("stop", false, OnFail.Block)]
    [InlineData("start", true, OnFail.Restart)]
    [InlineData("monitor", false, OnFail.Restart)]
    public void Default_on_fail_fences_a_failed_stop_only_when_fencing_is_enabled(string action, bool fencing, OnFail expected)
    {
        Assert.Equal(expected, ResultPolicy.DefaultOnFail(action, fencing));
    }
}
