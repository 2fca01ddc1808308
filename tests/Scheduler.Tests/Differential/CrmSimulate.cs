using System.Diagnostics;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>Runs Pacemaker's crm_simulate (Debian package pacemaker-cli-utils) on a CIB file, offline.</summary>
public static class CrmSimulate
{
    public const string Executable = "/usr/sbin/crm_simulate";

    public static void RequireInstalled()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install the Debian package pacemaker-cli-utils (listed in scripts/test-deps.d/scheduler.txt)");
    }

    /// <summary>The "Transition Summary:" lines of <c>crm_simulate -x FILE -R</c>.</summary>
    public static IReadOnlyList<string> TransitionSummary(string cibXml, string workDir)
    {
        var cib = Path.Combine(workDir, "cib.xml");
        File.WriteAllText(cib, cibXml);
        var shadow = Path.Combine(workDir, "shadow");
        Directory.CreateDirectory(shadow);
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-x");
        psi.ArgumentList.Add(cib);
        // -R schedules without simulating execution: same Transition Summary, much faster.
        psi.ArgumentList.Add("-R");
        psi.Environment["LC_ALL"] = "C";
        // crm_simulate writes a temporary shadow copy of the CIB; keep it in this test's own folder.
        psi.Environment["CIB_shadow_dir"] = shadow;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"crm_simulate did not finish within 30 s on {cib}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"crm_simulate exited with {process.ExitCode}: {stderr.Result}");
        var lines = stdout.Result.Split('\n');
        var result = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("Transition Summary:", StringComparison.Ordinal)) { inside = true; continue; }
            if (!inside) continue;
            if (line.Length > 0 && !char.IsWhiteSpace(line[0])) break;
            if (line.Trim().Length > 0) result.Add(line);
        }
        return result;
    }
}
