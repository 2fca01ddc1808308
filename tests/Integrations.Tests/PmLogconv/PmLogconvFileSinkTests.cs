using HaApi.Engine.Events;
using HaApi.Integrations.PmLogconv;

namespace HaApi.Integrations.Tests.PmLogconv;

public sealed class PmLogconvFileSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haapi-pmlogconv-").FullName;
    private static readonly DateTimeOffset T = new(2026, 4, 24, 6, 26, 50, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PmLogconvOptions Options(string file) => new() { HostName = "pm02", TimeZone = TimeZoneInfo.Utc, OutputPath = Path.Combine(_dir, file) };

    [Fact]
    public async Task Lines_are_appended_to_the_file_in_event_order()
    {
        var options = Options("pm_logconv.out");
        await File.WriteAllTextAsync(options.OutputPath, "existing line\n");
        var sink = new PmLogconvFileSink(options);
        sink.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        sink.Publish(new QuorumChanged(T, "pm02", true)); // not a pm_logconv message
        sink.Publish(new NodeMembershipChanged(T.AddSeconds(5), "pm02", "pm01", 1, Member: true));
        await sink.DisposeAsync();

        Assert.Equal(
            "existing line\n" +
            "Apr 24 06:26:50 pm02 warning: Node pm01 is lost\n" +
            "Apr 24 06:26:55 pm02    info: Node pm01 is member\n",
            await File.ReadAllTextAsync(options.OutputPath));
        Assert.Equal(2, sink.LinesWritten);
    }

    [Fact]
    public async Task A_rotated_file_is_recreated_on_the_next_write()
    {
        var options = Options("rotated.out");
        var sink = new PmLogconvFileSink(options);
        sink.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        await WaitFor(() => sink.LinesWritten == 1);
        File.Move(options.OutputPath, options.OutputPath + ".1");
        sink.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: true));
        await sink.DisposeAsync();

        Assert.Equal("Apr 24 06:26:50 pm02    info: Node pm01 is member\n", await File.ReadAllTextAsync(options.OutputPath));
        Assert.Equal("Apr 24 06:26:50 pm02 warning: Node pm01 is lost\n", await File.ReadAllTextAsync(options.OutputPath + ".1"));
    }

    [Fact]
    public async Task An_unwritable_path_is_counted_and_reported_without_throwing_from_publish()
    {
        var options = Options("missing-dir/pm_logconv.out");
        var sink = new PmLogconvFileSink(options);
        sink.Publish(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false));
        await sink.DisposeAsync();

        Assert.Equal(1, sink.WriteFailures);
        Assert.Contains(options.OutputPath, sink.LastError);
    }

    [Fact]
    public async Task A_burst_beyond_the_queue_is_accounted_for_and_keeps_the_newest_events()
    {
        // Every event is either written or counted as dropped; drop-oldest means the last one always survives.
        var options = Options("q.out") with { QueueCapacity = 4 };
        var sink = new PmLogconvFileSink(options);
        for (var i = 0; i < 1000; i++) sink.Publish(new NodeMembershipChanged(T, "pm02", $"n{i}", 1, Member: true));
        await sink.DisposeAsync();

        Assert.Equal(1000, sink.Dropped + sink.LinesWritten);
        var lines = await File.ReadAllLinesAsync(options.OutputPath);
        Assert.EndsWith("Node n999 is member", lines[^1]);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 5 s");
            await Task.Delay(10);
        }
    }
}
