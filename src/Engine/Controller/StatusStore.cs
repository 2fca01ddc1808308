using System.Collections.Immutable;
using System.Globalization;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Controller;

/// <summary>
/// This node's copy of the cluster status (Pacemaker's CIB status section): per node its membership and join state,
/// transient attributes (those the replica carries plus the fail counts kept here), and its resource operation
/// history. Every node applies the same membership changes and the same replicated records in the same agreed order,
/// so every copy is identical and whichever node becomes DC schedules from the same status.
///
/// The history is kept as Pacemaker compacts it: per resource and node the last one-shot operation ("_last_0"), the
/// last failure ("_last_failure_0") and the last result of each recurring monitor. Call ids come from a counter
/// advanced in delivery order, so they order operations identically on every node.
/// Not thread-safe: owned by one loop (the one that delivers messages).
/// </summary>
public sealed class StatusStore
{
    /// <summary>Bound on resources recorded per node; far above any real configuration, it stops a runaway sender.</summary>
    public const int MaxResourcesPerNode = 10_000;

    private const string JoinMember = "member";
    private const string JoinDown = "down";

    private sealed class Entry(string id, string name)
    {
        public string Id = id;
        public readonly string Name = name;
        public bool InMembership;
        public bool ControllerOnline;
        public string? Join;
        public string? Expected;
        public ImmutableSortedDictionary<string, string> ReplicatedAttributes = Attributes.Empty;
        public ImmutableSortedDictionary<string, string> FailAttributes = Attributes.Empty;
        public readonly SortedDictionary<string, ResourceEntry> Resources = new(StringComparer.Ordinal);
        /// <summary>This node's part of the last snapshot, while the entry is unchanged. Kept so that an unchanged
        /// node is the same object in the next snapshot: the scheduler reads each node_state's histories once per
        /// object (HistoryDigest), and a change usually concerns one node.</summary>
        public NodeState? Built;
    }

    private sealed class ResourceEntry(string? cls, string? provider, string? type)
    {
        public string? Class = cls;
        public string? Provider = provider;
        public string? Type = type;
        public readonly Dictionary<string, OperationRecord> Operations = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<string, Entry> _nodes = new(StringComparer.Ordinal);
    // Each received result carries its own copies of the same few strings (operation, agent, resource id, digest);
    // kept pooled, a large history is compact for the scheduler, which reads all of it per run. Bounded: the
    // store lives as long as the process, and digests change with every parameter change.
    private readonly StringPool _strings = new(capacity: 4 * MaxResourcesPerNode);
    private int _callId;
    private ClusterStatus? _snapshot;

    /// <summary>Increases with every change; lets the controller tell whether anything happened.</summary>
    public long Version { get; private set; }

    /// <summary>The status as the scheduler reads it; an immutable snapshot, rebuilt only after a change.</summary>
    public ClusterStatus Current => _snapshot ??= Build();

    /// <summary>
    /// A new agreed view. Members are online controllers; a node that joins starts with an empty history (its executor
    /// reports from scratch: the scheduler probes it) and no fail counts. A node that leaves keeps its history, so that
    /// with fencing the scheduler knows what must be recovered once it is fenced; its transient attributes die with it,
    /// as attrd purges a lost peer's values. Its expected state stays "member", so with fencing it is unclean.
    /// </summary>
    public bool ApplyMembership(IEnumerable<GroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var current = members.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var changed = false;
        foreach (var member in current.Values)
        {
            if (!_nodes.TryGetValue(member.Name, out var e))
                _nodes[member.Name] = e = new Entry(member.NodeId.ToString(CultureInfo.InvariantCulture), member.Name);
            else if (e.InMembership && e.Join == JoinMember) continue;
            e.Id = member.NodeId.ToString(CultureInfo.InvariantCulture);
            e.InMembership = true;
            e.ControllerOnline = true;
            e.Join = JoinMember;
            e.Expected = JoinMember;
            e.Resources.Clear();
            e.FailAttributes = Attributes.Empty;
            e.ReplicatedAttributes = Attributes.Empty;
            e.Built = null;
            changed = true;
        }
        foreach (var e in _nodes.Values)
        {
            if (current.ContainsKey(e.Name) || !e.InMembership) continue;
            e.InMembership = false;
            e.ControllerOnline = false;
            e.Join = JoinDown;
            e.FailAttributes = Attributes.Empty;
            e.ReplicatedAttributes = Attributes.Empty;
            e.Built = null;
            changed = true;
        }
        return Touch(changed);
    }

    /// <summary>The transient attributes the configuration replica holds for a node (standby, shutdown, scores...),
    /// replacing the previous set. Fail counts are kept apart and are not affected.</summary>
    public bool ApplyAttributes(string node, ImmutableSortedDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (!_nodes.TryGetValue(node, out var e)) return false;
        if (e.ReplicatedAttributes.Count == attributes.Count && e.ReplicatedAttributes.All(kv => attributes.Get(kv.Key) == kv.Value)) return false;
        e.ReplicatedAttributes = attributes;
        return Touch(e);
    }

    /// <summary>Records an operation result. Returns false (and records nothing) for a node this status never saw.</summary>
    public bool Apply(OperationResultRecorded r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!_nodes.TryGetValue(r.Node, out var e)) return false;
        if (!e.Resources.TryGetValue(r.ResourceId, out var rsc))
        {
            if (e.Resources.Count >= MaxResourcesPerNode) return false;
            e.Resources[_strings.Get(r.ResourceId)] = rsc = new ResourceEntry(null, null, null);
        }
        rsc.Class = _strings.Get(r.Class) ?? rsc.Class;
        rsc.Provider = _strings.Get(r.Provider) ?? rsc.Provider;
        rsc.Type = _strings.Get(r.Type) ?? rsc.Type;

        var intervalMs = (long)r.Interval.TotalMilliseconds;
        var record = new OperationRecord("", _strings.Get(r.Operation), r.Interval, ++_callId, r.RcCode, r.OpStatus, r.ExpectedRc, r.Time,
            r.ExecTimeMs, _strings.Get(r.Digest)) { ExitReason = r.ExitReason };
        if (r.Interval > TimeSpan.Zero)
        {
            var key = $"{r.ResourceId}_{r.Operation}_{intervalMs}";
            if (r.OpStatus == OperationRecord.StatusCancelled) rsc.Operations.Remove(key);
            else rsc.Operations[key] = record with { Id = key };
        }
        else
        {
            var key = $"{r.ResourceId}_last_0";
            rsc.Operations[key] = record with { Id = key };
            // A stopped resource has no monitors left running (the executor cancels them before the stop). The last
            // failure stays on record for operators; the later successful stop outweighs it for the scheduler.
            if (r.Operation == "stop" && r.IsExpected)
                foreach (var recurring in rsc.Operations.Where(kv => kv.Value.Interval > TimeSpan.Zero && kv.Key != FailureKey(r.ResourceId)).Select(kv => kv.Key).ToList())
                    rsc.Operations.Remove(recurring);
        }
        if (r.IsFailure)
        {
            var key = FailureKey(r.ResourceId);
            rsc.Operations[key] = record with { Id = key };
            if (r.FailCountIncrement > 0)
            {
                var suffix = $"{r.ResourceId}#{r.Operation}_{intervalMs}";
                var name = StatusFailCounts.FailCountPrefix + suffix;
                var previous = Score.TryParse(e.FailAttributes.Get(name), out var s) ? s : Score.Zero;
                var total = previous + new Score(Math.Min(r.FailCountIncrement, Score.InfinityValue));
                e.FailAttributes = e.FailAttributes
                    .SetItem(name, total.ToString())
                    .SetItem(StatusFailCounts.LastFailurePrefix + suffix, r.Time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            }
        }
        return Touch(e);
    }

    /// <summary>
    /// The node is shutting down cleanly: once it leaves it is expected down (offline, not unclean). Its history is
    /// kept, but the scheduler reads no history of a cleanly offline node; if it rejoins, it starts afresh anyway.
    /// </summary>
    public bool Apply(NodeLeaving l)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (!_nodes.TryGetValue(l.Node, out var e) || e.Expected == JoinDown) return false;
        e.Expected = JoinDown;
        return Touch(e);
    }

    /// <summary>
    /// Fencing confirmed: the node is cleanly down and nothing runs there. If it has already rejoined (a fast
    /// reboot), it stays a member; only its history, which predates the reboot, is dropped.
    /// </summary>
    public bool Apply(NodeFenced f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!_nodes.TryGetValue(f.Target, out var e)) _nodes[f.Target] = e = new Entry(f.Target, f.Target);
        e.Resources.Clear();
        e.FailAttributes = Attributes.Empty;
        if (!e.InMembership)
        {
            e.ControllerOnline = false;
            e.Join = JoinDown;
            e.Expected = JoinDown;
            e.ReplicatedAttributes = Attributes.Empty;
        }
        return Touch(e);
    }

    /// <summary>
    /// A start or promote the DC dispatched is recorded as pending (Pacemaker's record-pending), so that a DC taking
    /// over before its result arrives counts the resource as active there rather than starting a second copy.
    /// Stops are not recorded: until the result, the earlier start keeps the resource active, which is the safe reading.
    /// </summary>
    public bool ApplyPending(ActionRequest a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Interval > TimeSpan.Zero || a.Operation is not ("start" or "promote")) return false;
        if (!_nodes.TryGetValue(a.Node, out var e) || !e.InMembership) return false;
        if (!e.Resources.TryGetValue(a.ResourceId, out var rsc))
        {
            if (e.Resources.Count >= MaxResourcesPerNode) return false;
            e.Resources[_strings.Get(a.ResourceId)] = rsc = new ResourceEntry(a.Resource.Class.ToWire(), _strings.Get(a.Resource.Provider), _strings.Get(a.Resource.Type));
        }
        var key = $"{a.ResourceId}_last_0";
        rsc.Operations[key] = new OperationRecord(key, _strings.Get(a.Operation), TimeSpan.Zero, -1, 193, OperationRecord.StatusPending, a.ExpectedRc);
        return Touch(e);
    }

    /// <summary>
    /// An operator's cleanup: the resource's fail counts and recorded history on the node (every node when Node is
    /// null) are forgotten, so the scheduler probes it afresh and may place it there again (crm_resource --cleanup).
    /// </summary>
    public bool Apply(ResourceCleanup c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var changed = false;
        foreach (var e in _nodes.Values.Where(e => c.Node is null || e.Name == c.Node))
        {
            var keep = e.FailAttributes.Where(kv => !IsFailAttributeOf(kv.Key, c.ResourceId)).ToList();
            if (keep.Count != e.FailAttributes.Count)
            {
                e.FailAttributes = Attributes.From(keep);
                e.Built = null;
                changed = true;
            }
            var ids = e.Resources.Keys.Where(id => c.ResourceId is null || id == c.ResourceId || id.StartsWith(c.ResourceId + ":", StringComparison.Ordinal)).ToList();
            var removed = false;
            foreach (var id in ids) removed |= e.Resources.Remove(id);
            if (!removed) continue;
            e.Built = null;
            changed = true;
        }
        return Touch(changed);
    }

    public bool Apply(FailCountsCleared c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (!_nodes.TryGetValue(c.Node, out var e)) return false;
        var keep = e.FailAttributes.Where(kv => !IsFailAttributeOf(kv.Key, c.ResourceId)).ToList();
        if (keep.Count == e.FailAttributes.Count) return false;
        e.FailAttributes = Attributes.From(keep);
        return Touch(e);
    }

    /// <summary>Fail counts whose last failure is older than the resource's failure-timeout, as (node, resource) pairs.</summary>
    public IReadOnlyList<(string Node, string ResourceId)> ExpiredFailures(ClusterConfig config, DateTimeOffset now)
    {
        var expired = new List<(string, string)>();
        foreach (var e in _nodes.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var resources = e.FailAttributes.Keys.Where(k => k.StartsWith(StatusFailCounts.FailCountPrefix, StringComparison.Ordinal))
                .Select(k => k[StatusFailCounts.FailCountPrefix.Length..].Split('#')[0]).Distinct();
            foreach (var rsc in resources)
            {
                var timeout = FailureTimeout(config, rsc);
                if (timeout is not { } t || t <= TimeSpan.Zero) continue;
                var last = Node(e).LastFailure(rsc);
                if (last is { } l && l + t <= now) expired.Add((e.Name, rsc));
            }
        }
        return expired;
    }

    /// <summary>When the next failure-timeout expires (after <paramref name="after"/>, when given), if any fail count can expire.</summary>
    public DateTimeOffset? NextFailureExpiry(ClusterConfig config, DateTimeOffset? after = null)
    {
        DateTimeOffset? next = null;
        foreach (var e in _nodes.Values)
        {
            var node = Node(e);
            foreach (var rsc in e.FailAttributes.Keys.Where(k => k.StartsWith(StatusFailCounts.FailCountPrefix, StringComparison.Ordinal))
                         .Select(k => k[StatusFailCounts.FailCountPrefix.Length..].Split('#')[0]).Distinct())
            {
                if (FailureTimeout(config, rsc) is not { } t || t <= TimeSpan.Zero || node.LastFailure(rsc) is not { } last) continue;
                var at = last + t;
                if (after is { } a && at <= a) continue;
                if (next is null || at < next) next = at;
            }
        }
        return next;
    }

    private static string FailureKey(string resourceId) => $"{resourceId}_last_failure_0";

    private static TimeSpan? FailureTimeout(ClusterConfig config, string resourceId)
    {
        var primitive = config.FindPrimitive(resourceId);
        var text = primitive?.Meta.Get(MetaNames.FailureTimeout);
        if (text is null && config.ParentOf(resourceId) is { } parent)
            text = config.FindGroup(parent)?.Meta.Get(MetaNames.FailureTimeout) ?? config.FindClone(parent)?.Meta.Get(MetaNames.FailureTimeout);
        text ??= config.ResourceDefaults.Get(MetaNames.FailureTimeout);
        return text is not null && Duration.TryParse(text, out var t) ? t : null;
    }

    private static bool IsFailAttributeOf(string attribute, string? resourceId)
    {
        foreach (var prefix in new[] { StatusFailCounts.FailCountPrefix, StatusFailCounts.LastFailurePrefix })
        {
            if (!attribute.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (resourceId is null) return true;
            var rest = attribute[prefix.Length..];
            if (rest == resourceId || rest.StartsWith(resourceId + "#", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private bool Touch(Entry changed)
    {
        changed.Built = null;
        return Touch(true);
    }

    private bool Touch(bool changed)
    {
        if (!changed) return false;
        Version++;
        _snapshot = null;
        return true;
    }

    private ClusterStatus Build() => new(_nodes.Values
        .OrderBy(e => uint.TryParse(e.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : uint.MaxValue)
        .ThenBy(e => e.Name, StringComparer.Ordinal)
        .Select(Node)
        .ToImmutableArray());

    private static NodeState Node(Entry e) => e.Built ??= Snapshot(e);

    private static NodeState Snapshot(Entry e) => new(
        e.Id,
        e.Name,
        e.InMembership,
        e.ControllerOnline,
        e.Join,
        e.Expected,
        e.ReplicatedAttributes.SetItems(e.FailAttributes),
        e.Resources.Select(kv => new ResourceHistory(kv.Key, kv.Value.Class, kv.Value.Provider, kv.Value.Type,
            kv.Value.Operations.Values.OrderBy(o => o.CallId).ThenBy(o => o.Id, StringComparer.Ordinal).ToImmutableArray())).ToImmutableArray());
}
