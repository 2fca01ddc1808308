using System.Collections.Immutable;
using System.Net;
using HaApi.Engine.Model;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Pacemaker;
using HaApi.Integrations.Snmp.Usm;

using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Snmp;

/// <summary>The wire protocol against net-snmp's real snmptrapd: v2c and v3 (USM authPriv) traps and informs.</summary>
public class SnmpSenderWithSnmptrapdTests
{
    private static readonly TimeSpan InformTimeout = TimeSpan.FromMilliseconds(500);
    private const string EngineIdHex = "80007FD304686161706974657374";

    private static ImmutableArray<VarBind> ResourceTrap() => new PacemakerTrapBuilder(AddHiresTimestamp: false).Build(
        new PacemakerNotification(AlertKinds.Resource, DateTimeOffset.UtcNow, "pm01", "prmPg", "monitor", "not running", 0, 7, 0),
        upTimeTicks: 4242, TimeZoneInfo.Utc);

    private static void AssertResourceTrap(ReceivedTrap trap)
    {
        Assert.Equal("Timeticks: (4242) 0:00:42.42", trap[".1.3.6.1.2.1.1.3.0"]);
        Assert.Equal("OID: .1.3.6.1.4.1.32723.2.1", trap[".1.3.6.1.6.3.1.1.4.1.0"]);
        Assert.Equal("STRING: \"pm01\"", trap[".1.3.6.1.4.1.32723.1.1"]);
        Assert.Equal("STRING: \"prmPg\"", trap[".1.3.6.1.4.1.32723.1.2"]);
        Assert.Equal("STRING: \"monitor\"", trap[".1.3.6.1.4.1.32723.1.3"]);
        Assert.Equal("STRING: \"not running\"", trap[".1.3.6.1.4.1.32723.1.4"]);
        Assert.Equal("INTEGER: 0", trap[".1.3.6.1.4.1.32723.1.5"]);
        Assert.Equal("INTEGER: 7", trap[".1.3.6.1.4.1.32723.1.6"]);
        Assert.Equal("INTEGER: 0", trap[".1.3.6.1.4.1.32723.1.7"]);
        Assert.Equal("STRING: \"n/a\"", trap[".1.3.6.1.4.1.32723.1.8"]);
        Assert.Equal("STRING: \"n/a\"", trap[".1.3.6.1.4.1.32723.1.9"]);
        Assert.Equal(11, trap.VarBinds.Count);
    }

    private static SnmpNotificationSender NewSender() =>
        new(new SnmpLocalEngine(Convert.FromHexString(EngineIdHex)));

    [Fact]
    public async Task V2c_trap_is_printed_by_snmptrapd_with_every_pacemaker_varbind()
    {
        using var trapd = Snmptrapd.Start();
        using var sender = NewSender();

        var result = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V2c("public"), ResourceTrap(),
            inform: false, InformTimeout, 0, CancellationToken.None);

        Assert.Equal(SnmpSendOutcome.Sent, result.Outcome);
        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("TRAP2, SNMP v2c", trap.Header);
        AssertResourceTrap(trap);
    }

    [Fact]
    public async Task V2c_inform_is_acknowledged_by_snmptrapd()
    {
        using var trapd = Snmptrapd.Start();
        using var sender = NewSender();

        var result = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V2c("public"), ResourceTrap(),
            inform: true, InformTimeout, 2, CancellationToken.None);

        Assert.Equal(SnmpSendOutcome.Acknowledged, result.Outcome);
        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("INFORM, SNMP v2c", trap.Header);
        AssertResourceTrap(trap);
    }

    [Theory]
    [InlineData("SHA", SnmpAuthProtocol.HmacSha1)]
    [InlineData("SHA-256", SnmpAuthProtocol.HmacSha256)]
    public async Task V3_authPriv_trap_with_our_engine_id_is_decrypted_by_snmptrapd(string netSnmpAuth, SnmpAuthProtocol auth)
    {
        using var trapd = Snmptrapd.Start([$"createUser -e 0x{EngineIdHex} haapitrap {netSnmpAuth} auth-pass-123 AES priv-pass-456"]);
        using var sender = NewSender();
        var user = new UsmUser("haapitrap", SnmpSecurityLevel.AuthPriv, auth, "auth-pass-123", "priv-pass-456");

        var result = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(),
            inform: false, InformTimeout, 0, CancellationToken.None);

        Assert.Equal(SnmpSendOutcome.Sent, result.Outcome);
        var trap = Assert.Single(trapd.WaitForTraps(1));
        Assert.Contains("TRAP2, SNMP v3, user haapitrap", trap.Header);
        AssertResourceTrap(trap);
    }

    [Theory]
    [InlineData("SHA", SnmpAuthProtocol.HmacSha1)]
    [InlineData("SHA-256", SnmpAuthProtocol.HmacSha256)]
    public async Task V3_authPriv_inform_discovers_the_receiver_engine_and_is_acknowledged(string netSnmpAuth, SnmpAuthProtocol auth)
    {
        using var trapd = Snmptrapd.Start([$"createUser haapiinform {netSnmpAuth} auth-pass-123 AES priv-pass-456"]);
        using var sender = NewSender();
        var user = new UsmUser("haapiinform", SnmpSecurityLevel.AuthPriv, auth, "auth-pass-123", "priv-pass-456");

        var first = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(),
            inform: true, InformTimeout, 2, CancellationToken.None);
        var second = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(),
            inform: true, InformTimeout, 2, CancellationToken.None);

        Assert.Equal(SnmpSendOutcome.Acknowledged, first.Outcome);
        Assert.Equal(SnmpSendOutcome.Acknowledged, second.Outcome);
        var traps = trapd.WaitForTraps(2);
        Assert.All(traps, t => Assert.Contains("INFORM, SNMP v3, user haapiinform", t.Header));
        Assert.All(traps, AssertResourceTrap);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task V3_inform_resynchronises_when_the_receiver_restarted(bool keepsPersistentState)
    {
        string persist = Directory.CreateTempSubdirectory("haapi-snmptrapd-persist-").FullName;
        try
        {
            string[] users = ["createUser haapiinform SHA auth-pass-123 AES priv-pass-456"];
            using var sender = NewSender();
            var user = new UsmUser("haapiinform", SnmpSecurityLevel.AuthPriv, SnmpAuthProtocol.HmacSha1, "auth-pass-123", "priv-pass-456");
            int port;
            using (var before = Snmptrapd.Start(users, persistentDirectory: persist))
            {
                port = before.Port;
                var first = await sender.SendAsync(before.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(), true, InformTimeout, 2, CancellationToken.None);
                Assert.Equal(SnmpSendOutcome.Acknowledged, first.Outcome);
                before.StopGracefully();
            }
            if (!keepsPersistentState)
            {
                Directory.Delete(persist, recursive: true);
                Directory.CreateDirectory(persist);
            }

            // The restarted receiver has a new engine boots (and, without its persistent state, maybe a new engine
            // id); the sender's cached view is stale and the receiver must say so with a Report.
            using var after = Snmptrapd.Start(users, port: port, persistentDirectory: persist);
            var second = await sender.SendAsync(after.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(), true, InformTimeout, 2, CancellationToken.None);

            Assert.Equal(SnmpSendOutcome.Acknowledged, second.Outcome);
            // Same engine id, higher boots: Report usmStatsNotInTimeWindows (authenticated, carrying the new boots
            // and time), then the resend. New engine id: Report usmStatsUnknownEngineIDs, discovery, resend.
            Assert.Equal(keepsPersistentState ? 2 : 3, second.Attempts);
            AssertResourceTrap(Assert.Single(after.WaitForTraps(1)));
        }
        finally
        {
            Directory.Delete(persist, recursive: true);
        }
    }

    [Fact]
    public async Task V3_inform_with_a_wrong_passphrase_is_rejected_with_the_receivers_reason()
    {
        using var trapd = Snmptrapd.Start(["createUser haapiinform SHA auth-pass-123 AES priv-pass-456"]);
        using var sender = NewSender();
        var user = new UsmUser("haapiinform", SnmpSecurityLevel.AuthPriv, SnmpAuthProtocol.HmacSha1, "not-the-pass", "priv-pass-456");

        var result = await sender.SendAsync(trapd.EndPoint, new SnmpSecurity.V3(user), ResourceTrap(),
            inform: true, InformTimeout, 1, CancellationToken.None);

        Assert.Equal(SnmpSendOutcome.Rejected, result.Outcome);
        Assert.Contains("usmStatsWrongDigests", result.Detail);
        Assert.DoesNotContain("not-the-pass", result.ToString());
        Assert.Empty(trapd.Traps);
    }

    [Fact]
    public async Task Inform_to_a_port_nobody_listens_on_ends_within_its_bound()
    {
        using var sender = NewSender();
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = await sender.SendAsync(new IPEndPoint(IPAddress.Loopback, port), new SnmpSecurity.V2c("public"),
            ResourceTrap(), inform: true, TimeSpan.FromMilliseconds(200), 2, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Outcome, new[] { SnmpSendOutcome.Refused, SnmpSendOutcome.TimedOut });
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
    }
}
