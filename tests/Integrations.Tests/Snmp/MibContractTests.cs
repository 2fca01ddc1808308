using System.Diagnostics;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Pacemaker;
using static HaApi.Integrations.Tests.Snmp.SnmpTestSupport;

namespace HaApi.Integrations.Tests.Snmp;

/// <summary>The OIDs HaApi sends are the ones net-snmp's snmptranslate reads from the MIB files we ship.</summary>
public class MibContractTests
{
    public static TheoryData<string, string> Objects => new()
    {
        { "PACEMAKER-MIB::pacemakerNotificationTrap", PacemakerMib.NotificationTrap.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationNode", PacemakerMib.Node.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationResource", PacemakerMib.Resource.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationOperation", PacemakerMib.Operation.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationDescription", PacemakerMib.Description.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationStatus", PacemakerMib.Status.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationReturnCode", PacemakerMib.ReturnCode.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationTargetReturnCode", PacemakerMib.TargetReturnCode.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationAttributeName", PacemakerMib.AttributeName.ToString() },
        { "PACEMAKER-MIB::pacemakerNotificationAttributeValue", PacemakerMib.AttributeValue.ToString() },
        { "HOST-RESOURCES-MIB::hrSystemDate", PacemakerMib.HrSystemDate.ToString() },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public async Task Shipped_mib_defines_the_oid_we_send(string name, string oid)
    {
        const string binary = "/usr/bin/snmptranslate";
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is missing: install the Debian package 'snmp'.");
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-M", MibDirectory, "-m", "PACEMAKER-MIB:HOST-RESOURCES-MIB", "-On", name }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = (await process.StandardOutput.ReadToEndAsync()).Trim();
        Assert.True(process.WaitForExit(10_000), "snmptranslate hung");
        Assert.True(process.ExitCode == 0, $"snmptranslate {name} failed: {await stderr}");
        Assert.Equal("." + oid, stdout);
    }

    [Fact]
    public void Generated_engine_id_is_an_rfc3411_text_engine_id_under_the_pacemaker_enterprise()
    {
        byte[] id = SnmpLocalEngine.TextEngineId("node-with-a-very-long-host-name-exceeding-27-octets");
        Assert.Equal("80007FD304", Convert.ToHexString(id[..5]));
        Assert.Equal(32, id.Length);
        Assert.Equal("pm01", System.Text.Encoding.ASCII.GetString(SnmpLocalEngine.TextEngineId("pm01")[5..]));
    }

    [Fact]
    public void Engine_boots_grow_across_restarts_without_a_persisted_counter()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var before = new SnmpLocalEngine(SnmpLocalEngine.TextEngineId("pm01"), clock: clock);
        clock.Now = clock.Now.AddSeconds(5);
        var after = new SnmpLocalEngine(SnmpLocalEngine.TextEngineId("pm01"), clock: clock);
        Assert.True(after.Boots > before.Boots);
        Assert.InRange(before.Time, 0, 1);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
