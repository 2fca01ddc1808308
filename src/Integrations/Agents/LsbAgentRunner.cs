using System.Text;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Runs lsb:NAME init scripts from InitDirectory (or an absolute path) as Pacemaker does: monitor is sent as
/// "status", no parameters, and LSB exit codes are mapped to OCF (<see cref="ToOcf"/>). Same session/timeout
/// handling as OCF agents.
/// </summary>
public sealed class LsbAgentRunner : IResourceAgentRunner
{
    private readonly AgentRunnerOptions _options;
    private readonly AgentProcess _process;

    public LsbAgentRunner(AgentRunnerOptions options)
    {
        options.Validate();
        _options = options;
        _process = new AgentProcess(Path.Combine(options.RunDirectory, "output"), options.OutputLimitBytes);
    }

    /// <summary>LSB → OCF (Pacemaker's services_get_ocf_exitcode): non-status actions share 0–7 with OCF, the status
    /// action has its own codes: 0 running; 1, 2, 3 not running; 4 unknown; 150 not installed; 151 no privilege.</summary>
    public static int ToOcf(string lsbAction, int lsbExitCode)
    {
        if (lsbAction != "status")
            return lsbExitCode is >= 0 and <= 7 ? lsbExitCode : (int)OcfExitCode.GenericError;
        return lsbExitCode switch
        {
            0 => (int)OcfExitCode.Success,
            1 or 2 or 3 => (int)OcfExitCode.NotRunning,
            150 => (int)OcfExitCode.NotInstalled,
            151 => (int)OcfExitCode.InsufficientPrivileges,
            _ => (int)OcfExitCode.GenericError,
        };
    }

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var type = request.Resource.Type;
        string path;
        if (Path.IsPathRooted(type)) path = type;
        else if (AgentNames.IsSafePathComponent(type)) path = Path.Combine(_options.InitDirectory, type);
        else return new OperationResult((int)OcfExitCode.NotConfigured, ExecutionStatus.ErrorFatal,
            $"'{type}' is not a valid LSB script name", TimeSpan.Zero);
        if (!File.Exists(path))
            return new OperationResult((int)OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"LSB script lsb:{type} is not installed on this node: {path} does not exist", TimeSpan.Zero);
        if (!AgentNames.IsExecutable(path))
            return new OperationResult((int)OcfExitCode.NotInstalled, ExecutionStatus.NotInstalled,
                $"LSB script lsb:{type} cannot run on this node: {path} is not executable", TimeSpan.Zero);
        if (request.Action == OperationNames.MetaData)
            return new OperationResult(0, ExecutionStatus.Done, null, TimeSpan.Zero, SynthesiseMetaData(type, path));

        var action = request.Action == OperationNames.Monitor ? "status" : request.Action;
        var env = new Dictionary<string, string> { ["PATH"] = OcfEnvironment.SystemPath, ["LC_ALL"] = "C" };
        var run = await _process.RunAsync(path, [action], env, request.Timeout, cancellationToken).ConfigureAwait(false);
        if (run.LaunchError is not null)
            return new OperationResult(1, ExecutionStatus.Error, run.LaunchError, run.Duration);
        if (run.Cancelled)
            return new OperationResult(1, ExecutionStatus.Cancelled, $"lsb:{type} {action} was cancelled", run.Duration, run.Stdout, run.Stderr);
        if (run.TimedOut)
            return new OperationResult(1, ExecutionStatus.TimedOut,
                $"lsb:{type} {action} timed out after {Duration.Format(request.Timeout)} (process group killed)", run.Duration, run.Stdout, run.Stderr);
        var rc = ToOcf(action, run.ExitCode);
        string? reason = null;
        if (rc == (int)OcfExitCode.GenericError && run.ExitCode != 1)
            reason = $"lsb:{type} {action} exited with code {run.ExitCode}, which LSB does not define for this action";
        return new OperationResult(rc, ExecutionStatus.Done, reason, run.Duration, run.Stdout, run.Stderr);
    }

    /// <summary>Pacemaker builds LSB meta-data from the script's "### BEGIN INIT INFO" block.</summary>
    private static string SynthesiseMetaData(string type, string path)
    {
        string? shortDesc = null, longDesc = null;
        try
        {
            foreach (var line in File.ReadLines(path).Take(200))
            {
                if (line.StartsWith("# Short-Description:", StringComparison.Ordinal)) shortDesc = line[20..].Trim();
                else if (line.StartsWith("# Description:", StringComparison.Ordinal)) longDesc = line[14..].Trim();
                else if (line.StartsWith("### END INIT INFO", StringComparison.Ordinal)) break;
            }
        }
        catch (IOException) { }
        var x = new StringBuilder();
        x.Append("<?xml version=\"1.0\"?>\n<resource-agent name=\"").Append(System.Security.SecurityElement.Escape(type)).Append("\" version=\"0.1\">\n");
        x.Append("  <version>1.1</version>\n");
        x.Append("  <longdesc lang=\"en\">").Append(System.Security.SecurityElement.Escape(longDesc ?? type)).Append("</longdesc>\n");
        x.Append("  <shortdesc lang=\"en\">").Append(System.Security.SecurityElement.Escape(shortDesc ?? type)).Append("</shortdesc>\n");
        x.Append("  <parameters/>\n  <actions>\n");
        foreach (var a in new[] { "start", "stop", "status", "restart", "force-reload" })
            x.Append("    <action name=\"").Append(a).Append("\" timeout=\"15s\"/>\n");
        x.Append("    <action name=\"monitor\" timeout=\"15s\" interval=\"15s\"/>\n    <action name=\"meta-data\" timeout=\"5s\"/>\n");
        x.Append("  </actions>\n</resource-agent>\n");
        return x.ToString();
    }
}
