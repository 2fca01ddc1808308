using System.Net.Sockets;
using System.Text;
using HaApi.Engine.Events;
using HaApi.Integrations.PmLogconv;

namespace HaApi.Integrations.Tests.PmLogconv;

public sealed class PmLogconvSyslogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haapi-pmsyslog-").FullName;
    private static readonly DateTimeOffset T = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task With_a_facility_each_line_also_goes_to_the_syslog_socket_with_the_level_as_priority()
    {
        var socketPath = Path.Combine(_dir, "log.sock");
        using var receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        receiver.Bind(new UnixDomainSocketEndPoint(socketPath));
        var options = new PmLogconvOptions
        {
            HostName = "pm01", TimeZone = TimeZoneInfo.Utc, OutputPath = Path.Combine(_dir, "out"),
            SyslogFacility = "local2", SyslogSocketPath = socketPath,
        };
        var sink = new PmLogconvFileSink(options);
        sink.Publish(new NodeMembershipChanged(T, "pm01", "pm02", 2, Member: false));
        sink.Publish(new DcChanged(T, "pm01", "pm01"));
        await sink.DisposeAsync();

        var received = new List<string>();
        var buffer = new byte[2048];
        receiver.ReceiveTimeout = 5000;
        for (var i = 0; i < 2; i++) received.Add(Encoding.UTF8.GetString(buffer, 0, receiver.Receive(buffer)));

        // local2 = 18: 18 * 8 + warning (4) = 148, + info (6) = 150.
        Assert.Matches(@"^<148>[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} pm_logconv: warning: Node pm02 is lost$", received[0]);
        Assert.Matches(@"^<150>[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} pm_logconv:    info: Set DC node to pm01\.$", received[1]);
        Assert.Equal(2, (await File.ReadAllLinesAsync(options.OutputPath)).Length);
    }

    [Fact]
    public async Task A_missing_syslog_socket_is_counted_and_the_file_is_still_written()
    {
        var options = new PmLogconvOptions
        {
            HostName = "pm01", TimeZone = TimeZoneInfo.Utc, OutputPath = Path.Combine(_dir, "out"),
            SyslogFacility = "daemon", SyslogSocketPath = Path.Combine(_dir, "no-such.sock"),
        };
        var sink = new PmLogconvFileSink(options);
        sink.Publish(new NodeMembershipChanged(T, "pm01", "pm02", 2, Member: true));
        await sink.DisposeAsync();

        Assert.Equal(1, sink.SyslogFailures);
        Assert.Equal(["Jun 10 10:00:00 pm01    info: Node pm02 is member"], await File.ReadAllLinesAsync(options.OutputPath));
    }

    [Fact]
    public void An_unknown_facility_is_rejected_with_the_valid_names()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PmLogconvSyslog("local9"));
        Assert.Contains("local7", ex.Message);
    }
}
