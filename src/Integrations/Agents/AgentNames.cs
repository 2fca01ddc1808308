namespace HaApi.Integrations.Agents;

/// <summary>Agent providers, types and unit names become path components: only plain names are accepted, so a
/// configured type can never climb out of the agent directory.</summary>
internal static class AgentNames
{
    public static bool IsSafePathComponent(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255 || name[0] == '.') return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+' or '@' or ':' )) return false;
        }
        return true;
    }

    /// <summary>Whether a file exists and someone may execute it (root still needs one x bit).</summary>
    public static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            var mode = File.GetUnixFileMode(path);
            return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
