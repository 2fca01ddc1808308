using System.Collections.Immutable;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

/// <summary>A private run/state directory per test, removed afterwards, and helpers to build requests.</summary>
public sealed class AgentTestBed : IDisposable
{
    public const string DebianOcfRoot = "/usr/lib/ocf";

    public string Root { get; } = Directory.CreateTempSubdirectory("haapi-agents-").FullName;

    public AgentRunnerOptions Options { get; }

    public AgentTestBed(string? ocfRoot = null, string? initDirectory = null)
    {
        Options = new AgentRunnerOptions
        {
            OcfRoot = ocfRoot ?? DebianOcfRoot,
            RunDirectory = Path.Combine(Root, "run"),
            StateDirectory = Path.Combine(Root, "state"),
            InitDirectory = initDirectory ?? Path.Combine(Root, "init.d"),
        };
    }

    public string PathFor(string name) => Path.Combine(Root, name);

    /// <summary>A test that needs a Debian package fails, loudly, when it is missing: CI installs it.</summary>
    public static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
            Assert.Fail($"{path} is missing: install the Debian package '{package}' (listed in scripts/test-deps.d/executor.txt)");
    }

    public static Primitive Primitive(string id, ResourceClass cls, string? provider, string type,
        IEnumerable<KeyValuePair<string, string>>? parameters = null, IEnumerable<KeyValuePair<string, string>>? meta = null) =>
        new(id, cls, provider, type, Attributes.From(parameters), Attributes.From(meta), ImmutableArray<Operation>.Empty);

    public static OperationRequest Request(Primitive p, string action, TimeSpan? interval = null, TimeSpan? timeout = null,
        IEnumerable<KeyValuePair<string, string>>? extraMeta = null) =>
        new(p.Id, p, action, interval ?? TimeSpan.Zero, timeout ?? TimeSpan.FromSeconds(20), "node1", Attributes.From(extraMeta));

    /// <summary>Writes an executable script.</summary>
    public static void WriteScript(string path, string body)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, body.Replace("\r\n", "\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Waits (bounded) until a process is gone or a zombie.</summary>
    public static bool WaitUntilDead(int pid, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (!IsAlive(pid)) return true;
            Thread.Sleep(20);
        }
        return !IsAlive(pid);
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
