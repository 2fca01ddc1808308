using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Model;

public class DurationTests
{
    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("5min", 300_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("PT30S", 30_000)]
    [InlineData("PT1M30S", 90_000)]
    public void Parses_pacemaker_and_iso_durations(string text, long ms)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.Equal(ms, (long)d.TotalMilliseconds);
    }

    [Theory]
    [InlineData("ten seconds")]
    [InlineData("-5s")]
    [InlineData("")]
    [InlineData("P")]
    public void Rejects_malformed_durations(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(20_000, "20s")]
    [InlineData(300_000, "5min")]
    [InlineData(3_600_000, "1h")]
    public void Formats_compactly_and_round_trips(long ms, string text)
    {
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(ms, (long)Duration.Parse(text).TotalMilliseconds);
    }
}
