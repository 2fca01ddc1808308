using System.Diagnostics;
using System.Text;

namespace HaApi.Integrations.Agents;

/// <summary>What one agent process did. Stdout/Stderr are bounded; ExitCode is meaningless when TimedOut, Cancelled or
/// LaunchError is set. LaunchError: the agent could not even be started (no setsid, no process slots) — an execution
/// error, not an agent result.</summary>
internal sealed record AgentProcessResult(int ExitCode, bool TimedOut, bool Cancelled, string Stdout, string Stderr, TimeSpan Duration,
    string? LaunchError = null);

/// <summary>
/// Runs one agent call the way Pacemaker's executor does: in a session (and process group) of its own, stdin
/// from /dev/null, a clean environment, and at the deadline SIGKILL to the whole group, so a hung agent and
/// everything it spawned are gone.
/// Output goes to files rather than pipes: a daemon started by a start action inherits the agent's stdout and
/// would hold a pipe open forever, and .NET cannot abandon a blocked pipe read.
/// </summary>
internal sealed class AgentProcess
{
    private const string SetsidPath = "/usr/bin/setsid";

    // $1/$2 are the capture files; exec keeps the session leader's pid equal to the agent's pid.
    private const string Wrapper = "o=$1; e=$2; shift 2; exec \"$@\" </dev/null >\"$o\" 2>\"$e\"";

    private static readonly TimeSpan KillRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KillGiveUp = TimeSpan.FromSeconds(10);

    private readonly string _captureDirectory;
    private readonly int _outputLimitBytes;

    public AgentProcess(string captureDirectory, int outputLimitBytes)
    {
        _captureDirectory = captureDirectory;
        _outputLimitBytes = outputLimitBytes;
        PrivateDirectory.Create(Path.GetDirectoryName(captureDirectory)!);
        PrivateDirectory.Create(captureDirectory);
    }

    public async Task<AgentProcessResult> RunAsync(
        string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(SetsidPath))
            return Failed($"{SetsidPath} not found: install util-linux, HaApi needs it to run agents in their own session");
        var id = Guid.NewGuid().ToString("N");
        var outPath = Path.Combine(_captureDirectory, id + ".out");
        var errPath = Path.Combine(_captureDirectory, id + ".err");
        var psi = new ProcessStartInfo(SetsidPath) { UseShellExecute = false, WorkingDirectory = "/" };
        // --wait: should setsid ever have to fork (caller already a group leader), it still reports the agent's status.
        foreach (var a in new[] { "--wait", "/bin/sh", "-c", Wrapper, "haapi-agent", outPath, errPath, executable }) psi.ArgumentList.Add(a);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in environment) psi.Environment[k] = v;

        var clock = Stopwatch.StartNew();
        try
        {
            Process? started;
            try { started = Process.Start(psi); }
            catch (System.ComponentModel.Win32Exception e) { return Failed($"could not start {executable}: {e.Message}"); }
            if (started is null) return Failed($"could not start {executable}");
            using var process = started;
            var pid = process.Id;
            bool timedOut = false, cancelled = false;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(timeout);
                try { await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false); }
                catch (OperationCanceledException)
                {
                    cancelled = cancellationToken.IsCancellationRequested;
                    timedOut = !cancelled;
                }
            }
            if (timedOut || cancelled) await KillGroupAsync(process, pid).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            var stdout = ReadBounded(outPath, keepTail: false);
            var stderr = ReadBounded(errPath, keepTail: true);
            return new AgentProcessResult(timedOut || cancelled ? -1 : process.ExitCode, timedOut, cancelled, stdout, stderr, elapsed);
        }
        finally
        {
            TryDelete(outPath);
            TryDelete(errPath);
        }
    }

    private static AgentProcessResult Failed(string why) => new(-1, false, false, "", "", TimeSpan.Zero, why);

    /// <summary>SIGKILL to the agent's process group, repeated until the agent itself is reaped (as Pacemaker retries).</summary>
    private static async Task KillGroupAsync(Process process, int pid)
    {
        var giveUp = Stopwatch.StartNew();
        while (true)
        {
            // The group may not exist yet if the deadline hit before setsid() ran; then kill the process itself.
            bool signalled;
            try { signalled = ProcessSignals.SignalGroup(pid, ProcessSignals.SigKill); }
            catch (InvalidOperationException) { signalled = false; } // EPERM: fall back to the process itself
            if (!signalled && !process.HasExited)
            {
                try { process.Kill(); } catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
            }
            try
            {
                await process.WaitForExitAsync().WaitAsync(KillRetry).ConfigureAwait(false);
                try { ProcessSignals.SignalGroup(pid, ProcessSignals.SigKill); } // members that outlived the leader
                catch (InvalidOperationException) { }
                return;
            }
            catch (TimeoutException)
            {
                // A process stuck in the kernel (D state) ignores SIGKILL; report the timeout rather than hang.
                if (giveUp.Elapsed >= KillGiveUp) return;
            }
        }
    }

    private string ReadBounded(string path, bool keepTail)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = fs.Length;
            var take = (int)Math.Min(length, _outputLimitBytes);
            if (keepTail) fs.Seek(length - take, SeekOrigin.Begin);
            var buffer = new byte[take];
            fs.ReadExactly(buffer);
            var text = Encoding.UTF8.GetString(buffer).Replace('\0', '?');
            if (length <= take) return text;
            var dropped = length - take;
            return keepTail ? $"[{dropped} bytes truncated]\n{text}" : $"{text}\n[{dropped} bytes truncated]";
        }
        catch (FileNotFoundException) { return ""; }
        catch (DirectoryNotFoundException) { return ""; }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
