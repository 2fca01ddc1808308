using System.Text;
using System.Text.RegularExpressions;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Fencing;

/// <summary>
/// Runs an external RHCS-style fence agent (fence_*) the way Pacemaker's fencer does: no argv, key=value lines on
/// stdin (action, nodename, port, then the device's parameters without Pacemaker's pcmk_* ones), exit code 0 is
/// success (for status: 0 = on, 2 = off). The agent is killed with its process group at the request's timeout.
/// </summary>
public sealed partial class FenceAgentRunner(FenceAgentRunnerOptions options) : IFenceDeviceRunner
{
    /// <summary>
    /// With PCMK_service=pacemaker-fenced, fencing.py sets disable_timeout and polls forever, trusting the caller to
    /// kill it. We kill at the deadline anyway, but we also keep the agent's own power_timeout working.
    /// </summary>
    private static readonly string[] StrippedEnvironment = ["PCMK_service"];

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")]
    private static partial Regex AgentName();

    public bool Handles(FenceDevice device) => !device.IsBuiltIn;

    public async Task<FenceResult> FenceAsync(FenceDevice device, FenceRequest request, CancellationToken cancellationToken)
    {
        if (!AgentName().IsMatch(device.Agent) || device.Agent.StartsWith('.'))
            return Fail(device, $"fence agent name '{device.Agent}' is not a plain file name (e.g. fence_ipmilan)");
        var path = Path.Combine(options.AgentDirectory, device.Agent);
        if (!File.Exists(path))
            return Fail(device, $"fence agent {path} not found (is the Debian package fence-agents installed?)");

        string input;
        try { input = BuildStdin(device, request); }
        catch (ArgumentException ex) { return Fail(device, ex.Message); }

        var stripped = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("PCMK_", StringComparison.Ordinal)).Concat(StrippedEnvironment).Distinct();
        var extra = options.Environment.Where(e => !e.Key.StartsWith("PCMK_", StringComparison.Ordinal)).ToDictionary();
        var run = await AgentProcess.RunAsync(path, input, extra, stripped,
            request.Timeout, options.MaxOutputBytes, cancellationToken);

        var stdout = FenceSecrets.Redact(run.Stdout, device.Parameters);
        var stderr = FenceSecrets.Redact(run.Stderr, device.Parameters);
        if (run.TimedOut)
            return new FenceResult(false, device.Id,
                $"{device.Agent} {request.Action.ToAgentName()} {request.Target}: timed out after {Duration.Format(request.Timeout)}, agent killed",
                run.Duration, null, TimedOut: true, Output: stdout);

        var success = request.Action == FenceAction.Status ? run.ExitCode is 0 or 2 : run.ExitCode == 0;
        var reason = success ? Summary(stdout) : $"{device.Agent} {request.Action.ToAgentName()} {request.Target}: exit code {run.ExitCode}: {Explain(stderr, stdout)}";
        return new FenceResult(success, device.Id, reason, run.Duration, run.ExitCode, Output: stdout);
    }

    /// <summary>The stdin Pacemaker would send (lib/fencing/st_actions.c make_args).</summary>
    internal static string BuildStdin(FenceDevice device, FenceRequest request)
    {
        var p = device.Parameters;
        var actionName = request.Action.ToAgentName();
        var sb = new StringBuilder();
        Line(sb, "action", p.GetValueOrDefault($"pcmk_{actionName}_action", actionName));

        if (request.Action is not (FenceAction.List or FenceAction.Monitor))
        {
            Line(sb, "nodename", request.Target);
            var hostArgument = p.GetValueOrDefault("pcmk_host_argument", "port");
            // The port goes out unless suppressed, or unless the device sets that parameter itself (then it wins).
            var configured = p.TryGetValue(hostArgument, out var own) && own != "dynamic";
            if (hostArgument != "none" && !configured)
                Line(sb, hostArgument, DeviceTargeting.PortFor(device, request.Target));
        }

        foreach (var (name, value) in p)
        {
            if (name.StartsWith("pcmk_", StringComparison.Ordinal) || name.StartsWith("CRM_meta_", StringComparison.Ordinal)
                || name is "crm_feature_set" or "action" or "nodename")
                continue;
            if (value == "dynamic" && name == p.GetValueOrDefault("pcmk_host_argument", "port")) continue;
            Line(sb, name, value);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string name, string value)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '='))
            throw new ArgumentException($"fence parameter name '{name}' cannot be sent to an agent (no spaces or '=')");
        if (value.Contains('\n') || value.Contains('\r'))
            throw new ArgumentException($"fence parameter '{name}' contains a line break, which the agent stdin protocol cannot carry");
        sb.Append(name).Append('=').Append(value).Append('\n');
    }

    private static FenceResult Fail(FenceDevice device, string reason) => new(false, device.Id, reason, TimeSpan.Zero);

    private static string? Summary(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return line is null ? null : Bound(line);
    }

    /// <summary>The most telling line: an agent's "Failed: ..." message, else the last stderr line, else stdout.</summary>
    private static string Explain(string stderr, string stdout)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failed = lines.LastOrDefault(l => l.Contains("Failed:", StringComparison.Ordinal))
                     ?? lines.LastOrDefault(l => !l.StartsWith("Please use", StringComparison.Ordinal))
                     ?? stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return failed is null ? "no output" : Bound(failed);
    }

    private static string Bound(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
