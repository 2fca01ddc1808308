namespace HaApi.Integrations.Agents;

/// <summary>Agent output, attribute files and process records may carry whatever agents print (including
/// parameter values): keep HaApi's own directories readable by root only.</summary>
internal static class PrivateDirectory
{
    public static string Create(string path)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("agents run on Linux only");
        if (!Directory.Exists(path)) Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
