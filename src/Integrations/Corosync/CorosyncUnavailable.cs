using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync.Native;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// Turns what went wrong talking to corosync into a TransportUnavailableException that says what is missing and how
/// to fix it. The causes were each reproduced against a real corosync 3.1.7 (see specs/corosync.md).
/// </summary>
internal static class CorosyncUnavailable
{
    public static TransportUnavailableException LibraryMissing(DllNotFoundException e) => new(
        "The corosync client libraries (libcpg.so.4, libvotequorum.so.8, libcmap.so.4) are not installed: "
        + "install them with 'apt-get install corosync' (or libcpg4 libvotequorum8 libcmap4 on a client-only host).", e);

    public static TransportUnavailableException ConnectFailed(string call, CsError error, string configPath)
    {
        var code = CsErrorText.Name(error);
        var message = error switch
        {
            // libqb's IPC sockets are abstract unix sockets, private to a network namespace.
            CsError.Library => NotReachable(call, code, configPath),
            CsError.Access =>
                $"corosync refused the connection ({call} returned {code}): this process runs as uid {Environment.UserName}, "
                + "which corosync does not allow. Run HaApi as root or allow its user with 'uidgid { uid: <user> }' "
                + $"in {configPath} (or a file in /etc/corosync/uidgid.d/) and reload corosync.",
            // Same network namespace but a different /dev/shm: libqb cannot open the shared ring buffers.
            CsError.NotExist =>
                $"corosync accepted the connection but its IPC buffers are missing ({call} returned {code}): HaApi and "
                + "corosync see different /dev/shm (different mount namespaces or containers). Share /dev/shm with "
                + "corosync, or set 'system { qb_ipc_type: socket }' in corosync.conf.",
            CsError.TryAgain =>
                $"corosync kept answering {code} to {call}: it is still starting or re-forming its membership. "
                + "Check 'corosync-cfgtool -s' and 'corosync-quorumtool -s', then retry.",
            _ => $"{call} failed with {code}; corosync's log (journalctl -u corosync) says why.",
        };
        return new TransportUnavailableException(message);
    }

    public static TransportUnavailableException NotAnswering(TimeSpan timeout) => new(
        $"corosync accepted the connection but did not answer within {timeout.TotalSeconds:0.#} s: it is hung or "
        + "overloaded. Check 'systemctl status corosync' and 'corosync-cfgtool -s', restart corosync if it stays stuck.");

    public static TransportUnavailableException JoinTimedOut(string group, TimeSpan timeout) => new(
        $"joined CPG group '{group}' but corosync did not confirm the membership within {timeout.TotalSeconds:0.#} s: "
        + "the cluster is probably re-forming. Check 'corosync-cfgtool -s' and 'corosync-cpgtool' on this node.");

    public static TransportUnavailableException ConnectionLost(CsError error) => new(
        $"lost the connection to corosync ({CsErrorText.Name(error)}): corosync stopped or restarted on this node. "
        + "This node has left the cluster; restart HaApi after corosync is back (systemctl status corosync).");

    public static TransportUnavailableException Evicted() => new(
        "corosync removed this process from the CPG group (evicted): another process with the same node id and pid "
        + "took its place, or the membership was rebuilt without it. Restart HaApi to rejoin.");

    public static TransportUnavailableException SendTimedOut(TimeSpan timeout) => new(
        $"corosync answered CS_ERR_TRY_AGAIN to every multicast for {timeout.TotalSeconds:0.#} s: it is flow-controlling "
        + "this node (overloaded totem queue or a membership change that does not settle). Check 'corosync-cfgtool -s'.");

    private static string NotReachable(string call, string code, string configPath)
    {
        var (here, elsewhere) = FindCorosyncProcesses();
        if (here is not null)
            return $"corosync (pid {here}) runs in this network namespace but refused the connection ({call} returned "
                + $"{code}): it is still starting, or runs in another mount namespace or container. Retry, or run HaApi "
                + "where corosync runs.";
        var config = File.Exists(configPath)
            ? $"{configPath} exists; if corosync fails to start, check it with 'corosync -t' and 'journalctl -u corosync'"
            : $"{configPath} is missing: write it first (totem, a nodelist with every node, quorum provider "
              + "corosync_votequorum; see corosync.conf(5)) and copy /etc/corosync/authkey to every node";
        var other = elsewhere is null
            ? ""
            : $" A corosync (pid {elsewhere}) runs in another network namespace: to use it, run HaApi inside that "
              + "namespace ('nsenter -t <corosync pid> -n -m haapi').";
        return $"corosync is not running in this network namespace ({call} returned {code}): start it with "
            + $"'systemctl start corosync'; {config}.{other}";
    }

    /// <summary>
    /// Finds corosync processes by /proc/*/comm and tells the ones in our network namespace (libqb's abstract sockets
    /// are per namespace) from the others, so the message can say "not running" or "not reachable from here".
    /// </summary>
    private static (int? Here, int? Elsewhere) FindCorosyncProcesses()
    {
        int? here = null, elsewhere = null;
        try
        {
            var ourNamespace = NetworkNamespaceOf("self");
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    continue;
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "corosync")
                        continue;
                    if (ourNamespace is not null && NetworkNamespaceOf(pid.ToString()) == ourNamespace)
                        here ??= pid;
                    else
                        elsewhere ??= pid;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The process exited while we looked, or is not ours to inspect.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (not Linux, or restricted): fall back to the plain "not running" message.
        }
        return (here, elsewhere);
    }

    private static string? NetworkNamespaceOf(string process) =>
        new FileInfo($"/proc/{process}/ns/net").LinkTarget;
}
