namespace HaApi.Integrations.Corosync;

/// <summary>Settings of <see cref="CorosyncTransport"/>, validated once by the constructor.</summary>
public sealed record CorosyncTransportOptions
{
    /// <summary>The CPG group every HaApi process of the cluster joins (1..128 ASCII characters).</summary>
    public string GroupName { get; init; } = "haapi";

    /// <summary>Events buffered for the engine. When full the dispatch thread waits, so corosync flow-controls the senders.</summary>
    public int EventQueueCapacity { get; init; } = 4096;

    /// <summary>Largest message MulticastAsync accepts and reassembly allocates for.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Bytes per fragment including the header; null uses corosync's largest atomic message (about 1 MiB).</summary>
    public int? MaxFragmentBytes { get; init; }

    /// <summary>Bound on connecting and joining, including CS_ERR_TRY_AGAIN retries while corosync starts.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on one multicast while corosync answers CS_ERR_TRY_AGAIN (flow control, membership sync).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a view from a new ring (a node lost or found) waits for votequorum to report that ring's quorum before
    /// it is delivered as not quorate. votequorum normally answers within milliseconds of the view.
    /// </summary>
    public TimeSpan RingQuorumWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where corosync's configuration lives; only used to make error messages precise.</summary>
    public string ConfigPath { get; init; } = "/etc/corosync/corosync.conf";

    internal void Validate()
    {
        if (string.IsNullOrEmpty(GroupName) || GroupName.Length > 128 || !GroupName.All(char.IsAscii))
            throw new ArgumentException($"GroupName must be 1..128 ASCII characters, got '{GroupName}'.");
        if (EventQueueCapacity < 16)
            throw new ArgumentException($"EventQueueCapacity must be at least 16, got {EventQueueCapacity}.");
        if (MaxMessageBytes < 1)
            throw new ArgumentException($"MaxMessageBytes must be positive, got {MaxMessageBytes}.");
        if (MaxFragmentBytes is { } fragment && fragment <= FragmentHeader.Size)
            throw new ArgumentException($"MaxFragmentBytes must exceed the {FragmentHeader.Size}-byte header, got {fragment}.");
        if (StartTimeout <= TimeSpan.Zero || SendTimeout <= TimeSpan.Zero || RingQuorumWait <= TimeSpan.Zero)
            throw new ArgumentException("StartTimeout, SendTimeout and RingQuorumWait must be positive.");
    }
}
