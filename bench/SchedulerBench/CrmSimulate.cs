using System.Diagnostics;

namespace HaApi.Bench.Scheduler;

/// <summary>Runs Pacemaker's crm_simulate (Debian package pacemaker-cli-utils) on a CIB file, offline.</summary>
public static class CrmSimulate
{
    public const string Executable = "/usr/sbin/crm_simulate";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static bool Available => File.Exists(Executable);

    /// <summary>
    /// Runs <c>crm_simulate -x FILE -S</c> (schedule, then simulate executing the transition); returns the wall time and
    /// the Transition Summary line count. With <paramref name="simulate"/> false runs <c>-R</c> (schedule only).
    /// </summary>
    public static (double Ms, int SummaryLines) Run(string cibFile, string shadowDir, bool simulate = true)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-x");
        psi.ArgumentList.Add(cibFile);
        psi.ArgumentList.Add(simulate ? "-S" : "-R");
        psi.Environment["LC_ALL"] = "C";
        // crm_simulate writes a shadow copy of the CIB; keep it out of the system's shadow directory.
        psi.Environment["CIB_shadow_dir"] = shadowDir;
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"crm_simulate did not finish within {Timeout.TotalMinutes} min on {cibFile}");
        }
        sw.Stop();
        if (process.ExitCode != 0)
            throw new CrmSimulateFailedException($"crm_simulate exited with {process.ExitCode}: {stderr.Result}");
        return (sw.Elapsed.TotalMilliseconds, CountSummary(stdout.Result));
    }

    private static int CountSummary(string output)
    {
        var count = 0;
        var inSummary = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("Transition Summary", StringComparison.Ordinal)) { inSummary = true; continue; }
            if (!inSummary) continue;
            if (line.TrimStart().StartsWith('*')) count++;
            else if (line.Trim().Length > 0) break;
        }
        return count;
    }
}

public sealed class CrmSimulateFailedException(string message) : Exception(message);
