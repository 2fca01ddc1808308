using System.Globalization;

namespace HaApi.Integrations.Agents;

/// <summary>The fields of /proc/PID/stat HaApi needs. StartTicks (time since boot the process started, in clock
/// ticks) makes a (pid, start) pair unique across pid reuse.</summary>
internal sealed record ProcStat(int Pid, char State, int ProcessGroupId, int SessionId, ulong StartTicks)
{
    public bool IsZombie => State is 'Z' or 'X';

    public static ProcStat? TryRead(int pid, string procRoot = "/proc")
    {
        if (pid <= 0) return null;
        string text;
        try { text = File.ReadAllText($"{procRoot}/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        return Parse(pid, text);
    }

    internal static ProcStat? Parse(int pid, string text)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces and ')', so split after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var f = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: [0]=state [1]=ppid [2]=pgrp [3]=session ... [19]=starttime (field 22 overall).
        if (f.Length < 20 || f[0].Length != 1) return null;
        if (!int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)) return null;
        if (!int.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)) return null;
        if (!ulong.TryParse(f[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)) return null;
        return new ProcStat(pid, f[0][0], pgrp, session, start);
    }

    /// <summary>Live (non-zombie) processes of the process group <paramref name="processGroupId"/> that HaApi created with
    /// setsid, so the group also leads its session. Requiring both keeps a recycled id from matching someone else's group.</summary>
    public static IReadOnlyList<int> GroupMembers(int processGroupId, string procRoot = "/proc")
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            var stat = TryRead(pid, procRoot);
            if (stat is { IsZombie: false } && stat.ProcessGroupId == processGroupId && stat.SessionId == processGroupId) members.Add(pid);
        }
        return members;
    }
}
