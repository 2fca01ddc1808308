using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Fencing;
using HaApi.Integrations.Tests.Aws;
using static HaApi.Integrations.Tests.Fencing.Devices;

namespace HaApi.Integrations.Tests.Fencing;

/// <summary>
/// Runs with PCMK_service=pacemaker-fenced in our own environment, as under a Pacemaker-managed process, and checks
/// agents never inherit it (fencing.py would then disable its own timeouts). Not parallel: it changes the process
/// environment.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AgentEnvironmentTests
{
    [Fact]
    public async Task Agent_receives_action_nodename_mapped_port_and_device_parameters_but_no_pcmk_keys_or_PCMK_service()
    {
        using var dir = new TempDir();
        dir.Script("fence_recorder", $"cat > {dir.File("stdin")}\nenv > {dir.File("env")}\necho 'Success: Powered OFF'\n");
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var device = Make("rec", "fence_recorder",
            [P("ipaddr", "10.0.0.9"), P("login", "admin"), P("passwd", "s3cr3t-pass"), P("pcmk_host_check", "static-list"),
             P("pcmk_delay_base", "5s"), P("CRM_meta_timeout", "20000"), P("crm_feature_set", "3.10.0"), P("action", "reboot")],
            hostMap: "node2:i-0bbbbbbbbbbbbbbb2");
        using var _ = new EnvironmentVariable("PCMK_service", "pacemaker-fenced");

        var result = await runner.FenceAsync(device, Request("node2", FenceAction.Off), CancellationToken.None);

        Assert.True(result.Success, result.Reason);
        var stdin = File.ReadAllLines(dir.File("stdin"));
        Assert.Equal(["action=off", "nodename=node2", "port=i-0bbbbbbbbbbbbbbb2", "ipaddr=10.0.0.9", "login=admin", "passwd=s3cr3t-pass"], stdin);
        Assert.DoesNotContain(File.ReadAllLines(dir.File("env")), l => l.StartsWith("PCMK_service=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Script_gets_the_down_and_local_node_in_both_naming_conventions_and_exit_0_is_success()
    {
        using var dir = new TempDir();
        var script = dir.Script("stop.sh", $"env | grep -E '^(HAAPI_|CLP_SERVER_|PCMK_service)' | sort > {dir.File("env")}\n");
        using var _ = new EnvironmentVariable("PCMK_service", "pacemaker-fenced");

        var result = await new ForcedStopScriptRunner(new FenceAgentRunnerOptions()).FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", script)]), Request("node2", FenceAction.Off, origin: "node1"), CancellationToken.None);

        Assert.True(result.Success, result.Reason);
        Assert.Equal(["CLP_SERVER_DOWN=node2", "CLP_SERVER_LOCAL=node1", "HAAPI_DOWN_NODE=node2", "HAAPI_FENCE_ACTION=off", "HAAPI_LOCAL_NODE=node1"],
            File.ReadAllLines(dir.File("env")));
    }

}

/// <summary>Sets a process environment variable for the scope of a test and restores the old value.</summary>
internal sealed class EnvironmentVariable : IDisposable
{
    private readonly string _name;
    private readonly string? _old;

    public EnvironmentVariable(string name, string? value)
    {
        _name = name;
        _old = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _old);
}
