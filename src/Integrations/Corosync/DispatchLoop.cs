using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync.Native;
using Microsoft.Extensions.Logging;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// Owns the one thread that calls cpg_dispatch and votequorum_dispatch. Callbacks only copy what corosync hands
/// them (the buffers die when the callback returns) into a small pending list; the loop moves that list into the
/// engine's bounded channel after dispatch returns, waiting when the channel is full so that back-pressure reaches
/// corosync instead of an unbounded queue. Nothing here decides anything: the engine acts on the events. The one
/// liberty taken with corosync's order is <see cref="RingQuorumOrdering"/>: a view from a new ring waits for that
/// ring's quorum, so the engine never acts on it with the quorum of the ring before.
/// </summary>
internal sealed unsafe partial class DispatchLoop
{
    /// <summary>Every *_dispatch keeps a 1 MiB buffer on the stack; 768 KiB crashed the process in the lab.</summary>
    private const int StackBytes = 4 * 1024 * 1024;
    private const int PollTimeoutMs = 100;
    /// <summary>Bounds the events gathered between two flushes, and those held behind a view awaiting its quorum:
    /// past it, CPG is not dispatched (corosync keeps the rest) while votequorum still is.</summary>
    private const int MaxPendingEvents = 256;

    [ThreadStatic]
    private static DispatchLoop? t_current;

    private readonly CorosyncConnection _connection;
    private readonly ChannelWriter<TransportEvent> _events;
    private readonly FragmentReassembler _reassembler;
    private readonly uint _localPid;
    private readonly Dictionary<uint, string> _names;
    private readonly RingQuorumOrdering _pending;
    private readonly List<TransportEvent> _ready = [];
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;

    private bool _isMember;
    private bool _quorumChanged;
    private bool _quorate;
    private ImmutableArray<uint> _quorumMembers = [];
    private Exception? _callbackFailure;
    private volatile CorosyncQuorumInfo? _quorum;

    public DispatchLoop(CorosyncConnection connection, ChannelWriter<TransportEvent> events, CorosyncTransportOptions options, ILogger log)
    {
        _connection = connection;
        _events = events;
        _log = log;
        _pending = new RingQuorumOrdering(options.RingQuorumWait);
        _localPid = (uint)Environment.ProcessId;
        _reassembler = new FragmentReassembler(options.MaxMessageBytes, maxPendingMessages: 256);
        _names = connection.Nodes.ToDictionary(n => n.NodeId, n => n.Name);
        _thread = new Thread(Run, StackBytes) { IsBackground = true, Name = "corosync-dispatch" };
    }

    /// <summary>Completes when corosync confirmed our own join (our node id and pid in a CPG member list).</summary>
    public Task Joined => _joined.Task;

    public CorosyncQuorumInfo? Quorum => _quorum;

    /// <summary>True once the thread has ended (stopped, or the connection failed); no delivery will follow.</summary>
    public bool HasEnded => _ended;
    private volatile bool _ended;

    public long DroppedFragments => Interlocked.Read(ref _droppedFragments);
    private long _droppedFragments;

    public string NameOf(uint nodeId) => _names.TryGetValue(nodeId, out var name) ? name : $"node{nodeId}";

    public void Start() => _thread.Start();

    /// <summary>
    /// Stops the thread. True means no callback runs any more and the handles may be finalized; false means the
    /// thread is stuck inside a native call (a hung corosync) and the handles must be left alone.
    /// </summary>
    public bool Stop(TimeSpan timeout)
    {
        _stop.Cancel();
        return !_thread.IsAlive || _thread.Join(timeout);
    }

    private void Run()
    {
        t_current = this;
        Exception? failure = null;
        try
        {
            failure = Loop();
        }
        catch (Exception e)
        {
            failure = new TransportUnavailableException($"corosync dispatch failed unexpectedly: {e.Message}", e);
        }
        finally
        {
            t_current = null;
            _ended = true;
            _joined.TrySetException(failure ?? new TransportUnavailableException("transport stopped before joining."));
            _events.TryComplete(failure);
        }
    }

    /// <summary>Returns null on a requested stop, or why the connection is unusable.</summary>
    private Exception? Loop()
    {
        var fds = stackalloc PollFd[2];
        while (!_stop.IsCancellationRequested)
        {
            // A full hold leaves CPG events with corosync (a negative fd is ignored by poll) until the quorum comes.
            var cpgFd = HoldIsFull ? -1 : _connection.CpgFd;
            fds[0] = new PollFd { Fd = cpgFd, Events = LibC.PollIn };
            fds[1] = new PollFd { Fd = _connection.VotequorumFd, Events = LibC.PollIn };
            var ready = LibC.Poll(fds, 2, PollTimeoutMs);
            if (ready < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EIntr)
                    continue;
                return new TransportUnavailableException($"poll() on corosync's IPC descriptors failed with errno {errno}.");
            }
            if (ready == 0)
            {
                // A held view is released at its limit even if corosync stays silent.
                if (_pending.Holding && !Flush())
                    return null;
                continue;
            }

            var failure = fds[0].ReturnedEvents != 0 ? DispatchCpg(fds[0].ReturnedEvents) : null;
            if (failure is null && fds[1].ReturnedEvents != 0)
            {
                var rc = Votequorum.Dispatch(_connection.VotequorumHandle, CsDispatch.All);
                if (rc != CsError.Ok)
                    failure = CorosyncUnavailable.ConnectionLost(rc);
                else
                    ReadQuorum();
            }
            failure ??= _callbackFailure;
            // What was delivered before a failure (the view that evicted us, say) still reaches the engine first; a
            // view still waiting for its quorum goes too, behind "not quorate", as no quorum will come any more.
            if (!Flush(releaseHeld: failure is not null) || failure is not null)
                return failure;
        }
        return null;
    }

    /// <summary>One event per call so a flood cannot grow the pending list past its bound.</summary>
    private Exception? DispatchCpg(short returnedEvents)
    {
        for (var dispatched = 0; !_stop.IsCancellationRequested; dispatched++)
        {
            var rc = Cpg.Dispatch(_connection.CpgHandle, CsDispatch.OneNonBlocking);
            if (rc == CsError.TryAgain)
            {
                // Readable-or-hung-up with nothing to read: corosync closed the connection.
                if (dispatched == 0 && (returnedEvents & (LibC.PollHup | LibC.PollErr | LibC.PollNval)) != 0)
                    return CorosyncUnavailable.ConnectionLost(CsError.Library);
                return null;
            }
            if (rc != CsError.Ok)
                return CorosyncUnavailable.ConnectionLost(rc);
            if (_callbackFailure is not null)
                return null;
            if (_pending.Count >= MaxPendingEvents && (!Flush() || HoldIsFull))
                return null;
        }
        return null;
    }

    private bool HoldIsFull => _pending.Holding && _pending.Count >= MaxPendingEvents;

    /// <summary>Moves the pending events that are not held to the channel, waiting for room. False when stopping.</summary>
    private bool Flush(bool releaseHeld = false)
    {
        try
        {
            var expired = _pending.TakeReady(_ready, releaseHeld ? long.MaxValue : Environment.TickCount64);
            foreach (var ring in releaseHeld ? [] : expired)
            {
                _log.LogWarning("votequorum did not report the quorum of ring {Ring} within {Limit} ms; its view is delivered " +
                                "as not quorate until it does (is corosync overloaded, or a quorum device not polling?)",
                    ring, (long)_pending.HoldLimit.TotalMilliseconds);
            }
            foreach (var item in _ready)
            {
                while (!_events.TryWrite(item))
                {
                    if (!_events.WaitToWriteAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                        return false;
                }
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _ready.Clear();
            Interlocked.Exchange(ref _droppedFragments, _reassembler.DroppedFragments);
        }
    }

    private void ReadQuorum()
    {
        if (!_quorumChanged)
            return;
        _quorumChanged = false;
        // Vote counts are not part of the notification; getinfo is a request on the same handle, so it is made
        // here, after votequorum_dispatch returned, rather than from inside the callback.
        if (!_connection.TryGetQuorumInfo(out var info))
            info = default;
        var qdeviceName = ReadQdeviceName(&info);
        var quorum = new CorosyncQuorumInfo(
            _quorate,
            info.NodeExpectedVotes,
            info.HighestExpected,
            info.TotalVotes,
            info.Quorum,
            _quorumMembers,
            (info.Flags & VotequorumFlags.TwoNode) != 0,
            (info.Flags & VotequorumFlags.WaitForAll) != 0,
            (info.Flags & VotequorumFlags.LastManStanding) != 0,
            (info.Flags & VotequorumFlags.AutoTieBreaker) != 0,
            new QdeviceState(
                (info.Flags & VotequorumFlags.QdeviceRegistered) != 0,
                (info.Flags & VotequorumFlags.QdeviceAlive) != 0,
                (info.Flags & VotequorumFlags.QdeviceCastVote) != 0,
                (info.Flags & VotequorumFlags.QdeviceMasterWins) != 0,
                info.QdeviceVotes,
                qdeviceName));
        _quorum = quorum;
        _pending.Quorum(new QuorumChanged(quorum.Quorate, quorum.ExpectedVotes, quorum.TotalVotes, quorum.QuorumVotes, quorum.Members));
    }

    private static string ReadQdeviceName(VotequorumInfo* info)
    {
        var name = new ReadOnlySpan<byte>(info->QdeviceName, VotequorumInfo.QdeviceNameLength);
        var end = name.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
    }

    // ---- callbacks: run inside *_dispatch on this thread; copy, never throw, never act ----

    private void Deliver(uint nodeId, uint pid, ReadOnlySpan<byte> message)
    {
        if (!FragmentHeader.TryRead(message, out var header))
        {
            // Not ours (another CPG client using the same group name): counted, not delivered.
            _reassembler.CountForeign();
            return;
        }
        var payload = _reassembler.Add(nodeId, pid, header, message[FragmentHeader.Size..]);
        if (payload is not null)
            _pending.Add(new MessageDelivered(new GroupMember(nodeId, pid, NameOf(nodeId)), payload));
    }

    private void Confchg(ReadOnlySpan<CpgAddress> members, ReadOnlySpan<CpgAddress> left, ReadOnlySpan<CpgAddress> joined)
    {
        var wasMember = _isMember;
        _isMember = false;
        foreach (var member in members)
            _isMember |= member.NodeId == _connection.LocalNodeId && member.Pid == _localPid;

        // Nodes lost or found mean a new ring, whose quorum votequorum reports after this confchg.
        var ringChange = false;
        foreach (var member in left)
        {
            _reassembler.Forget(member.NodeId, member.Pid);
            ringChange |= member.Reason == CpgReason.NodeDown;
        }
        foreach (var member in joined)
            ringChange |= member.Reason == CpgReason.NodeUp;

        _pending.AddView(new ViewChanged(ToMembers(members), ToMembers(joined), ToMembers(left), 0), ringChange, Environment.TickCount64);

        if (_isMember)
            _joined.TrySetResult();
        else if (wasMember)
            _callbackFailure = CorosyncUnavailable.Evicted();
    }

    /// <summary>
    /// A node joining or leaving forms a new totem ring; corosync reports it right after the CPG confchg of that
    /// change, so the views still waiting for it take the new ring's sequence.
    /// </summary>
    private void TotemConfchg(ulong ringSequence) => _pending.TotemRing(ringSequence);

    /// <summary>votequorum names the ring (sync_process) before it reports that ring's quorum (sync_activate).</summary>
    private void QuorumRing(ulong ringSequence) => _pending.QuorumRing(ringSequence);

    private void QuorumNotification(bool quorate, ReadOnlySpan<VotequorumNode> nodes)
    {
        var members = ImmutableArray.CreateBuilder<uint>(nodes.Length);
        foreach (var node in nodes)
        {
            if (node.State == VotequorumFlags.NodeStateMember)
                members.Add(node.NodeId);
        }
        members.Sort();
        _quorate = quorate;
        _quorumMembers = members.ToImmutable();
        _quorumChanged = true;
    }

    private ImmutableArray<GroupMember> ToMembers(ReadOnlySpan<CpgAddress> addresses)
    {
        var result = ImmutableArray.CreateBuilder<GroupMember>(addresses.Length);
        foreach (var address in addresses)
            result.Add(new GroupMember(address.NodeId, address.Pid, NameOf(address.NodeId)));
        result.Sort(static (a, b) => a.NodeId != b.NodeId ? a.NodeId.CompareTo(b.NodeId) : a.ProcessId.CompareTo(b.ProcessId));
        return result.ToImmutable();
    }

    private void Fail(Exception e) =>
        _callbackFailure ??= new TransportUnavailableException($"a corosync callback failed: {e.Message}", e);
}
