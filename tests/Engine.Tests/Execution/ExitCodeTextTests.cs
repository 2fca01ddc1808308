using HaApi.Engine.Execution;

namespace HaApi.Engine.Tests.Execution;

public class ExitCodeTextTests
{
    [Theory]
    [InlineData(0, "ok")]
    [InlineData(1, "error")]
    [InlineData(2, "invalid parameter")]
    [InlineData(3, "unimplemented feature")]
    [InlineData(4, "insufficient privileges")]
    [InlineData(5, "not installed")]
    [InlineData(6, "not configured")]
    [InlineData(7, "not running")]
    [InlineData(8, "promoted")]
    [InlineData(9, "promoted (failed)")]
    [InlineData(190, "OCF_DEGRADED")]
    [InlineData(191, "promoted (degraded)")]
    [InlineData(77, "unknown")]
    public void Exit_codes_read_as_Pacemaker_prints_them(int rc, string text)
    {
        Assert.Equal(text, ExitCodeText.Describe(rc));
    }

    [Fact]
    public void Format_matches_crm_mon_failed_action_spelling()
    {
        Assert.Equal("'not running' (7)", ExitCodeText.Format(7));
        Assert.Equal("Timed Out", ExitCodeText.Describe(ExecutionStatus.TimedOut));
        Assert.Equal("Not installed", ExitCodeText.Describe(ExecutionStatus.NotInstalled));
    }

    [Fact]
    public void Every_execution_status_has_a_text()
    {
        foreach (var s in Enum.GetValues<ExecutionStatus>()) Assert.NotEqual("unknown", ExitCodeText.Describe(s));
    }
}
