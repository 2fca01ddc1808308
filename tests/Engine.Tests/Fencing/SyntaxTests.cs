using HaApi.Engine.Fencing;

namespace HaApi.Engine.Tests.Fencing;

public class HostMapSyntaxTests
{
    [Fact]
    public void Host_map_entries_split_on_semicolon_space_and_tab_and_at_the_first_colon()
    {
        var map = HostMapSyntax.Parse("node1:i-0abc;node2:i-0def node3=port3\tnode4:a:b");
        Assert.Equal("i-0abc", map["node1"]);
        Assert.Equal("i-0def", map["node2"]);
        Assert.Equal("port3", map["node3"]);
        Assert.Equal("a:b", map["node4"]);
        Assert.Equal(4, map.Count);
    }

    [Fact]
    public void Backslash_escapes_a_separator_inside_a_port_and_format_round_trips()
    {
        var map = HostMapSyntax.Parse(@"node1:vm\;one;node2:2,3");
        Assert.Equal("vm;one", map["node1"]);
        Assert.Equal("2,3", map["node2"]);
        Assert.Equal(map, HostMapSyntax.Parse(HostMapSyntax.Format(map)));
    }

    [Theory]
    [InlineData("node1")]
    [InlineData("node1:;node2:x")]
    [InlineData(":i-0abc")]
    public void Entries_without_node_or_port_are_rejected_with_the_expected_syntax(string text)
    {
        var ex = Assert.Throws<FormatException>(() => HostMapSyntax.Parse(text));
        Assert.Contains("pcmk_host_map", ex.Message);
    }

    [Fact]
    public void Empty_host_map_is_empty() => Assert.Empty(HostMapSyntax.Parse("  "));
}

public class HostListSyntaxTests
{
    [Fact]
    public void Host_list_splits_on_commas_semicolons_and_whitespace() =>
        Assert.Equal(["node1", "node2", "node3"], HostListSyntax.ParseHostList("node1, node2;node3").ToArray());

    [Fact]
    public void List_output_yields_ports_and_aliases_but_not_power_words_or_invalid_lines()
    {
        var targets = HostListSyntax.ParseListOutput("i-0aaa,node1\ni-0bbb,\nplug3,alias3,on\nInvalid output line\n");
        Assert.Equal(["i-0aaa", "node1", "i-0bbb", "plug3", "alias3"], targets.ToArray());
    }
}

public class FenceDelayTests
{
    [Fact]
    public void Zero_max_means_a_fixed_delay_of_base() =>
        Assert.Equal(TimeSpan.FromSeconds(5), FenceDelay.Compute(TimeSpan.FromSeconds(5), null, new Random(1)));

    [Fact]
    public void Base_above_max_is_clamped_to_max() =>
        Assert.Equal(TimeSpan.FromSeconds(3), FenceDelay.Compute(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), new Random(1)));

    [Fact]
    public void Random_delay_covers_the_whole_inclusive_range_and_replays_with_the_same_seed()
    {
        var r = new Random(42);
        var delays = Enumerable.Range(0, 400).Select(_ => FenceDelay.Compute(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), r)).ToList();
        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 2, 5));
        Assert.Equal([2.0, 3.0, 4.0, 5.0], delays.Select(d => d.TotalSeconds).Distinct().Order());
        var again = new Random(42);
        Assert.Equal(delays, Enumerable.Range(0, 400).Select(_ => FenceDelay.Compute(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), again)));
    }

    [Fact]
    public void No_delay_configured_is_no_delay() => Assert.Equal(TimeSpan.Zero, FenceDelay.Compute(null, null, new Random(3)));
}

public class FenceRetryPolicyTests
{
    private static readonly FenceResult Failed = new(false, "d", "x", TimeSpan.Zero, 1);

    [Fact]
    public void Failed_attempt_is_retried_while_under_70_percent_of_the_budget()
    {
        var p = FenceRetryPolicy.For(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        Assert.True(p.ShouldRetry(1, Failed, TimeSpan.FromSeconds(5)));
        Assert.False(p.ShouldRetry(1, Failed, TimeSpan.FromSeconds(6.5)));
        Assert.False(p.ShouldRetry(3, Failed, TimeSpan.Zero));
    }

    [Fact]
    public void Timed_out_or_successful_attempts_are_never_retried()
    {
        var p = FenceRetryPolicy.For(3, TimeSpan.FromSeconds(10), TimeSpan.Zero);
        Assert.False(p.ShouldRetry(1, Failed with { TimedOut = true }, TimeSpan.Zero));
        Assert.False(p.ShouldRetry(1, Failed with { Success = true }, TimeSpan.Zero));
    }

    [Fact]
    public void Attempts_are_bounded_and_the_next_attempt_gets_the_remaining_budget()
    {
        Assert.Equal(FenceRetryPolicy.MaxAttempts, FenceRetryPolicy.For(1000, TimeSpan.FromSeconds(1), TimeSpan.Zero).Attempts);
        Assert.Equal(1, FenceRetryPolicy.For(0, TimeSpan.FromSeconds(1), TimeSpan.Zero).Attempts);
        Assert.Equal(TimeSpan.FromSeconds(4), FenceRetryPolicy.For(2, TimeSpan.FromSeconds(10), TimeSpan.Zero).Remaining(TimeSpan.FromSeconds(6)));
    }
}
