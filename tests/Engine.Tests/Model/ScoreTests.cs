using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Model;

public class ScoreTests
{
    [Theory]
    [InlineData("100", 100)]
    [InlineData("-50", -50)]
    [InlineData("INFINITY", Score.InfinityValue)]
    [InlineData("+INFINITY", Score.InfinityValue)]
    [InlineData("-INFINITY", -Score.InfinityValue)]
    [InlineData("inf", Score.InfinityValue)]
    [InlineData("5000000", Score.InfinityValue)]
    public void Parses_integers_and_infinities(string text, int expected)
    {
        Assert.True(Score.TryParse(text, out var s));
        Assert.Equal(expected, s.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData(null)]
    public void Rejects_what_is_not_a_score(string? text) => Assert.False(Score.TryParse(text, out _));

    [Fact]
    public void Minus_infinity_wins_over_plus_infinity_as_in_pacemaker()
    {
        Assert.Equal(Score.MinusInfinity, Score.Infinity + Score.MinusInfinity);
        Assert.Equal(Score.Infinity, Score.Infinity + new Score(-500));
        Assert.Equal(new Score(150), new Score(100) + new Score(50));
        Assert.Equal(Score.Infinity, new Score(999_999) + new Score(5));
    }

    [Fact]
    public void Formats_infinities_by_name() =>
        Assert.Equal(["INFINITY", "-INFINITY", "42"], new[] { Score.Infinity, Score.MinusInfinity, new Score(42) }.Select(s => s.ToString()));
}
