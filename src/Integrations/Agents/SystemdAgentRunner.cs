using System.Diagnostics;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Runs systemd:UNIT resources through systemctl. start/stop block until systemd finished the job (like Pacemaker
/// waiting for JobRemoved); monitor reads is-active: active/reloading → 0, activating/deactivating → polled again
/// every second until the timeout, anything else → 7. Units should not be enabled: the cluster starts them.
/// </summary>
public sealed class SystemdAgentRunner : IResourceAgentRunner
{
    private static readonly TimeSpan PendingPoll = TimeSpan.FromSeconds(1);
    private readonly AgentRunnerOptions _options;
    private readonly AgentProcess _process;

    public SystemdAgentRunner(AgentRunnerOptions options)
    {
        options.Validate();
        _options = options;
        _process = new AgentProcess(Path.Combine(options.RunDirectory, "output"), options.OutputLimitBytes);
    }

    /// <summary>"nginx" means nginx.service; other unit types (socket, mount, timer, path) keep their suffix.</summary>
    public static string UnitName(string type) =>
        type.EndsWith(".service", StringComparison.Ordinal) || type.EndsWith(".socket", StringComparison.Ordinal)
        || type.EndsWith(".mount", StringComparison.Ordinal) || type.EndsWith(".timer", StringComparison.Ordinal)
        || type.EndsWith(".path", StringComparison.Ordinal)
            ? type
            : type + ".service";

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var type = request.Resource.Type;
        if (!AgentNames.IsSafePathComponent(type) || type.Contains('/'))
            return Result(OcfExitCode.NotConfigured, ExecutionStatus.ErrorFatal, $"'{type}' is not a valid systemd unit name", TimeSpan.Zero);
        if (!File.Exists(_options.SystemctlPath))
            return Result(OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled, $"{_options.SystemctlPath} not found: systemd:{type} needs systemd", TimeSpan.Zero);
        var unit = UnitName(type);
        var clock = Stopwatch.StartNew();
        return request.Action switch
        {
            OperationNames.Start or OperationNames.Stop => await JobAsync(request, unit, clock, cancellationToken).ConfigureAwait(false),
            OperationNames.Monitor => await MonitorAsync(request, unit, clock, cancellationToken).ConfigureAwait(false),
            OperationNames.MetaData => new OperationResult(0, ExecutionStatus.Done, null, clock.Elapsed, MetaData(unit)),
            _ => Result(OcfExitCode.Unimplemented, ExecutionStatus.Done, $"systemd resources do not implement '{request.Action}'", clock.Elapsed),
        };
    }

    private async Task<OperationResult> JobAsync(OperationRequest request, string unit, Stopwatch clock, CancellationToken ct)
    {
        var run = await SystemctlAsync([request.Action, unit], request.Timeout, ct).ConfigureAwait(false);
        if (Interrupted(run, request, unit, clock) is { } interrupted) return interrupted;
        if (run.ExitCode == 0) return Result(OcfExitCode.Success, ExecutionStatus.Done, null, clock.Elapsed, run);
        if (NoSystemd(run)) return Result(OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled, "systemd is not running on this node (it is not PID 1)", clock.Elapsed, run);
        var notFound = run.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase) || run.Stderr.Contains("not loaded", StringComparison.OrdinalIgnoreCase);
        // A unit that does not exist is certainly not running: stopping it succeeds.
        if (notFound && request.Action == OperationNames.Stop) return Result(OcfExitCode.Success, ExecutionStatus.Done, null, clock.Elapsed, run);
        if (notFound) return Result(OcfExitCode.NotInstalled, ExecutionStatus.Done, $"systemd unit {unit} not found", clock.Elapsed, run);
        return Result(OcfExitCode.GenericError, ExecutionStatus.Done, $"systemctl {request.Action} {unit} failed: {FirstLine(run.Stderr)}", clock.Elapsed, run);
    }

    private async Task<OperationResult> MonitorAsync(OperationRequest request, string unit, Stopwatch clock, CancellationToken ct)
    {
        while (true)
        {
            var remaining = request.Timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
                return Result(OcfExitCode.GenericError, ExecutionStatus.TimedOut, $"{unit} stayed pending (activating/deactivating) past the timeout", clock.Elapsed);
            var run = await SystemctlAsync(["is-active", unit], remaining, ct).ConfigureAwait(false);
            if (Interrupted(run, request, unit, clock) is { } interrupted) return interrupted;
            if (NoSystemd(run)) return Result(OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled, "systemd is not running on this node (it is not PID 1)", clock.Elapsed, run);
            switch (run.Stdout.Trim())
            {
                case "active" or "reloading":
                    return Result(OcfExitCode.Success, ExecutionStatus.Done, null, clock.Elapsed, run);
                case "activating" or "deactivating":
                    await Task.Delay(PendingPoll, ct).ConfigureAwait(false);
                    continue;
                default:
                    return Result(OcfExitCode.NotRunning, ExecutionStatus.Done, null, clock.Elapsed, run);
            }
        }
    }

    private Task<AgentProcessResult> SystemctlAsync(string[] args, TimeSpan timeout, CancellationToken ct) =>
        _process.RunAsync(_options.SystemctlPath, ["--no-ask-password", .. args],
            new Dictionary<string, string> { ["PATH"] = OcfEnvironment.SystemPath, ["LC_ALL"] = "C", ["SYSTEMD_PAGER"] = "" }, timeout, ct);

    private static OperationResult? Interrupted(AgentProcessResult run, OperationRequest request, string unit, Stopwatch clock)
    {
        if (run.LaunchError is not null) return Result(OcfExitCode.GenericError, ExecutionStatus.Error, run.LaunchError, clock.Elapsed);
        if (run.Cancelled) return Result(OcfExitCode.GenericError, ExecutionStatus.Cancelled, $"systemd:{unit} {request.Action} was cancelled", clock.Elapsed, run);
        if (run.TimedOut)
            return Result(OcfExitCode.GenericError, ExecutionStatus.TimedOut, $"systemd:{unit} {request.Action} timed out after {Duration.Format(request.Timeout)}", clock.Elapsed, run);
        return null;
    }

    private static bool NoSystemd(AgentProcessResult run) =>
        run.Stderr.Contains("not been booted with systemd", StringComparison.Ordinal) || run.Stderr.Contains("Failed to connect to bus", StringComparison.Ordinal);

    private static string FirstLine(string text)
    {
        var t = text.Trim();
        var nl = t.IndexOf('\n');
        return nl < 0 ? t : t[..nl];
    }

    private static OperationResult Result(OcfExitCode rc, ExecutionStatus status, string? reason, TimeSpan duration, AgentProcessResult? run = null) =>
        new((int)rc, status, reason, duration, run?.Stdout, run?.Stderr);

    private static string MetaData(string unit) => $"""
        <?xml version="1.0"?>
        <resource-agent name="{System.Security.SecurityElement.Escape(unit)}" version="0.1">
          <version>1.1</version>
          <longdesc lang="en">systemd unit {System.Security.SecurityElement.Escape(unit)}</longdesc>
          <shortdesc lang="en">systemd unit {System.Security.SecurityElement.Escape(unit)}</shortdesc>
          <parameters/>
          <actions>
            <action name="start" timeout="100s"/>
            <action name="stop" timeout="100s"/>
            <action name="status" timeout="100s"/>
            <action name="monitor" timeout="100s" interval="60s"/>
            <action name="meta-data" timeout="5s"/>
          </actions>
        </resource-agent>
        """;
}
