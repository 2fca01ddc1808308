using System.Diagnostics;

namespace HaApi.Integrations.Tests.Corosync;

/// <summary>Runs scripts/cluster for one named cluster and fails loudly with its output.</summary>
internal sealed class ClusterScript(string clusterName)
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string ClusterName { get; } = clusterName;

    public string ScriptPath => Path.Combine(RepositoryRoot, "scripts", "cluster");

    public string Run(TimeSpan timeout, params string[] arguments)
    {
        using var process = Start(arguments, redirectStdin: false);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/cluster {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/cluster {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
        return output;
    }

    /// <summary>Starts a command inside a node's namespaces (scripts/cluster exec), stdout and stdin redirected.</summary>
    public Process Exec(int node, params string[] command) =>
        Start(["exec", $"node{node}", "--", .. command], redirectStdin: true);

    private Process Start(string[] arguments, bool redirectStdin)
    {
        var start = new ProcessStartInfo(ScriptPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--name");
        start.ArgumentList.Add(ClusterName);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["HAAPI_TOKEN_MS"] = "1000";
        start.Environment["HAAPI_TOKEN_COEFFICIENT_MS"] = "0";
        start.Environment.Remove("HAAPI_NODE_CMD");
        return Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/cluster");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaApi.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"HaApi.sln not found above {AppContext.BaseDirectory}");
    }
}
