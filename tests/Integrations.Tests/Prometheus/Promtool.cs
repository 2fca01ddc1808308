using System.Diagnostics;

namespace HaApi.Integrations.Tests.Prometheus;

/// <summary>Runs the real promtool (Debian package "prometheus") on an exposition.</summary>
internal static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    public static (int ExitCode, string Output) CheckMetrics(string exposition)
    {
        if (!File.Exists(Path))
            Assert.Fail($"{Path} is missing: install the Debian package 'prometheus' (listed in scripts/test-deps.d/metrics.txt).");
        var psi = new ProcessStartInfo(Path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("promtool check metrics did not finish in 30 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
