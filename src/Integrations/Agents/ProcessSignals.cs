using System.Runtime.InteropServices;

namespace HaApi.Integrations.Agents;

/// <summary>kill(2) for process groups: .NET's Process.Kill(entireProcessTree) walks children by parent pid and
/// misses re-parented grandchildren, whereas agents run in their own session and a whole group dies at once.</summary>
internal static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private const int Esrch = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Signals every process of the group; false when the group no longer exists.</summary>
    public static bool SignalGroup(int processGroupId, int signal)
    {
        if (processGroupId <= 1) throw new ArgumentOutOfRangeException(nameof(processGroupId), processGroupId, "refusing to signal process group <= 1");
        if (Kill(-processGroupId, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Esrch) return false;
        throw new InvalidOperationException($"kill(-{processGroupId}, {signal}) failed with errno {errno}");
    }
}
