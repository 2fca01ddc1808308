using System.Collections.Immutable;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Tests.Simulation;

/// <summary>
/// Nodes, which of them run, and which can reach which (components). A topology change installs a new view in every
/// component, in agreed order with the messages; a member cut away may miss the tail of the messages sent before the
/// cut (as with a real token loss), never a message in the middle.
/// </summary>
internal sealed class SimulatedNetwork(int nodeCount, Random random)
{
    private readonly Dictionary<uint, SimulatedTransport> running = [];
    private readonly Dictionary<uint, int> component = [];
    private uint processIds = 100;
    private ulong ring;

    public int NodeCount { get; } = nodeCount;

    public IEnumerable<uint> RunningNodes => running.Keys.Order();

    public SimulatedTransport? Transport(uint nodeId) => running.GetValueOrDefault(nodeId);

    public static string Name(uint nodeId) => $"node{nodeId}";

    public SimulatedTransport Start(uint nodeId)
    {
        var transport = new SimulatedTransport(this, new GroupMember(nodeId, ++processIds, Name(nodeId)));
        running[nodeId] = transport;
        component.TryAdd(nodeId, 0);
        InstallViews(dropTails: false);
        return transport;
    }

    public void Crash(uint nodeId)
    {
        running.Remove(nodeId);
        InstallViews(dropTails: true);
    }

    /// <summary>Splits the nodes into components (each node's component number).</summary>
    public void Partition(IReadOnlyDictionary<uint, int> assignment)
    {
        foreach (var (node, c) in assignment) component[node] = c;
        InstallViews(dropTails: true);
    }

    public void Heal()
    {
        foreach (var node in component.Keys.ToList()) component[node] = 0;
        InstallViews(dropTails: false);
    }

    public IEnumerable<IGrouping<int, uint>> Components() =>
        running.Keys.GroupBy(n => component[n]).OrderBy(g => g.Key);

    public void Multicast(GroupMember sender, byte[] payload)
    {
        if (!running.TryGetValue(sender.NodeId, out var t) || t.Local != sender) return;
        foreach (var node in running.Keys.Where(n => component[n] == component[sender.NodeId]).Order())
            running[node].Inbound.Enqueue(new MessageDelivered(sender, payload));
    }

    private void InstallViews(bool dropTails)
    {
        ring++;
        if (dropTails)
            foreach (var t in running.Values) DropTailFromOtherComponents(t);
        foreach (var group in Components())
        {
            ImmutableArray<GroupMember> members = [.. group.Order().Select(n => running[n].Local)];
            var quorate = members.Length * 2 > NodeCount;
            foreach (var node in group)
            {
                var t = running[node];
                // Joined/Left are relative to each node's previous view; the replica only needs the member list.
                t.Inbound.Enqueue(new ViewChanged(members, members, [], ring));
                t.Inbound.Enqueue(new QuorumChanged(quorate, (uint)NodeCount, (uint)members.Length, (uint)(NodeCount / 2 + 1), [.. members.Select(m => m.NodeId)]));
            }
        }
    }

    /// <summary>A cut member may lose the last undelivered messages from senders now on the other side.</summary>
    private void DropTailFromOtherComponents(SimulatedTransport t)
    {
        if (random.Next(2) == 0) return;
        var items = t.Inbound.ToList();
        var mine = component[t.Local.NodeId];
        var cut = items.Count;
        while (cut > 0 && items[cut - 1] is MessageDelivered m && component.GetValueOrDefault(m.Sender.NodeId, -1) != mine) cut--;
        if (cut == items.Count) return;
        cut = random.Next(cut, items.Count);
        t.Inbound.Clear();
        foreach (var e in items.Take(cut)) t.Inbound.Enqueue(e);
    }
}
