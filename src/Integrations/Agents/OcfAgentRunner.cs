using HaApi.Engine.Execution;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Runs ocf:PROVIDER:TYPE agents (OCF RA API 1.1) from OcfRoot/resource.d, as Pacemaker's executor does: one
/// process per action in its own session, the action as the only argument, parameters in the environment
/// (<see cref="OcfEnvironment"/>), the whole process group SIGKILLed at the timeout, the exit reason taken from
/// stderr, and exit codes outside 0–9/190/191 turned into 1.
/// </summary>
public sealed class OcfAgentRunner : IResourceAgentRunner
{
    private readonly AgentRunnerOptions _options;
    private readonly AgentProcess _process;
    private readonly string _shimDirectory;
    private readonly string _attributeDirectory;

    public OcfAgentRunner(AgentRunnerOptions options)
    {
        options.Validate();
        _options = options;
        _shimDirectory = Path.Combine(options.RunDirectory, "bin");
        _attributeDirectory = Path.Combine(options.RunDirectory, "attributes");
        PrivateDirectory.Create(options.RunDirectory);
        PrivateDirectory.Create(_attributeDirectory);
        CrmAttributeShim.Install(_shimDirectory);
        if (options.ResourceAgentsTempDirectory is { } rsctmp && !Directory.Exists(rsctmp))
        {
            // Mode 1755 as in resource-agents' tmpfiles.d entry.
            Directory.CreateDirectory(rsctmp, UnixFileMode.StickyBit | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        _process = new AgentProcess(Path.Combine(options.RunDirectory, "output"), options.OutputLimitBytes);
    }

    public string AgentPath(string provider, string type) => Path.Combine(_options.OcfRoot, "resource.d", provider, type);

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken) =>
        SecretScrubber.Scrub(await RunAsync(request, cancellationToken).ConfigureAwait(false), request.Resource);

    private async Task<OperationResult> RunAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var r = request.Resource;
        if (!AgentNames.IsSafePathComponent(r.Provider) || !AgentNames.IsSafePathComponent(r.Type))
            return Fail(OcfExitCode.NotConfigured, ExecutionStatus.ErrorFatal,
                $"'{r.AgentSpec}' is not a valid OCF agent name: provider and type must be plain names (letters, digits, '_', '-', '.')");
        var path = AgentPath(r.Provider!, r.Type);
        if (!File.Exists(path))
            return Fail(OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"OCF agent {r.AgentSpec} is not installed on this node: {path} does not exist");
        if (!AgentNames.IsExecutable(path))
            return Fail(OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"OCF agent {r.AgentSpec} cannot run on this node: {path} is not executable");

        var attributeFile = Path.Combine(_attributeDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            var env = OcfEnvironment.Build(request, _options, _shimDirectory, attributeFile, out var invalid);
            if (invalid is not null) return Fail(OcfExitCode.NotConfigured, ExecutionStatus.ErrorFatal, invalid);

            var run = await _process.RunAsync(path, [request.Action], env, request.Timeout, cancellationToken).ConfigureAwait(false);
            if (run.LaunchError is not null)
                return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Error, run.LaunchError, run.Duration);
            var updates = CrmAttributeShim.ReadUpdates(attributeFile);
            if (run.Cancelled)
                return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.Cancelled,
                    $"{r.AgentSpec} {request.Action} was cancelled (process group killed)", run.Duration, run.Stdout, run.Stderr, updates);
            if (run.TimedOut)
                return new OperationResult((int)OcfExitCode.GenericError, ExecutionStatus.TimedOut,
                    $"{r.AgentSpec} {request.Action} timed out after {Engine.Model.Duration.Format(request.Timeout)} (process group killed)",
                    run.Duration, run.Stdout, run.Stderr, updates);

            var reason = ExitReason.Parse(run.Stderr);
            var rc = run.ExitCode;
            if (rc is < 0 or > 9 and not 190 and not 191)
            {
                // Pacemaker's services__ocf2ocf: not an OCF code, so a generic (soft) error. Keep the real code visible.
                reason = $"agent exited with code {rc}, which is not an OCF exit code" + (reason is null ? "" : $": {reason}");
                rc = (int)OcfExitCode.GenericError;
            }
            return new OperationResult(rc, ExecutionStatus.Done, reason, run.Duration, run.Stdout, run.Stderr, updates);
        }
        finally
        {
            try { File.Delete(attributeFile); } catch (IOException) { }
        }
    }

    private static OperationResult Fail(OcfExitCode rc, ExecutionStatus status, string reason) =>
        new((int)rc, status, reason, TimeSpan.Zero);
}
