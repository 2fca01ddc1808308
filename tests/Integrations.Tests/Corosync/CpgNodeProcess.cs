using System.Diagnostics;
using System.Text.Json;

namespace HaApi.Integrations.Tests.Corosync;

/// <summary>
/// A tools/CpgNode process inside one node's namespaces: every line it prints is a JSON event kept in order;
/// tests wait on those events with a timeout and write lines to make it multicast.
/// </summary>
internal sealed class CpgNodeProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly object _lock = new();
    private readonly Task _reader;
    private readonly System.Text.StringBuilder _stderr = new();

    private CpgNodeProcess(Process process, int node)
    {
        _process = process;
        Node = node;
        _reader = Task.Run(ReadAsync);
        _process.ErrorDataReceived += (_, e) => { lock (_lock) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
    }

    public int Node { get; }

    public uint Pid { get; private set; }

    /// <summary>Starts cpgnode in a group and waits until it has joined; fails with its error otherwise.</summary>
    public static CpgNodeProcess Start(CorosyncClusterFixture cluster, int node, string group)
    {
        var member = Launch(cluster, node, "--group", group);
        var first = member.WaitFor(e => Is(e, "started") || Is(e, "error"), TimeSpan.Zero, "started");
        if (Is(first, "error"))
        {
            member.Dispose();
            throw new InvalidOperationException($"cpgnode on node{node} could not start: {first.GetProperty("error").GetString()}");
        }
        member.Pid = first.GetProperty("pid").GetUInt32();
        return member;
    }

    /// <summary>Starts cpgnode and waits for its first line, which is "started" or the "error" it failed with.</summary>
    public static CpgNodeProcess Launch(CorosyncClusterFixture cluster, int node, params string[] arguments)
    {
        var process = cluster.Script.Exec(node, ["env", "DOTNET_EnableDiagnostics=0", "DOTNET_CLI_TELEMETRY_OPTOUT=1",
            "dotnet", cluster.CpgNodeDll, .. arguments]);
        var member = new CpgNodeProcess(process, node);
        try
        {
            member.WaitFor(e => Is(e, "started") || Is(e, "error"), StartTimeout, "started or error");
            return member;
        }
        catch
        {
            member.Dispose();
            throw;
        }
    }

    public static bool Is(JsonElement e, string kind) => e.GetProperty("event").GetString() == kind;

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public IReadOnlyList<JsonElement> Events(string kind)
    {
        lock (_lock)
            return _events.Where(e => Is(e, kind)).ToList();
    }

    public JsonElement WaitFor(Func<JsonElement, bool> match, TimeSpan timeout, string what) => WaitFor(match, timeout, what, since: 0);

    /// <summary>Every event printed from index since on, in the order the transport delivered them.</summary>
    public IReadOnlyList<JsonElement> EventsSince(int since)
    {
        lock (_lock)
            return _events.Skip(since).ToList();
    }

    /// <summary>Events printed so far; pass it as since to wait only for what comes after.</summary>
    public int EventCount
    {
        get
        {
            lock (_lock)
                return _events.Count;
        }
    }

    /// <summary>Waits for the first matching event at index since or later; fails with everything seen so far.</summary>
    public JsonElement WaitFor(Func<JsonElement, bool> match, TimeSpan timeout, string what, int since)
    {
        var deadline = Stopwatch.StartNew();
        lock (_lock)
        {
            while (true)
            {
                for (var i = since; i < _events.Count; i++)
                {
                    if (match(_events[i]))
                        return _events[i];
                }
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero || _reader.IsCompleted)
                    throw new TimeoutException(
                        $"node{Node}: no '{what}' within {timeout.TotalSeconds:0.#} s. Events:\n"
                        + string.Join('\n', _events.Select(x => x.GetRawText()[..Math.Min(300, x.GetRawText().Length)]))
                        + $"\nstderr:\n{_stderr}");
                Monitor.Wait(_lock, left);
            }
        }
    }

    /// <summary>The first view whose member node ids match.</summary>
    public JsonElement WaitForView(Func<uint[], bool> members, TimeSpan timeout, string what) =>
        WaitFor(e => Is(e, "view") && members(MemberIds(e)), timeout, what);

    public static uint[] MemberIds(JsonElement view) =>
        view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("nodeId").GetUInt32()).ToArray();

    private async Task ReadAsync()
    {
        string? line;
        while ((line = await _process.StandardOutput.ReadLineAsync()) is not null)
        {
            if (!line.StartsWith('{'))
                continue;
            var e = JsonDocument.Parse(line).RootElement.Clone();
            lock (_lock)
            {
                _events.Add(e);
                Monitor.PulseAll(_lock);
            }
        }
        lock (_lock)
            Monitor.PulseAll(_lock);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
