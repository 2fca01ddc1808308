using HaApi.Integrations.Alerts;

namespace HaApi.Integrations.Tests.Alerts;

public class AlertTimestampFormatTests
{
    private static readonly DateTimeOffset T = new DateTimeOffset(2026, 5, 3, 9, 0, 7, TimeSpan.Zero).AddTicks(9_876_543);

    [Theory]
    [InlineData("%H:%M:%S.%06N", "09:00:07.987654")]
    [InlineData("%Y-%m-%d,%H:%M:%S.%01N", "2026-05-03,09:00:07.9")]
    [InlineData("%H:%M:%S.%03N", "09:00:07.987")]
    [InlineData("%F %T %%N", "2026-05-03 09:00:07 %N")]
    [InlineData("%b %e %a %j %s", "May  3 Sun 123 1777798807")]
    [InlineData("%N", "987654")]
    public void Formats_strftime_and_pacemakers_fractional_seconds(string format, string expected) =>
        Assert.Equal(expected, AlertTimestampFormat.Format(format, T));
}
