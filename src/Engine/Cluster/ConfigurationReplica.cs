using System.Collections.Concurrent;
using System.Collections.Immutable;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging;
using ConfigurationChanged = HaApi.Engine.Events.ConfigurationChanged;
using QuorumEvent = HaApi.Engine.Events.QuorumChanged;

namespace HaApi.Engine.Cluster;

/// <summary>
/// This node's copy of the replicated configuration. Changes are multicast and applied by every member in
/// delivery order; the proposer answers only after its own delivery, with the outcome of applying it, and
/// only after the new state is durable.
/// </summary>
public sealed class ConfigurationReplica : IAsyncDisposable
{
    private const int HistoryLimit = 500;
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(30);

    private readonly IGroupTransport transport;
    private readonly IConfigStore store;
    private readonly IEventSink events;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ApplyOutcome>> pending = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    private volatile Snapshot state = new(ClusterConfig.Empty, [], false, []);

    /// <summary>Everything readers need, swapped as one object so they never see a half-applied change.</summary>
    public sealed record Snapshot(ClusterConfig Config, ImmutableList<ChangeRecord> History, bool Quorate, ImmutableArray<GroupMember> Members);

    public ConfigurationReplica(IGroupTransport transport, IConfigStore store, IEventSink events, TimeProvider time, ILogger<ConfigurationReplica> log)
    {
        this.transport = transport;
        this.store = store;
        this.events = events;
        this.time = time;
        this.log = log;
    }

    public Snapshot State => state;
    public ClusterConfig Config => state.Config;
    public GroupMember Local => transport.Local;

    /// <summary>Loads the persisted configuration, joins the group and starts applying deliveries.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stored = store.Load();
        if (stored is not null)
        {
            state = state with { Config = stored.Config, History = stored.History.TakeLast(HistoryLimit).ToImmutableList() };
            log.LogInformation("Loaded configuration version {Version} ({Resources} primitives, {Constraints} constraints)",
                stored.Config.Version, stored.Config.Primitives.Length,
                stored.Config.Locations.Length + stored.Config.Colocations.Length + stored.Config.Orders.Length);
        }
        await transport.StartAsync(cancellationToken);
        loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
    }

    /// <summary>Proposes a change and waits until this node has applied it (or refused it) in agreed order.</summary>
    public async Task<ChangeRecord> SubmitAsync(ConfigCommand command, string author, ConfigVersion? expectedVersion, CancellationToken cancellationToken)
    {
        if (!state.Quorate) throw new NotQuorateException(transport.Local.Name);
        var envelope = new CommandEnvelope(Guid.NewGuid(), author, transport.Local.Name, time.GetUtcNow(), expectedVersion, command);
        var done = new TaskCompletionSource<ApplyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[envelope.Id] = done;
        try
        {
            await transport.MulticastAsync(new ConfigCommandMessage(envelope).Encode(), cancellationToken);
            var outcome = await done.Task.WaitAsync(SubmitTimeout, time, cancellationToken);
            return outcome.Error is null ? outcome.Change! : throw new ConfigRejectedException(outcome.Error);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"change '{command.Describe()}' was not delivered back within {SubmitTimeout.TotalSeconds:0}s; " +
                                       "the cluster may be re-forming — read the configuration history before retrying");
        }
        finally
        {
            pending.TryRemove(envelope.Id, out _);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in transport.Events.ReadAllAsync(ct))
            {
                try
                {
                    Handle(e);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failure to persist must stop this node from acknowledging anything further: it would
                    // otherwise acknowledge changes it might lose. Fail the waiting writers and keep the error visible.
                    log.LogCritical(ex, "Failed to handle {Event}; configuration changes on this node are halted", e.GetType().Name);
                    foreach (var p in pending.Values) p.TrySetException(ex);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Handle(TransportEvent e)
    {
        switch (e)
        {
            case MessageDelivered m:
                var message = ClusterMessage.TryDecode(m.Payload, out var reason);
                if (message is null)
                {
                    log.LogWarning("Dropped a message from node {Node} (id {NodeId}): {Reason}", m.Sender.Name, m.Sender.NodeId, reason);
                    return;
                }
                if (message is ConfigCommandMessage c) ApplyCommand(c.Envelope);
                break;
            case ViewChanged v:
                state = state with { Members = v.Members };
                log.LogInformation("Membership: {Members}", string.Join(", ", v.Members.Select(x => x.Name)));
                break;
            case QuorumChanged q:
                if (q.Quorate != state.Quorate)
                {
                    log.LogInformation("Quorum {State} ({Votes}/{Expected} votes)", q.Quorate ? "gained" : "lost", q.TotalVotes, q.ExpectedVotes);
                    events.Publish(new QuorumEvent(time.GetUtcNow(), transport.Local.Name, q.Quorate));
                }
                state = state with { Quorate = q.Quorate };
                break;
        }
    }

    private void ApplyCommand(CommandEnvelope envelope)
    {
        var current = state;
        var outcome = ConfigApplier.Apply(current.Config, envelope);
        if (outcome.Succeeded)
        {
            var history = current.History.Add(outcome.Change!);
            if (history.Count > HistoryLimit) history = history.RemoveRange(0, history.Count - HistoryLimit);
            store.Save(new StoredConfig(outcome.Config!, history));
            state = current with { Config = outcome.Config!, History = history };
            log.LogInformation("Configuration {Version}: {Summary} (by {Author} via {Node})",
                outcome.Change!.Version, outcome.Change.Summary, envelope.Author, envelope.ViaNode);
            events.Publish(new ConfigurationChanged(envelope.Time, transport.Local.Name, outcome.Change.Version.ToString(), envelope.Author, outcome.Change.Summary));
        }
        else if (envelope.ViaNode == transport.Local.Name)
        {
            log.LogInformation("Refused change '{Change}' by {Author}: {Reason}", envelope.Command.Describe(), envelope.Author, outcome.Error!.Message);
        }
        if (pending.TryGetValue(envelope.Id, out var waiter)) waiter.TrySetResult(outcome);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null) await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await transport.DisposeAsync();
        stopping.Dispose();
    }
}
