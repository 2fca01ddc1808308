namespace HaApi.Integrations.Corosync;

/// <summary>
/// Rebuilds messages from fragments delivered in agreed order. CPG delivers one sender's fragments in the order they
/// were sent, so a fragment that is not the next expected one means the sender restarted or left mid-message: the
/// partial message is dropped (virtual synchrony: the rest will never come), never patched.
/// Runs on the dispatch thread only; not thread safe.
/// </summary>
internal sealed class FragmentReassembler(int maxMessageBytes, int maxPendingMessages)
{
    private readonly Dictionary<(uint NodeId, uint Pid), Assembly> _pending = [];

    /// <summary>Fragments that could not be placed (orphans, malformed, over the limits). For diagnostics.</summary>
    public long DroppedFragments { get; private set; }

    public int PendingMessages => _pending.Count;

    /// <summary>Adds one fragment's payload (header already parsed). Returns the whole message once complete.</summary>
    public byte[]? Add(uint nodeId, uint pid, FragmentHeader header, ReadOnlySpan<byte> payload)
    {
        var sender = (nodeId, pid);
        if (header.FragmentCount == 1)
        {
            _pending.Remove(sender);
            if (payload.Length != header.TotalLength)
                return Drop();
            return payload.ToArray();
        }

        if (header.FragmentIndex == 0)
        {
            _pending.Remove(sender);
            if (header.TotalLength > maxMessageBytes || _pending.Count >= maxPendingMessages)
                return Drop();
            _pending[sender] = new Assembly(header.MessageId, header.FragmentCount, new byte[header.TotalLength]);
        }

        if (!_pending.TryGetValue(sender, out var assembly)
            || assembly.MessageId != header.MessageId
            || assembly.NextIndex != header.FragmentIndex
            || assembly.FragmentCount != header.FragmentCount
            || assembly.Filled + payload.Length > assembly.Buffer.Length)
        {
            _pending.Remove(sender);
            return Drop();
        }

        payload.CopyTo(assembly.Buffer.AsSpan(assembly.Filled));
        assembly.Filled += payload.Length;
        assembly.NextIndex++;
        if (assembly.NextIndex < assembly.FragmentCount)
            return null;

        _pending.Remove(sender);
        return assembly.Filled == assembly.Buffer.Length ? assembly.Buffer : Drop();
    }

    /// <summary>A member left the group: its unfinished message can never complete.</summary>
    public void Forget(uint nodeId, uint pid)
    {
        if (_pending.Remove((nodeId, pid)))
            DroppedFragments++;
    }

    /// <summary>A message without our header: another CPG client shares the group name.</summary>
    public void CountForeign() => DroppedFragments++;

    private byte[]? Drop()
    {
        DroppedFragments++;
        return null;
    }

    private sealed class Assembly(ulong messageId, uint fragmentCount, byte[] buffer)
    {
        public ulong MessageId { get; } = messageId;
        public uint FragmentCount { get; } = fragmentCount;
        public byte[] Buffer { get; } = buffer;
        public uint NextIndex { get; set; }
        public int Filled { get; set; }
    }
}
