using System.Runtime.InteropServices;

namespace HaApi.Integrations.Alerts;

/// <summary>Signals a whole process group, so an agent's children (sleep, snmptrap, curl) die with it.</summary>
internal static partial class ProcessGroup
{
    private const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>SIGKILL to the group led by pgid; false when no such group remains.</summary>
    public static bool KillGroup(int pgid) => pgid > 1 && Kill(-pgid, SigKill) == 0;
}
