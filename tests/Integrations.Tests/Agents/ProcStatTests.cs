using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class ProcStatTests
{
    [Fact]
    public void Command_names_with_spaces_and_parentheses_do_not_shift_the_fields()
    {
        var line = "4242 (we ird) (x) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        var stat = ProcStat.Parse(4242, line)!;
        Assert.Equal('S', stat.State);
        Assert.Equal(4240, stat.ProcessGroupId);
        Assert.Equal(4240, stat.SessionId);
        Assert.Equal(987654UL, stat.StartTicks);
    }

    [Fact]
    public void Own_process_is_readable_and_missing_ones_are_null()
    {
        var self = ProcStat.TryRead(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.False(self.IsZombie);
        Assert.True(self.StartTicks > 0);
        Assert.Null(ProcStat.TryRead(int.MaxValue));
        Assert.Null(ProcStat.Parse(1, "garbage"));
    }
}
