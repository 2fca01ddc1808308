using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// Replicas over the simulated network, driven by the test one event at a time in a fixed order (node by node in id
/// order). olderNode plays a node of the previous release: its announcements carry no Features. Each node's clock is
/// timeOf(node), ManualTime (timers never fire) unless given.
/// </summary>
internal sealed class SimulatedReplicas
{
    private readonly SimulatedNetwork network;
    private readonly Dictionary<uint, (ConfigurationReplica Replica, SimulatedTransport Transport)> nodes = [];
    private readonly uint? olderNode;

    private SimulatedReplicas(int count, uint? olderNode)
    {
        network = new SimulatedNetwork(count, new Random(1));
        this.olderNode = olderNode;
    }

    /// <summary>Members that never handle what is delivered to them (a stalled delivery loop); Drain skips them.</summary>
    public HashSet<uint> Stalled { get; } = [];

    public ConfigurationReplica Replica(uint node) => nodes[node].Replica;

    public static async Task<SimulatedReplicas> StartAsync(int count, uint? olderNode = null, Func<uint, TimeProvider>? timeOf = null)
    {
        var cluster = new SimulatedReplicas(count, olderNode);
        for (var n = 1u; n <= count; n++)
        {
            var transport = cluster.network.Start(n);
            var time = timeOf?.Invoke(n) ?? new ManualTime();
            cluster.nodes[n] = (new ConfigurationReplica(transport, new MemoryConfigStore(), new NoEvents(), time, NullLogger<ConfigurationReplica>.Instance), transport);
        }
        cluster.Drain();
        // The configuration must list the nodes: a majority is counted against it.
        var added = new List<Task<ChangeRecord>>();
        for (var n = 1u; n <= count; n++)
            added.Add(cluster.nodes[1].Replica.SubmitAsync(new PutNode(new Node(SimulatedNetwork.Name(n), n, [], Attributes.Empty), PutMode.Upsert), "test", null, CancellationToken.None));
        cluster.Drain();
        await Task.WhenAll(added);
        return cluster;
    }

    public Task<ChangeRecord> Submit(uint node, string resource) =>
        nodes[node].Replica.SubmitAsync(new PutPrimitive(new Primitive(resource, ResourceClass.Haapi, null, "Dummy", Attributes.Empty, Attributes.Empty, []), PutMode.Create), "test", null, CancellationToken.None);

    /// <summary>Lets one node handle everything queued for it in one run (one sync, as its delivery loop would).</summary>
    public async Task HandleQueuedAsync(uint node)
    {
        var transport = nodes[node].Transport;
        while (transport.Inbound.Count > 0)
            await nodes[node].Replica.HandleAsync(transport.Inbound.Dequeue(), CancellationToken.None, moreQueued: transport.Inbound.Count > 0);
    }

    /// <summary>The acknowledgements from sender waiting in node's queue.</summary>
    public List<ClusterMessage> AcknowledgementsQueuedAt(uint node, uint sender) =>
        [.. nodes[node].Transport.Inbound.OfType<MessageDelivered>()
            .Where(m => m.Sender.NodeId == sender)
            .Select(m => ClusterMessage.TryDecode(m.Payload, out _))
            .Where(m => m is CommandApplied or CommandsApplied)
            .Cast<ClusterMessage>()];

    /// <summary>Every node that sent node an acknowledgement still waiting in its queue.</summary>
    public IEnumerable<uint> AcknowledgersQueuedAt(uint node) =>
        nodes.Keys.Order().Where(sender => AcknowledgementsQueuedAt(node, sender).Count > 0);

    /// <summary>Delivers until every queue but the stalled ones is empty.</summary>
    public void Drain()
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            var ready = nodes.Keys.Order().FirstOrDefault(n => !Stalled.Contains(n) && nodes[n].Transport.Inbound.Count > 0);
            if (ready == 0) return;
            var (replica, transport) = nodes[ready];
            replica.HandleAsync(transport.Inbound.Dequeue(), CancellationToken.None, moreQueued: transport.Inbound.Count > 0).AsTask().GetAwaiter().GetResult();
            if (olderNode is { } older) StripFeaturesOfAnnouncementsFrom(older);
        }
        throw new InvalidOperationException("the network did not go quiet");
    }

    /// <summary>Delivers everything but leaves the acknowledgements queued at node, to see who sent one.</summary>
    public void DrainAllBut(uint node)
    {
        Stalled.Add(node);
        Drain();
        Stalled.Remove(node);
    }

    // What a node of the previous release multicasts: its announcement has no Features.
    private void StripFeaturesOfAnnouncementsFrom(uint sender)
    {
        foreach (var (_, transport) in nodes.Values)
        {
            var events = transport.Inbound.ToList();
            transport.Inbound.Clear();
            foreach (var e in events)
                transport.Inbound.Enqueue(e is MessageDelivered m && m.Sender.NodeId == sender && ClusterMessage.TryDecode(m.Payload, out _) is StateAnnouncement a
                    ? m with { Payload = (a with { Features = null }).Encode() }
                    : e);
        }
    }
}
