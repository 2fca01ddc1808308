using System.Collections.Immutable;
using System.Diagnostics;
using HaApi.Integrations.Corosync.Native;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// The native handles of one HaApi process: a CPG handle joined to the group and a votequorum handle tracking
/// quorum, plus what cmap told us at start-up. Opening retries CS_ERR_TRY_AGAIN (corosync refuses connections while
/// it starts) within the start deadline. Callbacks registered here run only inside Dispatch calls, which the
/// <see cref="DispatchLoop"/> makes on its own thread. Opening blocks (bounded by StartTimeout): call it off the
/// engine's thread.
/// </summary>
internal sealed unsafe class CorosyncConnection
{
    private CpgName _group;

    private CorosyncConnection(ulong cpg, ulong votequorum, CpgName group)
    {
        CpgHandle = cpg;
        VotequorumHandle = votequorum;
        _group = group;
    }

    public ulong CpgHandle { get; }
    public ulong VotequorumHandle { get; }
    public uint LocalNodeId { get; private set; }
    public int MaxAtomicMessageBytes { get; private set; }
    public ImmutableArray<CorosyncNode> Nodes { get; private set; } = [];
    public TimeSpan TokenTimeout { get; private set; }
    public int CpgFd { get; private set; }
    public int VotequorumFd { get; private set; }

    public static CorosyncConnection Open(CorosyncTransportOptions options, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        try
        {
            var (nodes, token) = ReadClusterConfig(options, deadline, cancellationToken);

            ulong cpg = 0;
            Retry("cpg_model_initialize", options, deadline, () =>
            {
                var model = new CpgModelV1Data
                {
                    Model = CpgModelV1Data.ModelV1,
                    DeliverFn = &DispatchLoop.OnDeliver,
                    ConfchgFn = &DispatchLoop.OnConfchg,
                    TotemConfchgFn = &DispatchLoop.OnTotemConfchg,
                    Flags = CpgModelV1Data.DeliverInitialTotemConf,
                };
                ulong handle;
                var rc = Cpg.ModelInitialize(&handle, CpgModelV1Data.ModelV1, &model, null);
                cpg = handle;
                return rc;
            }, cancellationToken);

            ulong votequorum = 0;
            try
            {
                Retry("votequorum_initialize", options, deadline, () =>
                {
                    var callbacks = new VotequorumCallbacks
                    {
                        QuorumNotifyFn = &DispatchLoop.OnQuorum,
                        ExpectedVotesNotifyFn = &DispatchLoop.OnExpectedVotes,
                        NodelistNotifyFn = &DispatchLoop.OnNodelist,
                    };
                    ulong handle;
                    var rc = Votequorum.Initialize(&handle, &callbacks);
                    votequorum = handle;
                    return rc;
                }, cancellationToken);

                var connection = new CorosyncConnection(cpg, votequorum, CpgName.From(options.GroupName))
                {
                    Nodes = nodes,
                    TokenTimeout = token,
                };
                connection.Prepare(options, deadline, cancellationToken);
                return connection;
            }
            catch
            {
                if (votequorum != 0)
                    Votequorum.Finalize(votequorum);
                Cpg.Finalize(cpg);
                throw;
            }
        }
        catch (DllNotFoundException e)
        {
            throw CorosyncUnavailable.LibraryMissing(e);
        }
    }

    private void Prepare(CorosyncTransportOptions options, Stopwatch deadline, CancellationToken cancellationToken)
    {
        uint nodeId = 0;
        Retry("cpg_local_get", options, deadline, () =>
        {
            uint id;
            var rc = Cpg.LocalGet(CpgHandle, &id);
            nodeId = id;
            return rc;
        }, cancellationToken);
        LocalNodeId = nodeId;

        uint maxAtomic;
        var sizeRc = Cpg.MaxAtomicMsgSizeGet(CpgHandle, &maxAtomic);
        // 1,047,552 bytes on corosync 3.1.7; the fallback is comfortably below it.
        MaxAtomicMessageBytes = sizeRc == CsError.Ok && maxAtomic > FragmentHeader.Size ? (int)maxAtomic : 512 * 1024;

        int fd;
        Check("cpg_fd_get", Cpg.FdGet(CpgHandle, &fd), options);
        CpgFd = fd;
        Check("votequorum_fd_get", Votequorum.FdGet(VotequorumHandle, &fd), options);
        VotequorumFd = fd;
        Check("votequorum_trackstart", Votequorum.TrackStart(VotequorumHandle, 0, CsTrack.Current | CsTrack.Changes), options);

        // cpg_join answers CS_ERR_TRY_AGAIN while an earlier leave of the same pid is still undelivered.
        Retry("cpg_join", options, deadline, () =>
        {
            var group = _group;
            return Cpg.Join(CpgHandle, &group);
        }, cancellationToken);
    }

    public CsError Multicast(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        fixed (byte* h = header)
        fixed (byte* p = payload)
        {
            var vector = stackalloc IoVec[2];
            vector[0] = new IoVec { Base = h, Length = (nuint)header.Length };
            vector[1] = new IoVec { Base = p, Length = (nuint)payload.Length };
            return Cpg.McastJoined(CpgHandle, CpgGuarantee.Agreed, vector, payload.IsEmpty ? 1u : 2u);
        }
    }

    public bool TryGetQuorumInfo(out VotequorumInfo info)
    {
        VotequorumInfo result;
        var rc = Votequorum.GetInfo(VotequorumHandle, Votequorum.LocalNode, &result);
        info = result;
        return rc == CsError.Ok;
    }

    /// <summary>Leaves and releases the handles. Only call once the dispatch thread has stopped.</summary>
    public void Close()
    {
        var group = _group;
        Cpg.Leave(CpgHandle, &group);
        Cpg.Finalize(CpgHandle);
        Votequorum.Finalize(VotequorumHandle);
    }

    private static (ImmutableArray<CorosyncNode> Nodes, TimeSpan Token) ReadClusterConfig(
        CorosyncTransportOptions options, Stopwatch deadline, CancellationToken cancellationToken)
    {
        ulong cmap = 0;
        Retry("cmap_initialize", options, deadline, () =>
        {
            ulong handle;
            var rc = Cmap.Initialize(&handle);
            cmap = handle;
            return rc;
        }, cancellationToken);
        try
        {
            var nodes = ImmutableArray.CreateBuilder<CorosyncNode>();
            // The nodelist is dense from index 0; corosync refuses to start on a gap.
            for (var i = 0; i < 1024; i++)
            {
                if (Cmap.GetUInt32OrNull(cmap, $"nodelist.node.{i}.nodeid") is not { } id)
                    break;
                var address = Cmap.GetStringOrNull(cmap, $"nodelist.node.{i}.ring0_addr");
                var name = Cmap.GetStringOrNull(cmap, $"nodelist.node.{i}.name") ?? address ?? $"node{id}";
                nodes.Add(new CorosyncNode(id, name, address));
            }
            nodes.Sort((a, b) => a.NodeId.CompareTo(b.NodeId));
            // runtime.config.* holds the effective value after token_coefficient; totem.token is only what was written.
            var tokenMs = Cmap.GetUInt32OrNull(cmap, "runtime.config.totem.token") ?? 3000;
            return (nodes.ToImmutable(), TimeSpan.FromMilliseconds(tokenMs));
        }
        finally
        {
            Cmap.Finalize(cmap);
        }
    }

    private static void Check(string call, CsError rc, CorosyncTransportOptions options)
    {
        if (rc != CsError.Ok)
            throw CorosyncUnavailable.ConnectFailed(call, rc, options.ConfigPath);
    }

    private static void Retry(
        string call, CorosyncTransportOptions options, Stopwatch deadline, Func<CsError> attempt, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var rc = attempt();
            if (rc == CsError.Ok)
                return;
            if (rc is not (CsError.TryAgain or CsError.QueueFull) || deadline.Elapsed + delay > options.StartTimeout)
                throw CorosyncUnavailable.ConnectFailed(call, rc, options.ConfigPath);
            if (cancellationToken.WaitHandle.WaitOne(delay))
                cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }
    }
}
