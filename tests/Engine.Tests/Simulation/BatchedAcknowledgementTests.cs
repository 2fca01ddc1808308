using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// A peer that syncs several commands at once acknowledges them with one CommandsApplied, but only in a view whose
/// every member announced it understands that message; with an older member it sends one CommandApplied per command.
/// </summary>
public class BatchedAcknowledgementTests
{
    [Fact]
    public async Task Commands_synced_together_are_acknowledged_with_one_message()
    {
        var cluster = await ThreeNodes.StartAsync(olderNode: null);

        var writes = await cluster.SubmitThreeOnNode1AndDeliverThemToNode2();

        var fromNode2 = cluster.AcknowledgementsQueuedAtNode1From(2);
        var batch = Assert.IsType<CommandsApplied>(Assert.Single(fromNode2));
        Assert.Equal(3, batch.CommandIds.Count);
        cluster.Drain();
        // Completed by the delivery of the acknowledgements; the writers' continuations run on the thread pool.
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_view_with_a_member_that_does_not_know_the_batch_message_gets_one_acknowledgement_per_command()
    {
        var cluster = await ThreeNodes.StartAsync(olderNode: 3);

        var writes = await cluster.SubmitThreeOnNode1AndDeliverThemToNode2();

        var fromNode2 = cluster.AcknowledgementsQueuedAtNode1From(2);
        Assert.Equal(3, fromNode2.Count);
        Assert.All(fromNode2, m => Assert.IsType<CommandApplied>(m));
        cluster.Drain();
        // Completed by the delivery of the acknowledgements; the writers' continuations run on the thread pool.
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Three replicas over the simulated network, driven in a fixed order; olderNode announces no features.</summary>
    private sealed class ThreeNodes
    {
        private readonly SimulatedNetwork network = new(3, new Random(1));
        private readonly Dictionary<uint, (ConfigurationReplica Replica, SimulatedTransport Transport)> nodes = [];
        private uint? olderNode;

        public static async Task<ThreeNodes> StartAsync(uint? olderNode)
        {
            var cluster = new ThreeNodes { olderNode = olderNode };
            for (var n = 1u; n <= 3; n++)
            {
                var transport = cluster.network.Start(n);
                cluster.nodes[n] = (new ConfigurationReplica(transport, new MemoryConfigStore(), new NoEvents(), new ManualTime(), NullLogger<ConfigurationReplica>.Instance), transport);
            }
            cluster.Drain();
            // The configuration must list the nodes: a majority is counted against it.
            var added = new List<Task<ChangeRecord>>();
            for (var n = 1u; n <= 3; n++)
                added.Add(cluster.nodes[1].Replica.SubmitAsync(new PutNode(new Node(SimulatedNetwork.Name(n), n, [], Attributes.Empty), PutMode.Upsert), "test", null, CancellationToken.None));
            cluster.Drain();
            await Task.WhenAll(added);
            return cluster;
        }

        /// <summary>Three writes on node1, then node2 handles all three in one run (one sync, as its delivery loop would).</summary>
        public async Task<List<Task<ChangeRecord>>> SubmitThreeOnNode1AndDeliverThemToNode2()
        {
            var writes = Enumerable.Range(1, 3)
                .Select(i => nodes[1].Replica.SubmitAsync(new PutPrimitive(new Primitive($"r{i}", ResourceClass.Haapi, null, "Dummy", Attributes.Empty, Attributes.Empty, []), PutMode.Create), "test", null, CancellationToken.None))
                .ToList();
            var node2 = nodes[2].Transport;
            while (node2.Inbound.Count > 0)
                await nodes[2].Replica.HandleAsync(node2.Inbound.Dequeue(), CancellationToken.None, moreQueued: node2.Inbound.Count > 0);
            return writes;
        }

        public List<ClusterMessage> AcknowledgementsQueuedAtNode1From(uint sender) =>
            [.. nodes[1].Transport.Inbound.OfType<MessageDelivered>()
                .Where(m => m.Sender.NodeId == sender)
                .Select(m => ClusterMessage.TryDecode(m.Payload, out _))
                .Where(m => m is CommandApplied or CommandsApplied)
                .Cast<ClusterMessage>()];

        /// <summary>Delivers until every queue is empty, node by node in id order, one event at a time.</summary>
        public void Drain()
        {
            for (var guard = 0; guard < 10_000; guard++)
            {
                var ready = nodes.Keys.Order().FirstOrDefault(n => nodes[n].Transport.Inbound.Count > 0);
                if (ready == 0) return;
                var (replica, transport) = nodes[ready];
                replica.HandleAsync(transport.Inbound.Dequeue(), CancellationToken.None, moreQueued: transport.Inbound.Count > 0).AsTask().GetAwaiter().GetResult();
                if (olderNode is { } older) StripFeaturesOfAnnouncementsFrom(older);
            }
            throw new InvalidOperationException("the network did not go quiet");
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
}
