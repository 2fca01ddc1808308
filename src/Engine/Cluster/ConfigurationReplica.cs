using System.Collections.Concurrent;
using System.Collections.Immutable;
using HaApi.Engine.Config;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging;
using QuorumChanged = HaApi.Engine.Ports.QuorumChanged;
using QuorumEvent = HaApi.Engine.Events.QuorumChanged;

namespace HaApi.Engine.Cluster;

/// <summary>
/// This node's copy of the replicated cluster state: the configuration and the runtime view (members, quorum, DC,
/// transient node attributes).
///
/// Configuration changes are multicast and applied by every member in delivery order; the proposer answers only
/// after its own delivery, with the outcome of applying it, once the new state is durable. After every view change
/// the members synchronise before accepting changes again: each announces its configuration version, and once all
/// have announced, every member picks the same newest holder (highest version, then lowest node id) from the same
/// delivered announcements; that member sends its configuration to the others. Commands delivered while the view is
/// not synchronised are refused by every member alike, so no member applies a command to a stale configuration.
///
/// Two rules keep acknowledged writes from being lost across partitions, as in Raft: a command is applied only in a
/// view that holds a majority of the configured nodes, and its proposer acknowledges it only once a majority of nodes
/// has applied it. Every synchronised majority view starts a new term, and configurations are ordered by
/// (term, version), so a partition that missed a write can never override one that made it.
/// </summary>
public sealed class ConfigurationReplica : IAsyncDisposable
{
    private const int HistoryLimit = 500;
    /// <summary>Most commands persisted with one sync (group commit) before their acknowledgements go out.</summary>
    private const int MaxBatch = 64;
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(30);
    /// <summary>How long a proposer waits for its designated acknowledgers before it asks every member: far beyond a
    /// healthy member's few milliseconds, far below the time a failed one takes to leave the view.</summary>
    internal static readonly TimeSpan AcknowledgementGrace = TimeSpan.FromMilliseconds(200);

    private readonly IGroupTransport transport;
    private readonly IConfigStore store;
    private readonly IEventSink events;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly ConcurrentDictionary<Guid, Pending> pending = new();
    private readonly List<IReplicaObserver> observers = [];
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;
    private int disposed;

    // Owned by the delivery loop only.
    private string viewTag = "";
    private readonly Dictionary<uint, (GroupMember Sender, StateAnnouncement Announcement)> announcements = [];
    private ImmutableSortedDictionary<string, string> localTransient = Attributes.Empty;
    private long term;
    // Group commit: what applied commands do once the store has synced them. Owned by the delivery loop. The
    // acknowledgements of other nodes' proposals go first: a remote writer waits on them, while the log line, the event
    // and the controller's notification (afterSync, in delivery order) hold nobody up.
    private readonly List<Guid> unacknowledged = [];
    private readonly List<Func<CancellationToken, ValueTask>> afterSync = [];
    private int unsyncedCommands;
    // Every member of the view announced that it understands CommandsApplied (set once all have announced).
    private bool viewAcceptsBatchedAcks;
    // Every member announced designated acknowledgements: only the peers a proposer waits for acknowledge at once.
    private bool viewDesignatesAcks;
    // The view's members in node-id order, where a proposer's designated acknowledgers are the ones after it.
    private ImmutableArray<GroupMember> ring = [];

    /// <summary>A proposal of this node awaiting a majority of applications (touched by the delivery loop only, after creation).</summary>
    private sealed class Pending
    {
        public readonly TaskCompletionSource<ApplyOutcome> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly HashSet<uint> AppliedBy = [];
        public ApplyOutcome? Outcome;
        /// <summary>Majority of the nodes configured when the command was applied (a change to the node list itself
        /// must not move its own goalposts).</summary>
        public int RequiredApplications = 1;
    }

    // The delivery loop's working state, and what readers see: the same except while a batch of commands awaits its
    // sync, so nobody outside the loop sees (or acts on) a configuration before this node has made it durable.
    private Snapshot state = Snapshot.Initial;
    private volatile Snapshot visible = Snapshot.Initial;

    /// <summary>Everything readers need, swapped as one object so they never see a half-applied change.</summary>
    public sealed record Snapshot(
        ClusterConfig Config,
        ImmutableList<ChangeRecord> History,
        bool Quorate,
        ImmutableArray<GroupMember> Members,
        bool Synced,
        string? Dc,
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>> TransientAttributes,
        QuorumChanged? Votes = null)
    {
        public static readonly Snapshot Initial = new(ClusterConfig.Empty, [], false, [], false, null,
            ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, string>>(StringComparer.Ordinal));

        public bool IsMember(string node) => Members.Any(m => m.Name == node);
    }

    public ConfigurationReplica(IGroupTransport transport, IConfigStore store, IEventSink events, TimeProvider time, ILogger<ConfigurationReplica> log)
    {
        this.transport = transport;
        this.store = store;
        this.events = events;
        this.time = time;
        this.log = log;
    }

    public Snapshot State => visible;
    public ClusterConfig Config => visible.Config;
    public GroupMember Local => transport.Local;

    /// <summary>Adds an observer of the delivery order; before StartAsync only.</summary>
    public void AddObserver(IReplicaObserver observer)
    {
        if (loop is not null) throw new InvalidOperationException("observers must be added before the replica starts");
        observers.Add(observer);
    }

    /// <summary>Loads the persisted configuration, joins the group and starts applying deliveries.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LoadFromStore();
        await transport.StartAsync(cancellationToken);
        // After the transport has started, so observers know this node's identity (transport.Local).
        await NotifyAsync(new ConfigurationApplied(state.Config), cancellationToken);
        loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
    }

    internal void LoadFromStore()
    {
        var stored = store.Load();
        if (stored is null) return;
        state = state with { Config = stored.Config, History = stored.History.TakeLast(HistoryLimit).ToImmutableList() };
        visible = state;
        term = stored.Term;
        log.LogInformation("Loaded configuration version {Version} ({Resources} primitives, {Constraints} constraints)",
            stored.Config.Version, stored.Config.Primitives.Length,
            stored.Config.Locations.Length + stored.Config.Colocations.Length + stored.Config.Orders.Length);
    }

    /// <summary>Proposes a change and waits until this node has applied it (or refused it) in agreed order.</summary>
    public async Task<ChangeRecord> SubmitAsync(ConfigCommand command, string author, ConfigVersion? expectedVersion, CancellationToken cancellationToken)
    {
        var done = Propose(command, author, expectedVersion, out var id);
        try
        {
            await transport.MulticastAsync(new ConfigCommandMessage(new CommandEnvelope(id, author, transport.Local.Name, time.GetUtcNow(), expectedVersion, command)).Encode(), cancellationToken);
            var outcome = await WaitForApplicationsAsync(done, id, command, cancellationToken);
            return outcome.Error is null ? outcome.Change! : throw new ConfigRejectedException(outcome.Error);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"change '{command.Describe()}' was not delivered back within {SubmitTimeout.TotalSeconds:0}s; " +
                                       "the cluster may be re-forming — read the configuration history before retrying");
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    /// <summary>Waits for the outcome; past the grace period, asks every member to acknowledge (a designated one is
    /// slow or stuck). Throws TimeoutException at SubmitTimeout.</summary>
    private async Task<ApplyOutcome> WaitForApplicationsAsync(Task<ApplyOutcome> done, Guid id, ConfigCommand command, CancellationToken ct)
    {
        try
        {
            return await done.WaitAsync(AcknowledgementGrace, time, ct);
        }
        catch (TimeoutException)
        {
            log.LogInformation("Change '{Change}' still lacks acknowledgements after {Grace} ms; asking every member", command.Describe(), AcknowledgementGrace.TotalMilliseconds);
            await transport.MulticastAsync(new AcknowledgementRequested(id).Encode(), ct);
            return await done.WaitAsync(SubmitTimeout - AcknowledgementGrace, time, ct);
        }
    }

    private Task<ApplyOutcome> Propose(ConfigCommand command, string author, ConfigVersion? expectedVersion, out Guid id)
    {
        var s = visible;
        if (!s.Quorate) throw new NotQuorateException(transport.Local.Name);
        if (!s.Synced) throw new ConfigRejectedException(Reforming());
        id = Guid.NewGuid();
        var entry = new Pending();
        pending[id] = entry;
        return entry.Done.Task;
    }

    /// <summary>Sets (or, with null, deletes) a transient attribute of this node, replicated to every member.</summary>
    public ValueTask SetTransientAttributeAsync(string name, string? value, CancellationToken cancellationToken) =>
        transport.MulticastAsync(new TransientAttributeSet(transport.Local.Name, name, value).Encode(), cancellationToken);

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var reader = transport.Events;
            while (await reader.WaitToReadAsync(ct))
            while (reader.TryRead(out var e))
            {
                try
                {
                    // Commands already waiting behind this one are applied before one sync covers them all.
                    await HandleAsync(e, ct, moreQueued: reader.TryPeek(out _));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failure to persist must stop this node from acknowledging anything further: it would
                    // otherwise acknowledge changes it might lose. Fail the waiting writers and keep the error visible.
                    log.LogCritical(ex, "Failed to handle {Event}; configuration changes on this node are halted", e.GetType().Name);
                    foreach (var p in pending.Values) p.Done.TrySetException(ex);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Processes one transport event. Called by the delivery loop, or step by step by a simulation. With moreQueued, a
    /// run of command deliveries (and acknowledgements) is applied and written to the store unsynced; the first event
    /// without moreQueued, any other kind of event, or a full batch syncs the store once and only then sends the
    /// acknowledgements and notifications of the run, in order.
    /// </summary>
    internal async ValueTask HandleAsync(TransportEvent e, CancellationToken ct, bool moreQueued = false)
    {
        await DispatchAsync(e, ct);
        if (!moreQueued || unsyncedCommands >= MaxBatch) await SyncAsync(ct);
        if (unsyncedCommands == 0) visible = state;
    }

    /// <summary>Makes the commands applied so far durable, then lets them take effect outside the loop.</summary>
    private async ValueTask SyncAsync(CancellationToken ct)
    {
        if (unsyncedCommands == 0) return;
        store.Flush();
        visible = state;
        unsyncedCommands = 0;
        var acknowledge = unacknowledged.ToList();
        var actions = afterSync.ToList();
        unacknowledged.Clear();
        afterSync.Clear();
        await AcknowledgeAsync(acknowledge, ct);
        foreach (var action in actions) await action(ct);
    }

    /// <summary>
    /// Tells the proposers that this node has applied and synced their commands: one multicast for the whole batch when
    /// every member understands it, which saves a totem message, a delivery to every node and a decode per command.
    /// </summary>
    private async ValueTask AcknowledgeAsync(List<Guid> commandIds, CancellationToken ct)
    {
        if (commandIds.Count > 1 && viewAcceptsBatchedAcks)
        {
            await transport.MulticastAsync(new CommandsApplied(commandIds).Encode(), ct);
            return;
        }
        foreach (var id in commandIds) await transport.MulticastAsync(new CommandApplied(id).Encode(), ct);
    }

    private async ValueTask DispatchAsync(TransportEvent e, CancellationToken ct)
    {
        // Only commands and acknowledgements join a batch: everything else sees the effects of the ones before it.
        if (e is not MessageDelivered) await SyncAsync(ct);
        switch (e)
        {
            case MessageDelivered m:
                var message = ClusterMessage.TryDecode(m.Payload, out var reason);
                if (message is null)
                {
                    log.LogWarning("Dropped a message from node {Node} (id {NodeId}): {Reason}", m.Sender.Name, m.Sender.NodeId, reason);
                    return;
                }
                if (!state.Members.Contains(m.Sender))
                {
                    log.LogWarning("Dropped a {Message} from {Node} (id {NodeId}), which is not a member of the current view", message.GetType().Name, m.Sender.Name, m.Sender.NodeId);
                    return;
                }
                if (message is not (ConfigCommandMessage or CommandApplied or CommandsApplied)) await SyncAsync(ct);
                switch (message)
                {
                    case ConfigCommandMessage c: ApplyCommand(m.Sender, c.Envelope); break;
                    case StateAnnouncement a: await OnAnnouncementAsync(m.Sender, a, ct); break;
                    case StateTransfer t: await OnTransferAsync(m.Sender, t, ct); break;
                    case TransientAttributeSet t: await OnTransientAttributeAsync(m.Sender, t, ct); break;
                    case CommandApplied a: OnApplied(m.Sender, a.CommandId); break;
                    case CommandsApplied a:
                        foreach (var id in a.CommandIds) OnApplied(m.Sender, id);
                        break;
                    case AcknowledgementRequested r: await OnAcknowledgementRequestedAsync(m.Sender, r.CommandId, ct); break;
                    default: await NotifyAsync(new RecordDelivered(m.Sender, message), ct); break;
                }
                break;
            case ViewChanged v:
                await OnViewChangedAsync(v, ct);
                break;
            case QuorumChanged q:
                if (q.Quorate != state.Quorate)
                {
                    log.LogInformation("Quorum {State} ({Votes}/{Expected} votes)", q.Quorate ? "gained" : "lost", q.TotalVotes, q.ExpectedVotes);
                    events.Publish(new QuorumEvent(time.GetUtcNow(), transport.Local.Name, q.Quorate));
                }
                var quorumChanged = q.Quorate != state.Quorate;
                state = state with { Quorate = q.Quorate, Votes = q };
                if (quorumChanged) await NotifyAsync(new QuorumNotified(q.Quorate), ct);
                break;
        }
    }

    private async ValueTask OnViewChangedAsync(ViewChanged v, CancellationToken ct)
    {
        viewTag = $"{v.RingSequence}:{string.Join(",", v.Members.Select(m => $"{m.NodeId}/{m.ProcessId}"))}";
        announcements.Clear();
        viewAcceptsBatchedAcks = false;
        viewDesignatesAcks = false;
        ring = [.. v.Members.OrderBy(m => m.NodeId)];
        var names = v.Members.Select(m => m.Name).ToHashSet();
        var previousDc = state.Dc;
        // Transient attributes die with their node's membership, as Pacemaker's attrd purges a lost peer's values.
        var transient = state.TransientAttributes.Where(kv => names.Contains(kv.Key)).ToImmutableSortedDictionary(StringComparer.Ordinal);
        state = state with { Members = v.Members, Synced = false, Dc = null, TransientAttributes = transient };
        log.LogInformation("View {View}: members {Members}; joined {Joined}; left {Left}", viewTag,
            string.Join(", ", v.Members.Select(m => m.Name)), string.Join(", ", v.Joined.Select(m => m.Name)), string.Join(", ", v.Left.Select(m => m.Name)));
        var now = time.GetUtcNow();
        foreach (var left in v.Left.Where(l => !names.Contains(l.Name)))
            events.Publish(new NodeMembershipChanged(now, transport.Local.Name, left.Name, left.NodeId, false));
        foreach (var joined in v.Joined)
            events.Publish(new NodeMembershipChanged(now, transport.Local.Name, joined.Name, joined.NodeId, true));
        if (previousDc is not null) events.Publish(new DcChanged(now, transport.Local.Name, null));
        await NotifyAsync(new ViewDelivered(v.Members, state.Quorate), ct);
        if (v.Members.Contains(transport.Local))
            await transport.MulticastAsync(new StateAnnouncement(viewTag, term, state.Config.Version, localTransient,
                [CommandsApplied.Feature, CommandApplied.DesignatedFeature]).Encode(), ct);
    }

    private async ValueTask OnAnnouncementAsync(GroupMember sender, StateAnnouncement a, CancellationToken ct)
    {
        if (a.ViewTag != viewTag) return;
        announcements[sender.NodeId] = (sender, a);
        var announced = a.TransientAttributes.ToImmutableSortedDictionary(StringComparer.Ordinal);
        state = state with { TransientAttributes = state.TransientAttributes.SetItem(sender.Name, announced) };
        await NotifyAsync(new TransientAttributesChanged(sender.Name, announced), ct);
        if (state.Synced || state.Members.Any(m => !announcements.ContainsKey(m.NodeId))) return;
        viewAcceptsBatchedAcks = announcements.Values.All(x => x.Announcement.Features?.Contains(CommandsApplied.Feature) == true);
        viewDesignatesAcks = announcements.Values.All(x => x.Announcement.Features?.Contains(CommandApplied.DesignatedFeature) == true);

        var newest = announcements.Values
            .OrderByDescending(x => x.Announcement.Term).ThenByDescending(x => x.Announcement.Version).ThenBy(x => x.Sender.NodeId).First();
        // Same term and version means the same history: within a term, commands are applied in one view in agreed order.
        if (announcements.Values.All(x => x.Announcement.Term == newest.Announcement.Term && x.Announcement.Version == newest.Announcement.Version))
        {
            await CompleteSyncAsync(ct);
            return;
        }
        if (newest.Sender == transport.Local)
        {
            log.LogInformation("Sending configuration {Version} to members with older versions", state.Config.Version);
            await transport.MulticastAsync(new StateTransfer(viewTag, term, state.Config, state.History).Encode(), ct);
        }
    }

    private async ValueTask OnTransferAsync(GroupMember sender, StateTransfer t, CancellationToken ct)
    {
        if (t.ViewTag != viewTag || state.Synced) return;
        if (t.Term != term || t.Config.Version != state.Config.Version)
        {
            var history = t.History.TakeLast(HistoryLimit).ToImmutableList();
            term = t.Term;
            store.Save(new StoredConfig(t.Config, history, term));
            log.LogInformation("Adopted configuration {Version} from {Node} (had {Old})", t.Config.Version, sender.Name, state.Config.Version);
            state = state with { Config = t.Config, History = history };
            events.Publish(new ConfigurationChanged(time.GetUtcNow(), transport.Local.Name, t.Config.Version.ToString(),
                t.Config.LastChange?.Author ?? "haapi", $"synchronised from {sender.Name}"));
            await NotifyAsync(new ConfigurationApplied(t.Config), ct);
        }
        await CompleteSyncAsync(ct);
    }

    /// <summary>The view is synchronised: accept changes again. The DC is the member with the lowest node id — every
    /// member computes it from the same agreed view, so no election round-trip is needed.</summary>
    private async ValueTask CompleteSyncAsync(CancellationToken ct)
    {
        var dc = state.Members.MinBy(m => m.NodeId)?.Name;
        state = state with { Synced = true, Dc = dc };
        if (IsMajorityView())
        {
            term = announcements.Values.Max(x => x.Announcement.Term) + 1;
            store.Save(new StoredConfig(state.Config, state.History, term));
        }
        SettlePendingAfterSync();
        log.LogInformation("View {View} synchronised at configuration {Version}; DC is {Dc}", viewTag, state.Config.Version, dc);
        events.Publish(new DcChanged(time.GetUtcNow(), transport.Local.Name, dc));
        if (dc is not null) await NotifyAsync(new ViewSynchronised(state.Members, dc, state.Quorate), ct);
    }

    private async ValueTask OnTransientAttributeAsync(GroupMember sender, TransientAttributeSet t, CancellationToken ct)
    {
        if (t.Node != sender.Name) return;
        if (sender == transport.Local)
            localTransient = t.Value is null ? localTransient.Remove(t.Name) : localTransient.SetItem(t.Name, t.Value);
        var current = state.TransientAttributes.GetValueOrDefault(t.Node) ?? Attributes.Empty;
        var updated = t.Value is null ? current.Remove(t.Name) : current.SetItem(t.Name, t.Value);
        state = state with { TransientAttributes = state.TransientAttributes.SetItem(t.Node, updated) };
        events.Publish(new NodeAttributeChanged(time.GetUtcNow(), transport.Local.Name, t.Node, t.Name, t.Value));
        await NotifyAsync(new TransientAttributesChanged(t.Node, updated), ct);
    }

    /// <summary>Applies a command and writes it to the store; what must wait until it is durable goes to
    /// unacknowledged and afterSync.</summary>
    private void ApplyCommand(GroupMember sender, CommandEnvelope envelope)
    {
        var current = state;
        var outcome = !current.Synced ? new ApplyOutcome(null, null, Reforming())
            : !IsMajorityView() ? new ApplyOutcome(null, null, NoMajority())
            : ConfigApplier.Apply(current.Config, envelope);
        if (outcome.Succeeded)
        {
            var history = current.History.Add(outcome.Change!);
            if (history.Count > HistoryLimit) history = history.RemoveRange(0, history.Count - HistoryLimit);
            // Only the command goes to disk (a journal append), not the whole configuration and history. Until the
            // sync, the new state is only the basis of the next command: nothing outside the loop acts on it.
            store.AppendUnsynced(new StoredConfig(outcome.Config!, history, term), envelope);
            unsyncedCommands++;
            state = current with { Config = outcome.Config!, History = history };
            afterSync.Add(async ct =>
            {
                log.LogInformation("Configuration {Version}: {Summary} (by {Author} via {Node})",
                    outcome.Change!.Version, outcome.Change.Summary, envelope.Author, envelope.ViaNode);
                events.Publish(new ConfigurationChanged(envelope.Time, transport.Local.Name, outcome.Change.Version.ToString(), envelope.Author, outcome.Change.Summary));
                await NotifyAsync(new ConfigurationApplied(outcome.Config!), ct);
            });
        }
        else if (envelope.ViaNode == transport.Local.Name)
        {
            log.LogInformation("Refused change '{Change}' by {Author}: {Reason}", envelope.Command.Describe(), envelope.Author, outcome.Error!.Message);
        }

        if (sender == transport.Local)
        {
            if (pending.TryGetValue(envelope.Id, out var mine))
            {
                // The outcome is known at once, so the peers' acknowledgements count even if they arrive before
                // this node's own sync; this node's own application counts once it is durable.
                mine.Outcome = outcome;
                mine.RequiredApplications = Majority(current.Config);
                if (!outcome.Succeeded) mine.Done.TrySetResult(outcome);
                // After this node's own notifications, so the controller has the change when its writer hears back.
                else afterSync.Add(_ => { OnApplied(sender, envelope.Id); return ValueTask.CompletedTask; });
            }
        }
        else if (outcome.Succeeded && IsAcknowledgerFor(sender, Majority(current.Config)))
        {
            unacknowledged.Add(envelope.Id);
        }
    }

    /// <summary>
    /// Whether the proposer waits for this node's acknowledgement. It needs required - 1 besides its own application,
    /// and takes them from the members after it in node-id order (wrapping round); every member works that out from the
    /// same agreed view, so only they acknowledge. Each further acknowledgement would cost every node a totem round and
    /// a delivery per write for nothing (bench/README.md, ReplicationBench). A designated member that is slow or has
    /// stopped applying is covered by the others once the proposer asks them (<see cref="AcknowledgementRequested"/>).
    /// </summary>
    private bool IsAcknowledgerFor(GroupMember proposer, int required)
    {
        if (!viewDesignatesAcks) return true;
        var at = ring.IndexOf(proposer);
        for (var k = 1; at >= 0 && k < required && k < ring.Length; k++)
            if (ring[(at + k) % ring.Length] == transport.Local) return true;
        return false;
    }

    /// <summary>Acknowledges a command this node has applied and made durable (the loop syncs before other messages),
    /// for a proposer whose designated acknowledgers have not all answered.</summary>
    private async ValueTask OnAcknowledgementRequestedAsync(GroupMember proposer, Guid commandId, CancellationToken ct)
    {
        if (proposer == transport.Local || !state.History.Any(h => h.CommandId == commandId)) return;
        await transport.MulticastAsync(new CommandApplied(commandId).Encode(), ct);
    }

    private void OnApplied(GroupMember member, Guid commandId)
    {
        if (!pending.TryGetValue(commandId, out var p) || p.Outcome is not { Succeeded: true }) return;
        p.AppliedBy.Add(member.NodeId);
        // This node's own durable application is always among them, so the writer reads its change back from here.
        if (p.AppliedBy.Count >= p.RequiredApplications && p.AppliedBy.Contains(transport.Local.NodeId)) p.Done.TrySetResult(p.Outcome);
    }

    /// <summary>
    /// After a view change, acknowledgements from members that left may never come. A change this node applied is
    /// safe once a synchronised majority view holds it; one that the newest configuration lacks was lost with the
    /// partition that applied it, and its proposer is told so instead of waiting out the timeout.
    /// </summary>
    private void SettlePendingAfterSync()
    {
        if (!IsMajorityView()) return;
        foreach (var p in pending.Values.Where(p => p.Outcome is { Succeeded: true } && !p.Done.Task.IsCompleted))
        {
            var id = p.Outcome!.Change!.CommandId;
            if (state.History.Any(h => h.CommandId == id)) p.Done.TrySetResult(p.Outcome);
            else p.Done.TrySetResult(new ApplyOutcome(null, null, new ConfigError(ConfigErrorKind.Unavailable,
                "the change was applied only in a partition that has since been superseded by the majority; it is not in effect — retry it", [])));
        }
    }

    /// <summary>
    /// Whether the current view holds a majority of the configured nodes. Computed from the agreed view and the agreed
    /// configuration, so every member of a view reaches the same answer at the same point in the message order.
    /// </summary>
    private bool IsMajorityView() => state.Members.Length >= Majority(state.Config);

    private async ValueTask NotifyAsync(ReplicaNotification notification, CancellationToken ct)
    {
        foreach (var observer in observers) await observer.ObserveAsync(notification, ct);
    }

    private static int Majority(ClusterConfig config) => Math.Max(1, config.Nodes.Length / 2 + 1);

    private static ConfigError NoMajority() => new(ConfigErrorKind.Unavailable,
        "this partition does not hold a majority of the configured nodes, so it cannot change the configuration", []);

    private static ConfigError Reforming() => new(ConfigErrorKind.Unavailable,
        "the cluster membership just changed and the members are synchronising their configuration; retry in a moment", []);

    public async ValueTask DisposeAsync()
    {
        // The host stops the replica and then the container disposes it: the second call must be harmless.
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stopping.CancelAsync();
        if (loop is not null) await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await transport.DisposeAsync();
        stopping.Dispose();
    }
}
