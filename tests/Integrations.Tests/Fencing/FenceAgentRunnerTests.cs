using System.Diagnostics;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Fencing;
using static HaApi.Integrations.Tests.Fencing.Devices;

namespace HaApi.Integrations.Tests.Fencing;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FenceAgentRunnerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string FenceDummy = "/usr/sbin/fence_dummy";
    private static readonly FenceAgentRunner SystemAgents = new(new FenceAgentRunnerOptions());

    [Fact]
    public async Task Fence_dummy_powers_off_and_on_and_reports_status_through_the_stdin_protocol()
    {
        Require.Tool(FenceDummy, "fence-agents");
        using var dir = new TempDir();
        var device = Make("dummy", "fence_dummy", [P("status_file", dir.File("power")), P("pcmk_host_list", "node2"), P("pcmk_delay_max", "0")]);

        var status = await SystemAgents.FenceAsync(device, Request("node2", FenceAction.Status), CancellationToken.None);
        Assert.True(status.Success);
        Assert.Equal(2, status.ExitCode); // no status file yet: off

        var on = await SystemAgents.FenceAsync(device, Request("node2", FenceAction.On), CancellationToken.None);
        Assert.True(on.Success, on.Reason);
        Assert.Equal("Success: Powered ON", on.Reason);
        Assert.Equal("on", File.ReadAllText(dir.File("power")).Trim());
        Assert.Equal(0, (await SystemAgents.FenceAsync(device, Request("node2", FenceAction.Status), CancellationToken.None)).ExitCode);

        var off = await SystemAgents.FenceAsync(device, Request("node2", FenceAction.Off), CancellationToken.None);
        Assert.True(off.Success, off.Reason);
        Assert.Equal("Success: Powered OFF", off.Reason);
        Assert.Equal("off", File.ReadAllText(dir.File("power")).Trim());
        output.WriteLine($"fence_dummy off: {off.Duration.TotalMilliseconds:0}ms");

        var again = await SystemAgents.FenceAsync(device, Request("node2", FenceAction.Off), CancellationToken.None);
        Assert.Equal("Success: Already OFF", again.Reason);
    }

    [Fact]
    public async Task Fence_dummy_failure_maps_to_an_unsuccessful_result_with_the_agents_reason()
    {
        Require.Tool(FenceDummy, "fence-agents");
        using var dir = new TempDir();
        var device = Make("dummy", "fence_dummy", [P("status_file", dir.File("power"))]);

        var list = await SystemAgents.FenceAsync(device, Request("node2", FenceAction.List), CancellationToken.None);

        Assert.False(list.Success);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("Failed: Unrecognised action 'list'", list.Reason);
    }

    [Fact]
    public async Task Host_argument_and_action_overrides_follow_pcmk_host_argument_and_pcmk_action_action()
    {
        using var dir = new TempDir();
        dir.Script("fence_recorder", $"cat > {dir.File("stdin")}\n");
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });

        await runner.FenceAsync(Make("rec", "fence_recorder", [P("pcmk_host_argument", "plug"), P("pcmk_reboot_action", "off")]),
            Request("node3", FenceAction.Reboot), CancellationToken.None);
        Assert.Equal(["action=off", "nodename=node3", "plug=node3"], File.ReadAllLines(dir.File("stdin")));

        await runner.FenceAsync(Make("rec", "fence_recorder", [P("pcmk_host_argument", "none")]), Request("node3", FenceAction.Off), CancellationToken.None);
        Assert.Equal(["action=off", "nodename=node3"], File.ReadAllLines(dir.File("stdin")));

        await runner.FenceAsync(Make("rec", "fence_recorder", [P("port", "fixed-plug")]), Request("node3", FenceAction.Off), CancellationToken.None);
        Assert.Equal(["action=off", "nodename=node3", "port=fixed-plug"], File.ReadAllLines(dir.File("stdin")));

        await runner.FenceAsync(Make("rec", "fence_recorder", []), Request("node3", FenceAction.List), CancellationToken.None);
        Assert.Equal(["action=list"], File.ReadAllLines(dir.File("stdin")));
    }

    [Fact]
    public async Task Secrets_the_agent_echoes_never_reach_the_result()
    {
        using var dir = new TempDir();
        dir.Script("fence_echo", "while read -r l; do echo \"Parse error: Ignoring unknown option '$l'\" >&2; echo \"$l\"; done\nexit 1\n");
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var device = Make("echo", "fence_echo", [P("login", "admin"), P("secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")]);

        var result = await runner.FenceAsync(device, Request("node2", FenceAction.Off), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("secret_key=***", result.Reason);
        Assert.DoesNotContain("wJalrXUtnFEMI", result.Reason + result.Output);
        Assert.Contains("login=admin", result.Output);
    }

    [Fact]
    public async Task A_hanging_agent_and_its_children_are_killed_at_the_timeout()
    {
        using var dir = new TempDir();
        dir.Script("fence_hang", $"sleep 60 &\necho $! > {dir.File("child")}\nsleep 60\n");
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var clock = Stopwatch.StartNew();

        var result = await runner.FenceAsync(Make("hang", "fence_hang", []), Request("node2", FenceAction.Off, timeoutSeconds: 0.5), CancellationToken.None);

        Assert.False(result.Success);
        Assert.True(result.TimedOut);
        Assert.Contains("timed out after 500ms, agent killed", result.Reason);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 3);
        var child = int.Parse(File.ReadAllText(dir.File("child")).Trim());
        // The background child was in the agent's process group: it must be gone (or a zombie awaiting init).
        await WaitGone(child);
    }

    [Fact]
    public async Task Missing_agent_and_newline_in_a_parameter_fail_with_specific_reasons()
    {
        using var dir = new TempDir();
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var missing = await runner.FenceAsync(Make("x", "fence_nothere", []), Request("node2", FenceAction.Off), CancellationToken.None);
        Assert.Contains("fence-agents", missing.Reason);
        var traversal = await runner.FenceAsync(Make("x", "../bin/sh", []), Request("node2", FenceAction.Off), CancellationToken.None);
        Assert.Contains("not a plain file name", traversal.Reason);

        dir.Script("fence_ok", "cat >/dev/null\n");
        var newline = await runner.FenceAsync(Make("x", "fence_ok", [P("login", "a\nb")]), Request("node2", FenceAction.Off), CancellationToken.None);
        Assert.False(newline.Success);
        Assert.Contains("'login' contains a line break", newline.Reason);
    }

    [Fact]
    public async Task Fencer_with_the_real_agent_runner_falls_back_to_a_working_fence_dummy_level()
    {
        Require.Tool(FenceDummy, "fence-agents");
        using var dir = new TempDir();
        dir.Script("fence_broken", "cat >/dev/null\necho 'ERROR: Failed: Unable to connect/login to fencing device' >&2\nexit 1\n");
        File.Copy(FenceDummy, dir.File("fence_dummy"));
        File.SetUnixFileMode(dir.File("fence_dummy"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var config = ClusterConfig.Empty with
        {
            FenceDevices = [Make("ipmi", "fence_broken", []), Make("dummy", "fence_dummy", [P("status_file", dir.File("power"))])],
            FencingLevels = [new FencingLevel("node2", 1, ["ipmi"]), new FencingLevel("node2", 2, ["dummy"])],
        };
        var fencer = new Fencer([runner], new FencerOptions("node1"), TimeProvider.System, new Random(1), new FencingHistory());

        var outcome = await fencer.FenceAsync(config, "node2", FenceAction.Reboot, "node1", CancellationToken.None);

        Assert.True(outcome.Success, outcome.Reason);
        Assert.Equal(2, outcome.SucceededLevel);
        Assert.Contains("Unable to connect/login", outcome.Attempts[0].Reason);
        Assert.Equal("on", File.ReadAllText(dir.File("power")).Trim()); // reboot leaves it powered on
    }

    [Fact]
    public async Task Fencer_kills_a_hanging_agent_at_the_device_timeout_and_fences_with_the_next_level()
    {
        using var dir = new TempDir();
        // Level 1 takes its arguments like a real agent, then hangs with a child in its process group.
        dir.Script("fence_hang", $"cat > {dir.File("hang.stdin")}\nsleep 60 &\necho $! > {dir.File("child")}\nsleep 60\n");
        // Level 2 checks what it was sent the way fencing.py would, and powers the target off.
        dir.Script("fence_ok", $$"""
            cat > {{dir.File("ok.stdin")}}
            grep -qx 'action=off' {{dir.File("ok.stdin")}} || { echo 'Failed: Unrecognised action' >&2; exit 1; }
            echo 'Success: Powered OFF'
            """);
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path });
        var config = ClusterConfig.Empty with
        {
            FenceDevices =
            [
                Make("ipmi", "fence_hang", [P("ipaddr", "10.0.0.12")], hostMap: "node2:bmc-2") with { Timeout = TimeSpan.FromMilliseconds(500), Retries = 3 },
                Make("pdu", "fence_ok", [P("ipaddr", "10.0.0.50")], hostMap: "node2:7"),
            ],
            FencingLevels = [new FencingLevel("node2", 1, ["ipmi"]), new FencingLevel("node2", 2, ["pdu"])],
        };
        var fencer = new Fencer([runner], new FencerOptions("node1"), TimeProvider.System, new Random(1), new FencingHistory());
        var clock = Stopwatch.StartNew();

        var outcome = await fencer.FenceAsync(config, "node2", FenceAction.Off, "node1", CancellationToken.None);

        output.WriteLine($"hung level 1 (timeout 500ms) then level 2: {clock.Elapsed.TotalMilliseconds:0}ms");
        Assert.True(outcome.Success, outcome.Reason);
        Assert.Equal(2, outcome.SucceededLevel);
        var hung = outcome.Attempts[0];
        Assert.Equal(("ipmi", true), (hung.DeviceId, hung.TimedOut));
        Assert.Equal("fence_hang off node2: timed out after 500ms, agent killed", hung.Reason);
        Assert.Equal(2, outcome.Attempts.Length); // a timed-out attempt is not retried: the budget is spent
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 4);
        await WaitGone(int.Parse(File.ReadAllText(dir.File("child")).Trim()));
        Assert.Equal(["action=off", "nodename=node2", "port=bmc-2", "ipaddr=10.0.0.12"], File.ReadAllLines(dir.File("hang.stdin")));
        Assert.Equal(["action=off", "nodename=node2", "port=7", "ipaddr=10.0.0.50"], File.ReadAllLines(dir.File("ok.stdin")));
    }

    internal static async Task WaitGone(int pid)
    {
        for (var i = 0; i < 50; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat)) return;
            try { if (File.ReadAllText(stat).Split(' ')[2] == "Z") return; } catch (IOException) { return; }
            await Task.Delay(20);
        }
        Assert.Fail($"process {pid} survived the kill of its agent's process group");
    }
}
