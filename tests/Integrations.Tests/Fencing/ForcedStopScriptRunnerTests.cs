using System.Diagnostics;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Fencing;
using static HaApi.Integrations.Tests.Fencing.Devices;

namespace HaApi.Integrations.Tests.Fencing;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ForcedStopScriptRunnerTests
{
    private static readonly ForcedStopScriptRunner Runner = new(new FenceAgentRunnerOptions());

    [Fact]
    public async Task Nonzero_exit_is_a_failure_carrying_the_exit_code_and_last_error_line()
    {
        using var dir = new TempDir();
        var script = dir.Script("stop.sh", "echo 'ipmitool: connection refused' >&2\nexit 3\n");

        var result = await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", script)]), Request("node2", FenceAction.Reboot), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"forced-stop script {script} for node2 exited 3: ipmitool: connection refused", result.Reason);
    }

    [Fact]
    public async Task A_script_that_hangs_is_killed_at_the_timeout()
    {
        using var dir = new TempDir();
        var script = dir.Script("stop.sh", $"sleep 60 &\necho $! > {dir.File("child")}\nwait\n");
        var clock = Stopwatch.StartNew();

        var result = await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", script)]), Request("node2", FenceAction.Off, timeoutSeconds: 0.4), CancellationToken.None);

        Assert.False(result.Success);
        Assert.True(result.TimedOut);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
        await FenceAgentRunnerTests.WaitGone(int.Parse(File.ReadAllText(dir.File("child")).Trim()));
    }

    [Fact]
    public async Task Missing_relative_or_non_executable_scripts_are_refused_before_running()
    {
        using var dir = new TempDir();
        var plain = dir.File("plain.sh");
        File.WriteAllText(plain, "#!/bin/sh\n");
        File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Contains("needs parameter 'script'", (await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, []), Request("n", FenceAction.Off), default)).Reason);
        Assert.Contains("needs parameter 'script'", (await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", "stop.sh")]), Request("n", FenceAction.Off), default)).Reason);
        Assert.Contains("does not exist", (await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", dir.File("nope"))]), Request("n", FenceAction.Off), default)).Reason);
        Assert.Contains("not executable", (await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", plain)]), Request("n", FenceAction.Off), default)).Reason);
        var ok = dir.Script("ok.sh", "exit 0\n");
        Assert.Contains("supports off, reboot and monitor", (await Runner.FenceAsync(Make("fs", FenceDevice.ScriptAgent, [P("script", ok)]), Request("n", FenceAction.On), default)).Reason);
    }

    [Fact]
    public void Runner_handles_only_script_devices()
    {
        Assert.True(Runner.Handles(Make("fs", FenceDevice.ScriptAgent, [])));
        Assert.False(Runner.Handles(Make("fs", "fence_ipmilan", [])));
        Assert.False(new FenceAgentRunner(new()).Handles(Make("fs", FenceDevice.ScriptAgent, [])));
        Assert.True(new FenceAgentRunner(new()).Handles(Make("fs", "fence_ipmilan", [])));
    }
}
