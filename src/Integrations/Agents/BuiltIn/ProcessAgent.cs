using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Agents.BuiltIn;

/// <summary>
/// haapi:Process keeps one long-running command alive, without writing an agent script.
/// Parameters:
/// <list type="bullet">
/// <item><c>command</c> (required): run through <c>/bin/sh -c</c>, so operators may write pipes, redirections and
/// variables; it must stay in the foreground (no trailing '&amp;', no self-daemonising).</item>
/// <item><c>workdir</c>: working directory (default /). <c>log_file</c>: stdout and stderr are appended there
/// (default /dev/null).</item>
/// <item><c>health_url</c>: http(s) URL checked with GET by start (until it answers) and by every monitor;
/// any 2xx answer is healthy. <c>expected_body</c>: a regular expression the body must also match.
/// <c>health_timeout</c>: per request (default 5s).</item>
/// <item><c>stop_timeout</c>: how long stop waits after SIGTERM before SIGKILL (default 10s, at most the
/// operation's timeout).</item>
/// </list>
/// Start launches the command in a session of its own (detached from HaApi, so it survives HaApi restarts) and
/// records pid, kernel start time and process group under the state directory. Stop signals the whole group.
/// </summary>
internal sealed class ProcessAgent(string stateDirectory, HttpClient http) : IBuiltInAgent
{
    private static readonly TimeSpan DefaultHealthTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private const int MaxBodyBytes = 64 * 1024;

    // $0 command, $1 log, $2 pid file, $3 workdir. The launcher shell leads a new session and exits at once; the
    // command stays in its process group and is re-parented to init, so HaApi never has to reap it.
    private const string Launcher = "cd \"$3\" || exit 1; /bin/sh -c \"$0\" </dev/null >>\"$1\" 2>&1 & echo $! >\"$2\"";

    public string Type => "Process";

    private sealed record Settings(string Command, string WorkDir, string LogFile, Uri? HealthUrl, Regex? ExpectedBody,
        TimeSpan HealthTimeout, TimeSpan StopTimeout);

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var recordPath = Path.Combine(stateDirectory, BuiltInResult.StateFileName(Type, request.ResourceId, ".json"));
        if (request.Action == OperationNames.MetaData) return BuiltInResult.Of(OcfExitCode.Success, clock, output: MetaData);
        if (request.Action == OperationNames.Stop) return await StopAsync(request, recordPath, clock, cancellationToken).ConfigureAwait(false);

        var settings = Parse(request.Resource.Parameters, out var invalid);
        if (settings is null) return BuiltInResult.Of(OcfExitCode.NotConfigured, clock, invalid);
        return request.Action switch
        {
            OperationNames.Start => await StartAsync(request, settings, recordPath, clock, cancellationToken).ConfigureAwait(false),
            OperationNames.Monitor => await MonitorAsync(request, settings, recordPath, clock, cancellationToken).ConfigureAwait(false),
            OperationNames.ValidateAll => Directory.Exists(settings.WorkDir)
                ? BuiltInResult.Of(OcfExitCode.Success, clock)
                : BuiltInResult.Of(OcfExitCode.InvalidArgument, clock, $"workdir {settings.WorkDir} does not exist on this node"),
            OperationNames.Notify or OperationNames.Reload or OperationNames.ReloadAgent => BuiltInResult.Of(OcfExitCode.Success, clock),
            _ => BuiltInResult.Of(OcfExitCode.Unimplemented, clock, $"haapi:Process does not implement '{request.Action}'"),
        };
    }

    private static Settings? Parse(ImmutableSortedDictionary<string, string> p, out string? invalid)
    {
        invalid = null;
        var command = p.Get("command");
        if (string.IsNullOrWhiteSpace(command)) { invalid = "the command parameter is required"; return null; }
        Uri? url = null;
        if (p.Get("health_url") is { Length: > 0 } u)
        {
            if (!Uri.TryCreate(u, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                invalid = $"health_url '{u}' is not an absolute http or https URL";
                return null;
            }
        }
        Regex? body = null;
        if (p.Get("expected_body") is { Length: > 0 } pattern)
        {
            try { body = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
            catch (ArgumentException e) { invalid = $"expected_body is not a valid regular expression: {e.Message}"; return null; }
            if (url is null) { invalid = "expected_body needs health_url"; return null; }
        }
        if (!TryDuration(p, "health_timeout", DefaultHealthTimeout, out var healthTimeout, out invalid)) return null;
        if (!TryDuration(p, "stop_timeout", DefaultStopTimeout, out var stopTimeout, out invalid)) return null;
        var workDir = p.Get("workdir") is { Length: > 0 } w ? w : "/";
        var log = p.Get("log_file") is { Length: > 0 } l ? l : "/dev/null";
        if (!Path.IsPathRooted(workDir) || !Path.IsPathRooted(log))
        {
            invalid = "workdir and log_file must be absolute paths";
            return null;
        }
        return new Settings(command, workDir, log, url, body, healthTimeout, stopTimeout);
    }

    private static bool TryDuration(ImmutableSortedDictionary<string, string> p, string name, TimeSpan fallback, out TimeSpan value, out string? invalid)
    {
        invalid = null;
        value = fallback;
        if (p.Get(name) is not { Length: > 0 } text) return true;
        if (Duration.TryParse(text, out value) && value > TimeSpan.Zero) return true;
        invalid = $"{name} '{text}' is not a duration (e.g. 5s, 500ms)";
        return false;
    }

    private async Task<OperationResult> StartAsync(OperationRequest request, Settings s, string recordPath, Stopwatch clock, CancellationToken ct)
    {
        var record = ProcessRecord.Load(recordPath);
        if (record is null || !record.IsAlive())
        {
            if (!Directory.Exists(s.WorkDir))
                return BuiltInResult.Of(OcfExitCode.InvalidArgument, clock, $"workdir {s.WorkDir} does not exist on this node");
            var launched = await LaunchAsync(request, s, ct).ConfigureAwait(false);
            if (launched.Record is null) return BuiltInResult.Of(OcfExitCode.GenericError, clock, launched.Error);
            record = launched.Record;
            record.Save(recordPath);
        }

        // Start returns only once the service is up: alive after a short settle time, and healthy if a URL is given.
        var settleUntil = clock.Elapsed + Settle;
        string? lastProblem = null;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (!record.IsAlive())
                {
                    var leftovers = ProcStat.GroupMembers(record.ProcessGroupId);
                    if (leftovers.Count == 0) File.Delete(recordPath);
                    return BuiltInResult.Of(OcfExitCode.GenericError, clock,
                        $"command exited right after start (see log_file {s.LogFile})");
                }
                if (clock.Elapsed >= settleUntil)
                {
                    lastProblem = s.HealthUrl is null ? null : await CheckHealthAsync(s, ct).ConfigureAwait(false);
                    if (lastProblem is null) return BuiltInResult.Of(OcfExitCode.Success, clock);
                }
                await Task.Delay(Poll, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The operation's deadline (or the caller) stopped the wait; the runner tells which, with our last finding.
            throw new TimeoutException(lastProblem ?? "the process had not settled yet", null);
        }
    }

    private sealed record Launch(ProcessRecord? Record, string? Error);

    private async Task<Launch> LaunchAsync(OperationRequest request, Settings s, CancellationToken ct)
    {
        Directory.CreateDirectory(stateDirectory);
        var pidFile = Path.Combine(stateDirectory, ".launch-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in new[] { "--wait", "/bin/sh", "-c", Launcher, s.Command, s.LogFile, pidFile, s.WorkDir }) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = OcfEnvironment.SystemPath;
        psi.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        psi.Environment["LANG"] = "C.UTF-8";
        psi.Environment["HAAPI_RESOURCE_INSTANCE"] = request.ResourceId;
        // One definition serves every node; the command learns where it runs as OCF agents do (CRM_meta_on_node).
        psi.Environment["HAAPI_NODE"] = request.NodeName;
        try
        {
            using var launcher = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/setsid");
            await launcher.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            if (launcher.ExitCode != 0) return new Launch(null, $"could not launch the command (launcher exit code {launcher.ExitCode}; does workdir exist?)");
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return new Launch(null, "could not read the pid of the launched command");
            var stat = ProcStat.TryRead(pid);
            if (stat is null) return new Launch(null, $"command exited right after start (see log_file {s.LogFile})");
            return new Launch(new ProcessRecord(pid, stat.StartTicks, stat.ProcessGroupId, s.Command), null);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return new Launch(null, $"could not launch the command: {e.Message}");
        }
        finally
        {
            try { File.Delete(pidFile); } catch (IOException) { }
        }
    }

    private async Task<OperationResult> MonitorAsync(OperationRequest request, Settings s, string recordPath, Stopwatch clock, CancellationToken ct)
    {
        var record = ProcessRecord.Load(recordPath);
        if (record is null) return BuiltInResult.Of(OcfExitCode.NotRunning, clock, request.IsProbe ? null : "not started (no process record)");
        if (!record.IsAlive())
        {
            var leftovers = ProcStat.GroupMembers(record.ProcessGroupId);
            // Dead leader but live children is not "cleanly stopped": recovery must stop them first.
            return leftovers.Count > 0
                ? BuiltInResult.Of(OcfExitCode.GenericError, clock,
                    $"process {record.Pid} exited but {leftovers.Count} process(es) of its group are still running")
                : BuiltInResult.Of(OcfExitCode.NotRunning, clock, request.IsProbe ? null : $"process {record.Pid} is not running");
        }
        if (s.HealthUrl is null) return BuiltInResult.Of(OcfExitCode.Success, clock);
        var problem = await CheckHealthAsync(s, ct).ConfigureAwait(false);
        return problem is null ? BuiltInResult.Of(OcfExitCode.Success, clock) : BuiltInResult.Of(OcfExitCode.GenericError, clock, problem);
    }

    /// <summary>Null when healthy, else what was wrong.</summary>
    private async Task<string?> CheckHealthAsync(Settings s, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(s.HealthTimeout);
        try
        {
            using var response = await http.GetAsync(s.HealthUrl, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return $"health check GET {s.HealthUrl} answered {(int)response.StatusCode}";
            if (s.ExpectedBody is null) return null;
            var body = await ReadBoundedAsync(response, cts.Token).ConfigureAwait(false);
            return s.ExpectedBody.IsMatch(body) ? null : $"health check GET {s.HealthUrl}: body does not match expected_body";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"health check GET {s.HealthUrl} did not answer within {Duration.Format(s.HealthTimeout)}";
        }
        catch (HttpRequestException e)
        {
            return $"health check GET {s.HealthUrl} failed: {e.Message}";
        }
        catch (RegexMatchTimeoutException)
        {
            return "expected_body took too long to match";
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[MaxBodyBytes];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0) total += n;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static async Task<OperationResult> StopAsync(OperationRequest request, string recordPath, Stopwatch clock, CancellationToken ct)
    {
        var record = ProcessRecord.Load(recordPath);
        if (record is null) return BuiltInResult.Of(OcfExitCode.Success, clock);
        var stopTimeout = DefaultStopTimeout;
        if (request.Resource.Parameters.Get("stop_timeout") is { Length: > 0 } t && Duration.TryParse(t, out var parsed) && parsed > TimeSpan.Zero)
            stopTimeout = parsed;
        // Leave time for SIGKILL and its wait inside the operation's own timeout.
        var termBudget = TimeSpan.FromTicks(Math.Min(stopTimeout.Ticks, Math.Max(0, (request.Timeout - TimeSpan.FromSeconds(2)).Ticks)));

        if (Alive(record))
        {
            ProcessSignals.SignalGroup(record.ProcessGroupId, ProcessSignals.SigTerm);
            await WaitGoneAsync(record, termBudget, ct).ConfigureAwait(false);
        }
        if (Alive(record))
        {
            ProcessSignals.SignalGroup(record.ProcessGroupId, ProcessSignals.SigKill);
            await WaitGoneAsync(record, TimeSpan.FromSeconds(1.5), ct).ConfigureAwait(false);
            if (Alive(record))
                return BuiltInResult.Of(OcfExitCode.GenericError, clock, $"process group {record.ProcessGroupId} survived SIGKILL");
        }
        File.Delete(recordPath);
        return BuiltInResult.Of(OcfExitCode.Success, clock);
    }

    /// <summary>The main process or anything else of its group is still there.</summary>
    private static bool Alive(ProcessRecord record) => record.IsAlive() || ProcStat.GroupMembers(record.ProcessGroupId).Count > 0;

    private static async Task WaitGoneAsync(ProcessRecord record, TimeSpan within, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        while (Alive(record) && until.Elapsed < within) await Task.Delay(50, ct).ConfigureAwait(false);
    }

    private const string MetaData = """
        <?xml version="1.0"?>
        <resource-agent name="Process" version="1.0">
          <version>1.1</version>
          <longdesc lang="en">Keeps one long-running command alive. The command runs through /bin/sh -c in a session of its own and must stay in the foreground. Optional HTTP health check.</longdesc>
          <shortdesc lang="en">Built-in process supervisor</shortdesc>
          <parameters>
            <parameter name="command" required="1"><longdesc lang="en">Command line, run with /bin/sh -c.</longdesc><shortdesc lang="en">Command</shortdesc><content type="string"/></parameter>
            <parameter name="workdir"><longdesc lang="en">Working directory.</longdesc><shortdesc lang="en">Working directory</shortdesc><content type="string" default="/"/></parameter>
            <parameter name="log_file"><longdesc lang="en">File that stdout and stderr are appended to.</longdesc><shortdesc lang="en">Log file</shortdesc><content type="string" default="/dev/null"/></parameter>
            <parameter name="health_url"><longdesc lang="en">http(s) URL that must answer 2xx to a GET for the process to count as healthy.</longdesc><shortdesc lang="en">Health URL</shortdesc><content type="string"/></parameter>
            <parameter name="expected_body"><longdesc lang="en">Regular expression the health check's body must match.</longdesc><shortdesc lang="en">Expected body</shortdesc><content type="string"/></parameter>
            <parameter name="health_timeout"><longdesc lang="en">Timeout of one health check.</longdesc><shortdesc lang="en">Health timeout</shortdesc><content type="string" default="5s"/></parameter>
            <parameter name="stop_timeout"><longdesc lang="en">Wait after SIGTERM before SIGKILL.</longdesc><shortdesc lang="en">Stop timeout</shortdesc><content type="string" default="10s"/></parameter>
          </parameters>
          <actions>
            <action name="start" timeout="20s"/>
            <action name="stop" timeout="20s"/>
            <action name="monitor" timeout="20s" interval="10s" depth="0"/>
            <action name="validate-all" timeout="20s"/>
            <action name="meta-data" timeout="5s"/>
          </actions>
        </resource-agent>
        """;
}
