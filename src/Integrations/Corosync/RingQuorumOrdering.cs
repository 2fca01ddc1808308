using HaApi.Engine.Ports;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// Orders the events of one dispatch thread so that a view produced by a new totem ring never reaches the engine
/// with the quorum of the ring before it.
///
/// When a node is lost or found, corosync forms a new ring and libcpg delivers the CPG confchg at once, while
/// votequorum reports that ring (nodelist notification with the ring id, from its sync_process) and then its quorum
/// (quorum notification, from sync_activate) a few milliseconds later. Handed over in that order, a node cut off
/// alone saw "the others left" while still believing it had quorum, and its DC fenced the healthy majority before
/// "quorum lost" arrived. Pacemaker is immune because its membership comes inside the quorum notification; here the
/// ring-change view, and every event queued after it (agreed order is kept), waits until the quorum notification of
/// its ring (or a later one) has been read. The quorum is then placed so that the view is never judged more
/// permissively than its ring: a lost quorum goes before the view (nothing acts on the shrunken view as quorate), a
/// held quorum after it (a view that grew is not acted on before the members it gained are in it).
///
/// The hold is bounded: if votequorum says nothing for <see cref="HoldLimit"/> (a wedged corosync, a quorum device
/// that does not poll), the view is released behind a provisional "not quorate", because acting on a view with an
/// unconfirmed quorum is exactly the hazard; the real notification restores quorum when it comes.
///
/// Views of processes joining or leaving on a ring that stays the same (haapi restarted, corosync kept running) are
/// not held: no quorum change belongs to them. Single-threaded (the dispatch thread); pure, so it is tested alone.
/// </summary>
internal sealed class RingQuorumOrdering(TimeSpan holdLimit)
{
    private sealed class Entry(TransportEvent e, long addedAtMs)
    {
        public TransportEvent Event = e;
        public readonly long AddedAtMs = addedAtMs;
        /// <summary>A view whose totem ring has not been reported yet (the totem confchg follows the CPG confchg).</summary>
        public bool AwaitsRing;
        /// <summary>A ring-change view whose ring's quorum has not been read yet: it and everything after it wait.</summary>
        public bool AwaitsQuorum;
    }

    private readonly List<Entry> _queue = [];
    private ulong _ringSequence;
    private ulong _quorumRing;
    private QuorumChanged? _lastQuorum;

    public TimeSpan HoldLimit { get; } = holdLimit;

    /// <summary>Events queued, ready or held.</summary>
    public int Count => _queue.Count;

    /// <summary>Whether a ring-change view is waiting for its ring's quorum.</summary>
    public bool Holding => FirstHeld() >= 0;

    /// <summary>A delivered message (or any event that is not a view).</summary>
    public void Add(TransportEvent e) => _queue.Add(new Entry(e, 0));

    /// <summary>
    /// A CPG view. RingChange: a node was lost or found (reasons NodeDown/NodeUp), so a new ring formed and its quorum
    /// follows. The view takes the current ring's sequence, or the next one reported if it belongs to a new ring.
    /// </summary>
    public void AddView(ViewChanged view, bool ringChange, long nowMs) =>
        _queue.Add(new Entry(view with { RingSequence = _ringSequence }, nowMs)
        {
            // Until the first totem confchg (right after our own join) the ring is not known yet.
            AwaitsRing = ringChange || _ringSequence == 0,
            AwaitsQuorum = ringChange,
        });

    /// <summary>The totem confchg: a ring formed; corosync reports it right after the CPG confchg of that change.</summary>
    public void TotemRing(ulong ringSequence)
    {
        _ringSequence = ringSequence;
        foreach (var entry in _queue.Where(e => e.AwaitsRing))
        {
            entry.Event = (ViewChanged)entry.Event with { RingSequence = ringSequence };
            entry.AwaitsRing = false;
        }
    }

    /// <summary>votequorum's nodelist notification: the quorum notification that follows is about this ring.</summary>
    public void QuorumRing(ulong ringSequence) => _quorumRing = Math.Max(_quorumRing, ringSequence);

    /// <summary>A quorum read after votequorum's quorum notification; it belongs to the last ring votequorum named.</summary>
    public void Quorum(QuorumChanged quorum)
    {
        quorum = quorum with { RingSequence = _quorumRing };
        _lastQuorum = quorum;
        var first = FirstHeld();
        if (first < 0)
        {
            _queue.Add(new Entry(quorum, 0));
            return;
        }
        var lastConfirmed = -1;
        for (var i = first; i < _queue.Count; i++)
        {
            var entry = _queue[i];
            if (!entry.AwaitsQuorum) continue;
            if (entry.AwaitsRing || ((ViewChanged)entry.Event).RingSequence > _quorumRing) break;
            entry.AwaitsQuorum = false;
            lastConfirmed = i;
        }
        // A quorum of an older ring (lastConfirmed -1) describes the state before the held view, so it goes first too.
        var at = quorum.Quorate && lastConfirmed >= 0 ? lastConfirmed + 1 : first;
        _queue.Insert(at, new Entry(quorum, 0));
    }

    /// <summary>
    /// Moves the events that may go to the engine, in order, into <paramref name="ready"/>. A view held past the
    /// limit is released behind a provisional "not quorate"; its ring sequence is returned so the caller can warn.
    /// </summary>
    public IReadOnlyList<ulong> TakeReady(List<TransportEvent> ready, long nowMs)
    {
        List<ulong>? expired = null;
        var first = FirstHeld();
        while (first >= 0 && nowMs - _queue[first].AddedAtMs >= (long)HoldLimit.TotalMilliseconds)
        {
            var held = _queue[first];
            held.AwaitsQuorum = false;
            (expired ??= []).Add(((ViewChanged)held.Event).RingSequence);
            var provisional = (_lastQuorum ?? new QuorumChanged(false, 0, 0, 0, [])) with { Quorate = false };
            _queue.Insert(first, new Entry(provisional, 0));
            first = FirstHeld();
        }
        var count = first < 0 ? _queue.Count : first;
        for (var i = 0; i < count; i++)
            ready.Add(_queue[i].Event);
        _queue.RemoveRange(0, count);
        return expired ?? (IReadOnlyList<ulong>)[];
    }

    private int FirstHeld() => _queue.FindIndex(e => e.AwaitsQuorum);
}
