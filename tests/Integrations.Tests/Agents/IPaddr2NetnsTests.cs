using System.Diagnostics;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

/// <summary>
/// The real ocf:heartbeat:IPaddr2 managing an address inside a network namespace this test creates (both ends of
/// its veth pair live in the namespace, so no packet ever reaches the host's interfaces).
/// </summary>
public sealed class IPaddr2NetnsTests : IDisposable
{
    private const string IPaddr2 = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private string Namespace => "haapi-ip-" + _suffix;
    private string Nic => "hv" + _suffix + "n"; // interface names are at most 15 characters
    private bool _created;

    private static string Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/sbin/ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(10_000)) { p.Kill(); throw new TimeoutException("ip " + string.Join(' ', args)); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout;
    }

    private void CreateNamespace()
    {
        AgentTestBed.RequireFile("/usr/sbin/ip", "iproute2");
        AgentTestBed.RequireFile(IPaddr2, "resource-agents");
        if (Environment.UserName != "root") Assert.Fail("this test needs root to create a network namespace");
        Ip("netns", "add", Namespace);
        _created = true;
        Ip("-n", Namespace, "link", "add", Nic, "type", "veth", "peer", "name", "hv" + _suffix + "p");
        Ip("-n", Namespace, "link", "set", "lo", "up");
        Ip("-n", Namespace, "addr", "add", "10.97.0.1/24", "dev", Nic);
        Ip("-n", Namespace, "link", "set", Nic, "up");
        Ip("-n", Namespace, "link", "set", "hv" + _suffix + "p", "up");
    }

    [Fact]
    public async Task IPaddr2_adds_monitors_and_removes_a_virtual_ip_in_a_private_namespace()
    {
        CreateNamespace();
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var vip = AgentTestBed.Primitive("vip", ResourceClass.Ocf, "heartbeat", "IPaddr2",
            [new("ip", "10.97.0.100"), new("cidr_netmask", "24"), new("nic", Nic), new("network_namespace", Namespace), new("arp_count", "1")]);
        var tenSeconds = TimeSpan.FromSeconds(10);

        var probe = await runner.ExecuteAsync(AgentTestBed.Request(vip, "monitor"), default);
        Assert.Equal(7, probe.ExitCode);

        var start = await runner.ExecuteAsync(AgentTestBed.Request(vip, "start"), default);
        Assert.True(start.ExitCode == 0, $"start rc {start.ExitCode}: {start.ExitReason}\n{start.ErrorOutput}");
        Assert.Contains("10.97.0.100/24", Ip("-n", Namespace, "-o", "-f", "inet", "addr", "show", "dev", Nic));
        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(vip, "monitor", tenSeconds), default)).ExitCode);

        Assert.Equal(0, (await runner.ExecuteAsync(AgentTestBed.Request(vip, "stop"), default)).ExitCode);
        Assert.DoesNotContain("10.97.0.100", Ip("-n", Namespace, "-o", "-f", "inet", "addr", "show", "dev", Nic));
        var after = await runner.ExecuteAsync(AgentTestBed.Request(vip, "monitor", tenSeconds), default);
        Assert.Equal(7, after.ExitCode);
        Assert.Equal(FailureSeverity.Soft, ResultPolicy.Assess("monitor", tenSeconds, null, after, false).Severity);
    }

    [Fact]
    public async Task IPaddr2_without_an_ip_is_not_configured_with_the_agents_reason()
    {
        AgentTestBed.RequireFile(IPaddr2, "resource-agents");
        using var bed = new AgentTestBed();
        var runner = new OcfAgentRunner(bed.Options);
        var vip = AgentTestBed.Primitive("vip", ResourceClass.Ocf, "heartbeat", "IPaddr2", [new("cidr_netmask", "24")]);

        var result = await runner.ExecuteAsync(AgentTestBed.Request(vip, "start"), default);

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("IP address (the ip parameter) is mandatory", result.ExitReason);
        Assert.Equal(FailureSeverity.Fatal, ResultPolicy.Assess("start", TimeSpan.Zero, null, result, false).Severity);
    }

    public void Dispose()
    {
        // Deleting the namespace also deletes both ends of the veth pair inside it.
        if (_created) Ip("netns", "del", Namespace);
    }
}
