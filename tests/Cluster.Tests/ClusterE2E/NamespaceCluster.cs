using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// A real cluster made by scripts/cluster: one network namespace per node, real corosync (knet, token 1000 ms) and a
/// real haapi process in each, all sharing the one API token the script generates. Reached from the root namespace
/// over the cluster's bridge. Also used by bench/ReplicationBench.
/// </summary>
public sealed class NamespaceCluster : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);
    private readonly Dictionary<int, string> addresses = [];
    private readonly List<HttpClient> clients = [];
    private bool up;

    public NamespaceCluster(string name, string haapiDll)
    {
        Name = name;
        HaapiDll = haapiDll;
        if (!File.Exists(haapiDll))
            throw new InvalidOperationException($"{haapiDll} is missing: build src/Api (dotnet build HaApi.sln).");
    }

    public string Name { get; }
    public string HaapiDll { get; }
    public int Size { get; private set; }
    public string Token { get; private set; } = "";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// Where this cluster's haapi nodes look up fence_* agents (HAAPI_FENCE_AGENT_DIR) instead of /usr/sbin, so tests
    /// install agents of their own without touching the system. Inside the state directory: "down" removes it.
    /// </summary>
    public string FenceAgentDirectory => Path.Combine(StateRoot, Name, "fence-agents");

    public static string StateRoot =>
        Environment.GetEnvironmentVariable("HAAPI_CLUSTER_STATE_ROOT") is { Length: > 0 } root ? root : "/var/tmp/haapi-cluster";

    /// <summary>Creates the namespaces, starts corosync and haapi on every node; reads back addresses and token.</summary>
    public void Up(int size)
    {
        Size = size;
        up = true;
        var output = Run("up", size.ToString());
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split(": ", 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2) continue;
            if (parts[0] == "token") Token = parts[1];
            else if (parts[0].StartsWith("node", StringComparison.Ordinal) && int.TryParse(parts[0][4..], out var i)) addresses[i] = parts[1];
        }
        if (Token.Length == 0 || addresses.Count != size)
            throw new InvalidOperationException($"scripts/cluster up did not print {size} node addresses and a token:\n{output}");
    }

    public Uri BaseAddress(int node) => new($"http://{addresses[node]}:7480");

    /// <summary>The file a node's self-fence command creates (see <see cref="Run"/>).</summary>
    public string SelfFenceMark(string node) => Path.Combine(StateRoot, Name, $"{node}.self-fenced");

    /// <summary>An address of the cluster's own /24 (host .254, node i .i), for virtual IPs the tests create.</summary>
    public string AddressInSubnet(int host) => $"{addresses[1][..addresses[1].LastIndexOf('.')]}.{host}";

    /// <summary>Runs a command in a node's network and mount namespaces (scripts/cluster exec).</summary>
    public string Exec(int node, params string[] command) => Run(["exec", $"node{node}", "--", .. command]);

    /// <summary>An authenticated client for one node. Connects fail fast (a cut or killed node), requests within 35 s
    /// (longer than the engine's 30 s submit timeout, so its own answer wins).</summary>
    public HttpClient Client(int node, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = BaseAddress(node),
            Timeout = timeout ?? TimeSpan.FromSeconds(35),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        lock (clients) clients.Add(client);
        return client;
    }

    public string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "scripts", "cluster"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--name", Name, .. arguments]) start.ArgumentList.Add(a);
        start.Environment["HAAPI_TOKEN_MS"] = "1000";
        start.Environment["HAAPI_TOKEN_COEFFICIENT_MS"] = "0";
        start.Environment["HAAPI_NODE_CMD"] = $"dotnet '{HaapiDll.Replace("'", "'\\''")}'";
        // Inherited by haapi: no extra metrics listener, production error pages.
        start.Environment["HAAPI_METRICS_URLS"] = "none";
        // A harmless self-fence: the node leaves a mark instead of rebooting the machine the tests run on.
        start.Environment["HAAPI_SELF_FENCE_COMMAND"] = $"touch '{SelfFenceMark("'\"$HAAPI_NODE\"'")}'";
        start.Environment["HAAPI_SELF_FENCE_AFTER_SECONDS"] = "5";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["HAAPI_FENCE_AGENT_DIR"] = FenceAgentDirectory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/cluster");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ScriptTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/cluster {string.Join(' ', arguments)} did not finish within {ScriptTimeout}");
        }
        var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/cluster {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
        return output;
    }

    /// <summary>A node's log file (haapi.log, corosync.log) on the host.</summary>
    public string LogPath(int node, string log = "haapi.log") => Path.Combine(StateRoot, Name, $"node{node}", log);

    /// <summary>The last lines of every node's haapi and corosync logs, for failure messages.</summary>
    public string Logs(int lines = 15)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Size; i++)
            foreach (var log in new[] { "haapi.log", "corosync.log" })
            {
                var path = LogPath(i, log);
                if (!File.Exists(path)) continue;
                text.AppendLine($"--- node{i}/{log}");
                foreach (var line in File.ReadLines(path).TakeLast(lines)) text.AppendLine(line);
            }
        return text.ToString();
    }

    public void Dispose()
    {
        lock (clients) foreach (var c in clients) c.Dispose();
        if (up) Run("down");
        up = false;
    }

    /// <summary>
    /// Removes clusters named PREFIX&lt;pid&gt;-... whose owning process is gone (a run killed before Dispose).
    /// Other live runs' clusters are left alone.
    /// </summary>
    public static void ReapAbandoned(string prefix, string haapiDll)
    {
        var names = Directory.Exists(StateRoot)
            ? Directory.EnumerateDirectories(StateRoot, prefix + "*").Select(Path.GetFileName).OfType<string>()
            : [];
        var namespaces = Directory.Exists("/run/netns")
            ? Directory.EnumerateFiles("/run/netns", "haapi-" + prefix + "*").Select(Path.GetFileName).OfType<string>()
                .Select(ns => ns["haapi-".Length..ns.LastIndexOf("-node", StringComparison.Ordinal)])
            : [];
        foreach (var name in names.Concat(namespaces).Distinct())
        {
            var owner = name[prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && !Directory.Exists($"/proc/{pid}"))
                new NamespaceCluster(name, haapiDll).Run("down");
        }
    }

    /// <summary>Fails with the fix when the run cannot create namespace clusters.</summary>
    public static void RequireRootAndTools()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException(
                "The cluster end-to-end tests create network namespaces and must run as root (CI runs scripts/test as root).");
        var missing = new[] { "corosync", "corosync-quorumtool", "ip", "iptables", "nsenter", "unshare", "setsid", "dotnet" }
            .Where(tool => !new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin" }.Any(dir => File.Exists(Path.Combine(dir, tool)))
                           && !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool))))
            .ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException(
                $"Missing tools for the cluster tests: {string.Join(", ", missing)}. Install the Debian packages listed in "
                + "scripts/test-deps.d/corosync.txt and scripts/test-deps.d/cluster.txt.");
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "HaApi.sln")))
                    return dir.FullName;
        throw new InvalidOperationException($"HaApi.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
    }
}
