namespace HaApi.Integrations.Tests.Corosync;

/// <summary>
/// One real 3-node corosync cluster (scripts/cluster, network namespaces, knet, token 1000 ms) shared by the tests
/// of a class, with a name unique to this run so parallel runs never meet. Removed in Dispose, also on failure.
/// </summary>
public sealed class CorosyncClusterFixture : IDisposable
{
    public const int Size = 3;
    private const string NamePrefix = "it-";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    public CorosyncClusterFixture()
    {
        RequireRootAndTools();
        ReapAbandonedClusters();
        Script = new ClusterScript($"{NamePrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        CpgNodeDll = FindCpgNode();
        try
        {
            Script.Run(ScriptTimeout, "up", Size.ToString());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal ClusterScript Script { get; }

    internal string CpgNodeDll { get; }

    public string Run(params string[] arguments) => Script.Run(ScriptTimeout, arguments);

    /// <summary>Starts tools/CpgNode in a node's namespaces and waits until it has joined the group.</summary>
    internal CpgNodeProcess StartMember(int node, string group) => CpgNodeProcess.Start(this, node, group);

    public void Dispose() => Script.Run(ScriptTimeout, "down");

    /// <summary>
    /// A test run that was killed (CI timeout, Ctrl-C) cannot run Dispose; the next run removes its clusters. Only
    /// clusters whose owning test process (the pid in the name) is gone are touched, so parallel runs are safe.
    /// </summary>
    private static void ReapAbandonedClusters()
    {
        var stateRoot = Environment.GetEnvironmentVariable("HAAPI_CLUSTER_STATE_ROOT") is { Length: > 0 } root ? root : "/var/tmp/haapi-cluster";
        var names = Directory.Exists(stateRoot)
            ? Directory.EnumerateDirectories(stateRoot, NamePrefix + "*").Select(Path.GetFileName).OfType<string>()
            : [];
        var namespaces = Directory.Exists("/run/netns")
            ? Directory.EnumerateFiles("/run/netns", "haapi-" + NamePrefix + "*").Select(Path.GetFileName).OfType<string>()
                .Select(ns => ns["haapi-".Length..ns.LastIndexOf("-node", StringComparison.Ordinal)])
            : [];
        foreach (var name in names.Concat(namespaces).Distinct())
        {
            var owner = name[NamePrefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && !Directory.Exists($"/proc/{pid}"))
                new ClusterScript(name).Run(ScriptTimeout, "down");
        }
    }

    private static void RequireRootAndTools()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException(
                "The corosync integration tests create network namespaces and must run as root (CI runs scripts/test as root).");
        var missing = new[] { "corosync", "corosync-quorumtool", "ip", "iptables", "nsenter", "unshare" }
            .Where(tool => !new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Any(dir => File.Exists(Path.Combine(dir, tool))))
            .ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException(
                $"Missing tools for the corosync tests: {string.Join(", ", missing)}. Install the Debian packages listed in "
                + "scripts/test-deps.d/corosync.txt (apt-get install corosync iproute2 iptables util-linux).");
    }

    /// <summary>CpgNode is built with the solution (a ProjectReference without its assembly); same configuration as us.</summary>
    private static string FindCpgNode()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        var path = Path.Combine(ClusterScript.RepositoryRoot, "tools", "CpgNode", "bin", configuration, "net10.0", "cpgnode.dll");
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} is missing: build tools/CpgNode (dotnet build HaApi.sln -c {configuration}).");
        return path;
    }
}
