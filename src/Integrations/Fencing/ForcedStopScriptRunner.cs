using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Fencing;

/// <summary>
/// "haapi:script": a site's own forced-stop command (EXPRESSCLUSTER's forced-stop script convention). The executable
/// named by parameter "script" runs with the down node and the local node in its environment, under both HaApi's and
/// EXPRESSCLUSTER's variable names so existing scripts work unchanged. Exit 0 is success; at the timeout its process
/// group is killed.
/// </summary>
public sealed class ForcedStopScriptRunner(FenceAgentRunnerOptions options) : IFenceDeviceRunner
{
    public const string ScriptParameter = "script";

    public bool Handles(FenceDevice device) => device.Agent == FenceDevice.ScriptAgent;

    public async Task<FenceResult> FenceAsync(FenceDevice device, FenceRequest request, CancellationToken cancellationToken)
    {
        var script = device.Parameters.GetValueOrDefault(ScriptParameter);
        if (string.IsNullOrWhiteSpace(script) || !Path.IsPathFullyQualified(script))
            return Fail(device, $"haapi:script device {device.Id} needs parameter '{ScriptParameter}' with the absolute path of an executable");
        if (!File.Exists(script))
            return Fail(device, $"forced-stop script {script} does not exist");
        if (OperatingSystem.IsLinux() && (File.GetUnixFileMode(script) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            return Fail(device, $"forced-stop script {script} is not executable (chmod +x)");

        switch (request.Action)
        {
            case FenceAction.Monitor:
                return new FenceResult(true, device.Id, null, TimeSpan.Zero, 0);
            case FenceAction.Off or FenceAction.Reboot:
                break;
            default:
                return Fail(device, $"haapi:script supports off, reboot and monitor, not {request.Action.ToAgentName()}");
        }

        var environment = new Dictionary<string, string>
        {
            ["HAAPI_DOWN_NODE"] = request.Target,
            ["HAAPI_LOCAL_NODE"] = request.Origin,
            ["HAAPI_FENCE_ACTION"] = request.Action.ToAgentName(),
            ["CLP_SERVER_DOWN"] = request.Target,
            ["CLP_SERVER_LOCAL"] = request.Origin,
        };
        var run = await AgentProcess.RunAsync(script, null, environment, ["PCMK_service"], request.Timeout, options.MaxOutputBytes, cancellationToken);
        var stdout = FenceSecrets.Redact(run.Stdout, device.Parameters);
        if (run.TimedOut)
            return new FenceResult(false, device.Id, $"forced-stop script {script} for {request.Target} timed out after {Duration.Format(request.Timeout)}, killed",
                run.Duration, null, TimedOut: true, Output: stdout);
        if (run.ExitCode == 0)
            return new FenceResult(true, device.Id, null, run.Duration, 0, Output: stdout);
        var stderr = FenceSecrets.Redact(run.Stderr, device.Parameters).Trim();
        var last = stderr.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim();
        return new FenceResult(false, device.Id,
            $"forced-stop script {script} for {request.Target} exited {run.ExitCode}" + (last is null ? "" : $": {(last.Length > 300 ? last[..300] : last)}"),
            run.Duration, run.ExitCode, Output: stdout);
    }

    private static FenceResult Fail(FenceDevice device, string reason) => new(false, device.Id, reason, TimeSpan.Zero);
}
