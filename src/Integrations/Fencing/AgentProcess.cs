using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HaApi.Integrations.Fencing;

/// <summary>What a finished (or killed) agent process left behind. Stdout/Stderr are truncated to the byte limit.</summary>
public sealed record AgentProcessResult(int? ExitCode, bool TimedOut, string Stdout, string Stderr, TimeSpan Duration);

/// <summary>
/// Runs an agent in its own session (setsid), so that at the deadline the whole process group dies with one
/// kill(-pgid, SIGKILL): fence agents fork helpers (ssh, ipmitool, python children) that would otherwise outlive the
/// agent and keep fencing after we declared a timeout. Output is read with a byte limit so a chatty or hostile agent
/// cannot exhaust memory.
/// </summary>
public static partial class AgentProcess
{
    public const string SetsidPath = "/usr/bin/setsid";
    private const int SigKill = 9;

    /// <summary>How long to keep draining pipes after the agent exited; a leftover child holding them open must not stall us.</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(1);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public static async Task<AgentProcessResult> RunAsync(
        string executable, string? stdin, IReadOnlyDictionary<string, string> environment, IEnumerable<string> removeEnvironment,
        TimeSpan timeout, int maxOutputBytes, CancellationToken cancellationToken)
    {
        if (!File.Exists(SetsidPath))
            throw new InvalidOperationException($"{SetsidPath} is missing (Debian package util-linux); agents cannot be run in their own process group");

        var psi = new ProcessStartInfo(SetsidPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        psi.ArgumentList.Add(executable);
        foreach (var name in removeEnvironment) psi.Environment.Remove(name);
        foreach (var (name, value) in environment) psi.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.Start();
        // setsid execs the agent in place (a child is never a group leader), so pid == pgid of the new session.
        var pgid = process.Id;

        var stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, maxOutputBytes);
        var stderr = ReadBoundedAsync(process.StandardError.BaseStream, maxOutputBytes);
        var timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            try
            {
                // Under the deadline too: an agent that never reads a large stdin must not block us on a full pipe.
                await WriteStdinAsync(process, stdin, deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                KillGroup(pgid, process);
                try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None); }
                catch (TimeoutException) { /* stuck in the kernel (D state); we report the timeout and move on */ }
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }
        }

        var outText = await Drain(stdout);
        var errText = await Drain(stderr);
        return new AgentProcessResult(timedOut || !process.HasExited ? null : process.ExitCode, timedOut, outText, errText, clock.Elapsed);
    }

    private static async Task WriteStdinAsync(Process process, string? stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(stdin), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The agent exited without reading its input; its exit code tells the story.
        }
    }

    private static void KillGroup(int pgid, Process process)
    {
        kill(-pgid, SigKill);
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
    }

    private static async Task<string> Drain(Task<string> reader)
    {
        try { return await reader.WaitAsync(DrainGrace); }
        catch (TimeoutException) { return "(output unavailable: a child of the agent still holds its pipes)"; }
    }

    private static async Task<string> ReadBoundedAsync(Stream stream, int maxBytes)
    {
        var kept = new MemoryStream();
        var buffer = new byte[4096];
        var truncated = false;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            var room = maxBytes - (int)kept.Length;
            if (room > 0) kept.Write(buffer, 0, Math.Min(room, n));
            if (n > room) truncated = true; // keep draining so the agent never blocks on a full pipe
        }
        var text = Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
        return truncated ? text + "\n(output truncated)" : text;
    }
}
