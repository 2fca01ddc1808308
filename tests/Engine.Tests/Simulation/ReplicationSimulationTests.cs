using System.Collections.Immutable;
using System.Text.Json;
using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// Several replicas in one process over the simulated network, driven by one seed through random partitions, merges,
/// crashes and restarts with writes on every side. Checked from outside: members of a quorate partition hold
/// identical configurations, and no acknowledged write is ever lost. A failing seed is printed and replays exactly.
/// </summary>
public class ReplicationSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 5;

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 40).Select(i => new object[] { i * 7919 });

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Partitions_merges_and_restarts_never_lose_an_acknowledged_write(int seed)
    {
        var sim = new Simulation(seed, Nodes);
        try
        {
            await sim.RunAsync(steps: 400);
        }
        catch (Exception e)
        {
            output.WriteLine($"seed {seed} failed: {e.Message}\n{string.Join("\n", sim.Trace.TakeLast(40))}");
            throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}");
        }
        output.WriteLine($"seed {seed}: {sim.Acknowledged.Count} acknowledged writes, {sim.Refused} refused, final version {sim.FinalVersion}");
    }

    [Fact]
    public async Task The_simulation_is_deterministic_for_a_seed()
    {
        var a = new Simulation(42, Nodes);
        var b = new Simulation(42, Nodes);
        await a.RunAsync(200);
        await b.RunAsync(200);
        Assert.Equal(a.Trace, b.Trace);
        Assert.True(a.Acknowledged.Count > 0, "the schedule acknowledged no write at all; it proves nothing");
    }

    private sealed class Simulation(int seed, int nodeCount)
    {
        private readonly Random random = new(seed);
        private readonly Dictionary<uint, (ConfigurationReplica Replica, SimulatedTransport Transport)> replicas = [];
        private readonly Dictionary<uint, MemoryConfigStore> disks = [];
        private readonly List<(string Id, Task<ChangeRecord> Task)> writes = [];
        private SimulatedNetwork network = null!;
        private int writeCount;

        public List<string> Trace { get; } = [];
        public List<string> Acknowledged { get; } = [];
        public int Refused { get; private set; }
        public string FinalVersion { get; private set; } = "";

        public async Task RunAsync(int steps)
        {
            network = new SimulatedNetwork(nodeCount, random);
            for (var n = 1u; n <= nodeCount; n++) Start(n);
            Drain();
            for (var n = 1u; n <= nodeCount; n++) Submit(n, new PutNode(new Node(SimulatedNetwork.Name(n), n, [], Attributes.Empty), PutMode.Upsert), $"node{n}");
            Drain();

            for (var step = 0; step < steps; step++)
            {
                var roll = random.Next(100);
                if (roll < 45) Submit(RandomRunning(), NewResource(), null);
                else if (roll < 80) DeliverSome();
                else if (roll < 86) Partition();
                else if (roll < 91) { Trace.Add("heal"); network.Heal(); }
                else if (roll < 95) Crash();
                else Restart();
                if (random.Next(10) == 0) { Drain(); CheckQuorateComponentsAgree(); }
            }

            // Everything back: every node up, connected, drained. Then every acknowledged write must be present everywhere.
            for (var n = 1u; n <= nodeCount; n++) if (!replicas.ContainsKey(n)) Start(n);
            network.Heal();
            Drain();
            await Task.WhenAll(writes.Select(w => Task.WhenAny(w.Task, Task.Delay(2000))));
            foreach (var (id, task) in writes)
            {
                if (task.IsCompletedSuccessfully) Acknowledged.Add(id);
                else if (task.IsFaulted) Refused++;
            }
            CheckQuorateComponentsAgree();
            var final = replicas[1].Replica.Config;
            FinalVersion = final.Version.ToString();
            var lost = Acknowledged.Where(id => id.StartsWith('r') && final.FindPrimitive(id) is null).ToList();
            if (lost.Count > 0) throw new InvalidOperationException($"acknowledged writes lost: {string.Join(", ", lost)}");
        }

        private void Start(uint n)
        {
            var transport = network.Start(n);
            var store = disks.TryGetValue(n, out var disk) ? disk : disks[n] = new MemoryConfigStore();
            var replica = new ConfigurationReplica(transport, store, new NoEvents(), new ManualTime(), NullLogger<ConfigurationReplica>.Instance);
            replica.LoadFromStore();
            replicas[n] = (replica, transport);
            Trace.Add($"start {n}");
        }

        private void Crash()
        {
            var up = replicas.Keys.Order().ToList();
            if (up.Count <= 1) return;
            var n = up[random.Next(up.Count)];
            replicas.Remove(n);
            network.Crash(n);
            disks[n].Crash();
            Trace.Add($"crash {n}");
        }

        private void Restart()
        {
            var down = Enumerable.Range(1, nodeCount).Select(i => (uint)i).Where(n => !replicas.ContainsKey(n)).ToList();
            if (down.Count == 0) return;
            Start(down[random.Next(down.Count)]);
        }

        private void Partition()
        {
            var split = Enumerable.Range(1, nodeCount).ToDictionary(i => (uint)i, _ => random.Next(2));
            network.Partition(split);
            Trace.Add("partition " + string.Join(" ", split.OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Value}")));
        }

        private uint RandomRunning()
        {
            var up = replicas.Keys.Order().ToList();
            return up[random.Next(up.Count)];
        }

        private ConfigCommand NewResource()
        {
            var id = $"r{++writeCount}";
            return new PutPrimitive(new Primitive(id, ResourceClass.Haapi, null, "Dummy", Attributes.Empty, Attributes.Empty, []), PutMode.Create);
        }

        private void Submit(uint node, ConfigCommand command, string? label)
        {
            var id = label ?? ((PutPrimitive)command).Primitive.Id;
            try
            {
                var task = replicas[node].Replica.SubmitAsync(command, "sim", null, CancellationToken.None);
                writes.Add((id, task));
                Trace.Add($"submit {id} on {node}");
            }
            catch (Exception e) when (e is NotQuorateException or ConfigRejectedException)
            {
                Trace.Add($"submit {id} on {node} refused at once");
            }
        }

        private void DeliverSome()
        {
            for (var i = random.Next(1, 8); i > 0; i--)
            {
                var ready = replicas.Where(r => r.Value.Transport.Inbound.Count > 0).Select(r => r.Key).Order().ToList();
                if (ready.Count == 0) return;
                Deliver(ready[random.Next(ready.Count)]);
            }
        }

        private void Deliver(uint n)
        {
            var (replica, transport) = replicas[n];
            var e = transport.Inbound.Dequeue();
            // Group commit as the delivery loop does it: events already queued behind this one join its batch.
            replica.HandleAsync(e, CancellationToken.None, moreQueued: transport.Inbound.Count > 0).AsTask().GetAwaiter().GetResult();
            Trace.Add($"deliver {n} {Describe(e)} -> {replica.Config.Version}");
        }

        private static string Describe(HaApi.Engine.Ports.TransportEvent e) => e switch
        {
            HaApi.Engine.Ports.MessageDelivered m => $"msg from {m.Sender.NodeId} ({ClusterMessage.TryDecode(m.Payload, out _)?.GetType().Name})",
            HaApi.Engine.Ports.ViewChanged v => $"view [{string.Join(",", v.Members.Select(x => x.NodeId))}]",
            _ => e.GetType().Name,
        };

        private void Drain()
        {
            for (var guard = 0; guard < 100_000; guard++)
            {
                var ready = replicas.Where(r => r.Value.Transport.Inbound.Count > 0).Select(r => r.Key).Order().ToList();
                if (ready.Count == 0) return;
                Deliver(ready[random.Next(ready.Count)]);
            }
            throw new InvalidOperationException("the network did not go quiet after 100,000 deliveries");
        }

        /// <summary>At quiescence, the members of every majority component are synchronised and identical.</summary>
        private void CheckQuorateComponentsAgree()
        {
            foreach (var component in network.Components())
            {
                var members = component.Where(replicas.ContainsKey).ToList();
                if (members.Count * 2 <= nodeCount) continue;
                var states = members.Select(n => (n, replicas[n].Replica.State)).ToList();
                var unsynced = states.Where(s => !s.State.Synced).Select(s => s.n).ToList();
                if (unsynced.Count > 0) throw new InvalidOperationException($"members {string.Join(",", unsynced)} of a quiet majority component are not synchronised");
                var configs = states.Select(s => JsonSerializer.Serialize(s.State.Config, ConfigJson.Options)).Distinct().ToList();
                if (configs.Count > 1)
                    throw new InvalidOperationException($"majority component {string.Join(",", members)} diverged: versions {string.Join(", ", states.Select(s => $"{s.n}={s.State.Config.Version}"))}");
                var dcs = states.Select(s => s.State.Dc).Distinct().ToList();
                if (dcs.Count != 1 || dcs[0] != SimulatedNetwork.Name(members.Min()))
                    throw new InvalidOperationException($"majority component {string.Join(",", members)} disagrees on the DC: {string.Join(",", dcs)}");
            }
        }
    }
}
