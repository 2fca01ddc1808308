using System.Collections.Immutable;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Tests.Fencing;

/// <summary>A unique temporary directory per test, removed on dispose even when the test failed.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "haapi-fencing-" + Guid.NewGuid().ToString("N"));
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes an executable script.</summary>
    public string Script(string name, string body)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, "#!/bin/bash\n" + body);
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Require
{
    /// <summary>Fails (never skips) when a Debian-provided tool is missing: CI installs it from scripts/test-deps.d.</summary>
    public static void Tool(string path, string package)
    {
        if (!System.IO.File.Exists(path))
            Assert.Fail($"{path} is missing: install the Debian package '{package}' (listed in scripts/test-deps.d/fencing.txt)");
    }
}

internal static class Devices
{
    public static FenceDevice Make(string id, string agent, IEnumerable<KeyValuePair<string, string>> parameters, string? hostMap = null) =>
        new(id, agent, Attributes.From(parameters), HostMapSyntax.Parse(hostMap), ImmutableArray<string>.Empty, HostCheck.None);

    public static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    public static FenceRequest Request(string target, FenceAction action, double timeoutSeconds = 10, string origin = "node1") =>
        new(target, action, origin, TimeSpan.FromSeconds(timeoutSeconds));
}
