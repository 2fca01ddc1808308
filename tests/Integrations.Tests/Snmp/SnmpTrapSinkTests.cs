using System.Net;
using System.Net.Sockets;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Integrations.Snmp;
using static HaApi.Integrations.Tests.Snmp.SnmpTestSupport;

using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Snmp;

/// <summary>The sink end to end: engine events in, traps printed by the real snmptrapd out.</summary>
public class SnmpTrapSinkTests
{
    private static readonly DateTimeOffset EventTime = new(2024, 1, 15, 12, 34, 56, 700, TimeSpan.Zero);
    private const string EngineIdHex = "80007FD30468616170692D73696E6B";
    private static readonly SnmpTrapSinkOptions Options = new()
    {
        TimeZone = TimeZoneInfo.Utc,
        LocalEngineId = Convert.FromHexString(EngineIdHex),
    };

    private static ResourceOperationCompleted Monitor(int rc) =>
        new(EventTime, "pm01", "pm01", "prmPg", "ocf:heartbeat:pgsql", "monitor", TimeSpan.FromSeconds(10), rc, 0, "Done", null, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Node_lost_event_arrives_as_a_v2c_trap_with_placeholders_and_hrSystemDate()
    {
        using var trapd = Snmptrapd.Start();
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient)], Options);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm02", "pm01", 1, Member: false));

        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("TRAP2, SNMP v2c, community public", trap.Header);
        Assert.Equal([
            ".1.3.6.1.2.1.1.3.0",
            ".1.3.6.1.6.3.1.1.4.1.0",
            ".1.3.6.1.4.1.32723.1.1", ".1.3.6.1.4.1.32723.1.2", ".1.3.6.1.4.1.32723.1.3", ".1.3.6.1.4.1.32723.1.4",
            ".1.3.6.1.4.1.32723.1.5", ".1.3.6.1.4.1.32723.1.6", ".1.3.6.1.4.1.32723.1.7", ".1.3.6.1.4.1.32723.1.8",
            ".1.3.6.1.4.1.32723.1.9", ".1.3.6.1.2.1.25.1.2",
        ], trap.VarBinds.Select(v => v.Oid));
        Assert.Equal("OID: .1.3.6.1.4.1.32723.2.1", trap[".1.3.6.1.6.3.1.1.4.1.0"]);
        Assert.Equal("STRING: \"pm01\"", trap[".1.3.6.1.4.1.32723.1.1"]);
        Assert.Equal("STRING: \"lost\"", trap[".1.3.6.1.4.1.32723.1.4"]);
        Assert.Equal("STRING: \"n/a\"", trap[".1.3.6.1.4.1.32723.1.2"]);
        Assert.Equal("INTEGER: 2147483647", trap[".1.3.6.1.4.1.32723.1.6"]);
        Assert.Equal("Hex-STRING: 07 E8 01 0F 0C 22 38 07", trap[".1.3.6.1.2.1.25.1.2"]);
        SnmpTestSupport.WaitUntil(() => sink.TrapsSent == 1, "TrapsSent == 1");
    }

    [Fact]
    public async Task Successful_monitor_is_filtered_and_a_failed_one_is_sent_as_an_acknowledged_inform()
    {
        using var trapd = Snmptrapd.Start();
        await using var sink = new SnmpTrapSink(
            [Alert(trapd.Recipient, new Dictionary<string, string> { ["trap_inform"] = "true", ["trap_add_hires_timestamp_oid"] = "false" })],
            Options);

        sink.Publish(Monitor(rc: 0));
        sink.Publish(Monitor(rc: 7));

        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("INFORM, SNMP v2c", trap.Header);
        Assert.Equal("STRING: \"not running\"", trap[".1.3.6.1.4.1.32723.1.4"]);
        Assert.Equal("INTEGER: 7", trap[".1.3.6.1.4.1.32723.1.6"]);
        Assert.Null(trap[".1.3.6.1.2.1.25.1.2"]);
        SnmpTestSupport.WaitUntil(() => sink.InformsAcknowledged == 1, "InformsAcknowledged == 1");
        Assert.Single(trapd.Traps);
    }

    [Fact]
    public async Task V3_authPriv_sha_aes_trap_and_sha256_aes_inform_reach_snmptrapd()
    {
        using var trapd = Snmptrapd.Start([
            $"createUser -e 0x{EngineIdHex} trapper SHA auth-pass-123 AES priv-pass-456",
            "createUser informer SHA-256 auth-pass-789 AES priv-pass-012",
        ]);
        var v3Trap = new Dictionary<string, string>
        {
            ["trap_version"] = "3", ["trap_v3_user"] = "trapper", ["trap_v3_auth_protocol"] = "SHA",
            ["trap_v3_auth_passphrase"] = "auth-pass-123", ["trap_v3_priv_protocol"] = "AES", ["trap_v3_priv_passphrase"] = "priv-pass-456",
        };
        var v3Inform = new Dictionary<string, string>
        {
            ["trap_version"] = "3", ["trap_inform"] = "true", ["trap_v3_user"] = "informer", ["trap_v3_auth_protocol"] = "SHA-256",
            ["trap_v3_auth_passphrase"] = "auth-pass-789", ["trap_v3_priv_passphrase"] = "priv-pass-012",
        };
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient, v3Trap, id: "t"), Alert(trapd.Recipient, v3Inform, id: "i")], Options);
        Assert.Equal(EngineIdHex, sink.LocalEngineIdHex);

        sink.Publish(new NodeAttributeChanged(EventTime, "pm01", "pm02", "default_ping_set", "100"));

        var traps = trapd.WaitForTraps(2);
        Assert.Single(traps, t => t.Header.Contains("TRAP2, SNMP v3, user trapper"));
        Assert.Single(traps, t => t.Header.Contains("INFORM, SNMP v3, user informer"));
        Assert.All(traps, t =>
        {
            Assert.Equal("STRING: \"pm02\"", t[".1.3.6.1.4.1.32723.1.1"]);
            Assert.Equal("STRING: \"default_ping_set\"", t[".1.3.6.1.4.1.32723.1.8"]);
            Assert.Equal("STRING: \"100\"", t[".1.3.6.1.4.1.32723.1.9"]);
        });
        SnmpTestSupport.WaitUntil(() => sink.TrapsSent == 1 && sink.InformsAcknowledged == 1, "one trap and one acknowledged inform");
        Assert.Equal(0, sink.NotificationsFailed);
    }

    [Fact]
    public async Task V3_authNoPriv_trap_reaches_an_ipv6_receiver()
    {
        using var trapd = Snmptrapd.Start([$"createUser -e 0x{EngineIdHex} signer SHA-256 auth-pass-123"], ipv6: true);
        Assert.StartsWith("[::1]:", trapd.Recipient);
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient, new Dictionary<string, string>
        {
            ["trap_version"] = "3", ["trap_v3_user"] = "signer", ["trap_v3_security_level"] = "authNoPriv",
            ["trap_v3_auth_protocol"] = "SHA-256", ["trap_v3_auth_passphrase"] = "auth-pass-123",
        })], Options);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm03", 3, true));

        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("TRAP2, SNMP v3, user signer", trap.Header);
        Assert.Contains("[::1]", trap.Header);
        Assert.Equal("STRING: \"pm03\"", trap[".1.3.6.1.4.1.32723.1.1"]);
    }

    [Fact]
    public async Task Receiver_with_the_shipped_mibs_prints_pacemaker_names_and_the_date()
    {
        using var trapd = Snmptrapd.Start(mibDirectory: MibDirectory);
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient)], Options);

        sink.Publish(new FencingCompleted(EventTime, "pm01", "pm02", "reboot", null, true, null, TimeSpan.FromSeconds(2)));

        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Equal("OID: PACEMAKER-MIB::pacemakerNotificationTrap", trap.VarBinds[1].Value);
        Assert.Equal("STRING: \"pm02\"", trap["PACEMAKER-MIB::pacemakerNotificationNode"]);
        Assert.Equal("STRING: \"st_notify_fence\"", trap["PACEMAKER-MIB::pacemakerNotificationOperation"]);
        Assert.Equal("STRING: \"Operation reboot of pm02 by pm01 for pacemaker-controld@pm01: OK (ref=(none))\"",
            trap["PACEMAKER-MIB::pacemakerNotificationDescription"]);
        Assert.Equal("INTEGER: 0", trap["PACEMAKER-MIB::pacemakerNotificationReturnCode"]);
        Assert.Equal("STRING: 2024-1-15,12:34:56.7", trap["HOST-RESOURCES-MIB::hrSystemDate"]);
    }

    [Fact]
    public async Task Unresolvable_receiver_is_counted_every_time_and_logged_once_per_interval()
    {
        var log = new ListLogger<SnmpTrapSink>();
        var options = Options with
        {
            // The system resolver would ask the network's DNS server; tests only talk to loopback.
            Resolve = (host, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
            LogInterval = TimeSpan.FromHours(1),
        };
        await using var sink = new SnmpTrapSink(
            [Alert("trap-receiver.invalid:162", new Dictionary<string, string> { ["trap_community"] = "s3cr3t-community" })],
            options, log);

        for (int i = 0; i < 3; i++) sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, true));

        SnmpTestSupport.WaitUntil(() => sink.ResolutionFailures == 3, "three resolution failures");
        Assert.Equal(3, sink.NotificationsFailed);
        Assert.Equal(0, sink.TrapsSent);
        var only = Assert.Single(log.Entries, e => e.Id.Id == (int)SnmpSinkEventId.ReceiverUnresolvable);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, only.Level);
        Assert.Contains("trap-receiver.invalid", only.Message);
        Assert.Contains("HostNotFound", only.Message);
        Assert.All(log.Entries, e => Assert.DoesNotContain("s3cr3t", e.Message));
    }

    [Fact]
    public async Task System_resolver_resolves_localhost_from_the_hosts_file()
    {
        using var trapd = Snmptrapd.Start();
        await using var sink = new SnmpTrapSink([Alert($"localhost:{trapd.Port}")], Options);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, true));

        Assert.Equal("STRING: \"member\"", Assert.Single(trapd.WaitForTraps(1))[".1.3.6.1.4.1.32723.1.4"]);
    }

    [Fact]
    public async Task Unreachable_inform_receiver_is_counted_and_logged_once_without_secrets()
    {
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var log = new ListLogger<SnmpTrapSink>();
        await using var sink = new SnmpTrapSink(
            [Alert($"127.0.0.1:{port}", new Dictionary<string, string>
            {
                ["trap_inform"] = "true", ["trap_inform_timeout_ms"] = "100", ["trap_inform_retries"] = "1",
                ["trap_community"] = "s3cr3t-community",
            })],
            Options with { LogInterval = TimeSpan.FromHours(1) }, log);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, false));
        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm03", 3, false));

        SnmpTestSupport.WaitUntil(() => sink.NotificationsFailed == 2, "two failed informs");
        var unreachable = Assert.Single(log.Entries, e => e.Id.Id == (int)SnmpSinkEventId.ReceiverUnreachable);
        Assert.Contains($"127.0.0.1:{port}", unreachable.Message);
        Assert.All(log.Entries, e => Assert.DoesNotContain("s3cr3t", e.Message));
    }

    [Fact]
    public async Task Publish_never_blocks_and_drops_when_the_event_queue_is_full()
    {
        using var dispatcherBusy = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var options = Options with
        {
            QueueCapacity = 1,
            // sysUpTime is read by the dispatcher for each event: holding it here keeps the queue full deterministically.
            UpTime = () => { dispatcherBusy.Set(); release.Wait(TimeSpan.FromSeconds(10)); return 0; },
        };
        var log = new ListLogger<SnmpTrapSink>();
        await using var sink = new SnmpTrapSink([Alert("127.0.0.1:9")], options, log);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, false));
        Assert.True(dispatcherBusy.Wait(TimeSpan.FromSeconds(5)));
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 100; i++) sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, false));
        var elapsed = started.Elapsed;
        release.Set();

        Assert.Equal(101, sink.EventsPublished);
        Assert.Equal(99, sink.EventsDropped);
        Assert.Single(log.Entries, e => e.Id.Id == (int)SnmpSinkEventId.EventQueueFull);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(500), $"100 Publish calls took {elapsed}");
    }

    [Fact]
    public async Task A_failure_while_mapping_one_event_is_logged_and_later_events_still_go_out()
    {
        using var trapd = Snmptrapd.Start();
        int calls = 0;
        var log = new ListLogger<SnmpTrapSink>();
        var options = Options with
        {
            UpTime = () => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : 100u,
        };
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient)], options, log);

        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, false));
        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm03", 3, false));

        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Equal("STRING: \"pm03\"", trap[".1.3.6.1.4.1.32723.1.1"]);
        var error = Assert.Single(log.Entries, e => e.Id.Id == (int)SnmpSinkEventId.MappingFailed);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, error.Level);
        Assert.Contains(nameof(NodeMembershipChanged), error.Message);
        Assert.Equal(1, sink.NotificationsFailed);
    }

    [Fact]
    public async Task Invalid_configuration_is_refused_and_the_previous_one_stays()
    {
        using var trapd = Snmptrapd.Start();
        await using var sink = new SnmpTrapSink([Alert(trapd.Recipient)], Options);

        Assert.Throws<SnmpConfigurationException>(() => sink.Configure([Alert("x", new Dictionary<string, string> { ["trap_version"] = "1" })]));
        sink.Publish(new NodeMembershipChanged(EventTime, "pm01", "pm02", 2, true));

        Assert.Single(trapd.WaitForTraps(1));
        Assert.Equal(trapd.Recipient, Assert.Single(sink.Recipients).Endpoint.ToString());
    }
}
