using System.Diagnostics;

namespace HaApi.Api.Tests.Deployment;

/// <summary>Files of the repository (the deployment files are checked where they are committed).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HaApi.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (HaApi.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs a command-line tool that the deployment files are checked with, failing clearly when it is missing.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }

    /// <summary>Runs <paramref name="program"/> (a path or a name on PATH) in the repository root.</summary>
    public static Result Run(string program, IEnumerable<string> arguments, string? input = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var resolved = Resolve(program) ?? throw new InvalidOperationException(
            $"'{program}' is not installed: the deployment tests need the Debian packages in scripts/test-deps.d/deploy.txt " +
            "(scripts/test installs them when run as root)");
        var start = new ProcessStartInfo(resolved)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryFiles.Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within 60 s");
        }
        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    private static string? Resolve(string program) =>
        program.Contains('/') ? (File.Exists(program) ? program : null)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
