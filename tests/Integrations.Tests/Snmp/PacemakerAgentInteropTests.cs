using System.Diagnostics;
using HaApi.Engine.Events;
using HaApi.Integrations.Snmp;
using static HaApi.Integrations.Tests.Snmp.SnmpTestSupport;

using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Snmp;

/// <summary>
/// The same event sent by Pacemaker's own sample agent (alert_snmp.sh.sample, calling net-snmp's snmptrap) and by
/// HaApi's sink must look the same to the real snmptrapd, apart from sysUpTime.
/// </summary>
public class PacemakerAgentInteropTests
{
    private const string SampleAgent = "/usr/share/pacemaker/alerts/alert_snmp.sh.sample";
    private const string SysUpTime = ".1.3.6.1.2.1.1.3.0";

    // 2024-01-15 12:34:56.712345 UTC
    private const long Epoch = 1705322096;
    private const int Usec = 712345;
    private static readonly DateTimeOffset EventTime = DateTimeOffset.FromUnixTimeSeconds(Epoch).AddTicks(Usec * 10);

    public static TheoryData<string, ClusterEvent, Dictionary<string, string>> Cases => new()
    {
        {
            "node lost", new NodeMembershipChanged(EventTime, "pm02", "pm01", 1, Member: false),
            new() { ["CRM_alert_kind"] = "node", ["CRM_alert_node"] = "pm01", ["CRM_alert_desc"] = "lost", ["CRM_alert_nodeid"] = "1" }
        },
        {
            "resource monitor failed",
            new ResourceOperationCompleted(EventTime, "pm01", "pm01", "prmPg", "ocf:heartbeat:pgsql", "monitor", TimeSpan.FromSeconds(10), 7, 0, "Done", null, TimeSpan.FromMilliseconds(40)),
            new()
            {
                ["CRM_alert_kind"] = "resource", ["CRM_alert_node"] = "pm01", ["CRM_alert_rsc"] = "prmPg", ["CRM_alert_task"] = "monitor",
                ["CRM_alert_interval"] = "10000", ["CRM_alert_desc"] = "not running", ["CRM_alert_status"] = "0",
                ["CRM_alert_rc"] = "7", ["CRM_alert_target_rc"] = "0",
            }
        },
        {
            "resource start timed out",
            new ResourceOperationCompleted(EventTime, "pm02", "pm02", "prmVip", "ocf:heartbeat:IPaddr2", "start", TimeSpan.Zero, 1, 0, "TimedOut", null, TimeSpan.FromSeconds(20)),
            new()
            {
                ["CRM_alert_kind"] = "resource", ["CRM_alert_node"] = "pm02", ["CRM_alert_rsc"] = "prmVip", ["CRM_alert_task"] = "start",
                ["CRM_alert_desc"] = "Timed out", ["CRM_alert_status"] = "2", ["CRM_alert_rc"] = "1", ["CRM_alert_target_rc"] = "0",
            }
        },
        {
            "fencing",
            new FencingCompleted(EventTime, "pm01", "pm02", "reboot", null, true, null, TimeSpan.FromSeconds(5)),
            new()
            {
                ["CRM_alert_kind"] = "fencing", ["CRM_alert_node"] = "pm02", ["CRM_alert_task"] = "st_notify_fence",
                ["CRM_alert_desc"] = "Operation reboot of pm02 by pm01 for pacemaker-controld@pm01: OK (ref=(none))", ["CRM_alert_rc"] = "0",
            }
        },
        {
            "attribute",
            new NodeAttributeChanged(EventTime, "pm01", "pm01", "default_ping_set", "100"),
            new()
            {
                ["CRM_alert_kind"] = "attribute", ["CRM_alert_node"] = "pm01", ["CRM_alert_attribute_name"] = "default_ping_set",
                ["CRM_alert_attribute_value"] = "100",
            }
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Sample_agent_and_HaApi_send_the_same_varbinds(string name, ClusterEvent clusterEvent, Dictionary<string, string> alertEnvironment)
    {
        _ = name; // only labels the case in test output
        if (!File.Exists(SampleAgent))
            throw new InvalidOperationException($"{SampleAgent} is missing: install the Debian package 'pacemaker-common'.");
        if (!File.Exists("/usr/bin/snmptrap"))
            throw new InvalidOperationException("/usr/bin/snmptrap is missing: install the Debian package 'snmp'.");
        using var trapd = Snmptrapd.Start();

        RunSampleAgent(trapd, alertEnvironment);
        var fromAgent = Assert.Single(trapd.WaitForTraps(1));

        await using (var sink = new SnmpTrapSink([Alert(trapd.Recipient)], new SnmpTrapSinkOptions { TimeZone = TimeZoneInfo.Utc }))
        {
            sink.Publish(clusterEvent);
            trapd.WaitForTraps(2);
        }
        var fromHaApi = trapd.Traps[1];

        Assert.Equal(12, fromAgent.VarBinds.Count);
        Assert.Equal(WithoutUptime(fromAgent), WithoutUptime(fromHaApi));
        Assert.StartsWith("Timeticks: ", fromHaApi[SysUpTime]);
    }

    private static List<(string, string)> WithoutUptime(ReceivedTrap trap) => trap.VarBinds.Where(v => v.Oid != SysUpTime).ToList();

    private static void RunSampleAgent(Snmptrapd trapd, Dictionary<string, string> alertEnvironment)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SampleAgent);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["HOME"] = trapd.Directory;
        psi.Environment["TZ"] = "UTC";
        psi.Environment["SNMP_PERSISTENT_DIR"] = Path.Combine(trapd.Directory, "agent-persist");
        // Debian ships no SNMPv2-SMI/HOST-RESOURCES-MIB: without the repository's mibs/ the agent's
        // PACEMAKER-MIB::… names do not resolve and snmptrap sends nothing (monitoring-formats.md B.9.1).
        psi.Environment["MIBDIRS"] = "+" + MibDirectory;
        psi.Environment["CRM_alert_version"] = "2.1.5";
        psi.Environment["CRM_alert_recipient"] = trapd.Recipient;
        psi.Environment["CRM_alert_timestamp_epoch"] = Epoch.ToString();
        psi.Environment["CRM_alert_timestamp_usec"] = Usec.ToString("D6");
        foreach (var (k, v) in alertEnvironment) psi.Environment[k] = v;

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("alert_snmp.sh.sample did not finish within 10 s");
        }
        string output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0 && !output.Contains("returned error"), $"alert_snmp.sh.sample failed ({process.ExitCode}): {output}");
    }
}
