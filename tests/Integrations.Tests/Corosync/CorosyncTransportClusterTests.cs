using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit.Abstractions;

namespace HaApi.Integrations.Tests.Corosync;

/// <summary>
/// CorosyncTransport against real corosync 3 daemons in three network namespaces (scripts/cluster), each running a
/// tools/CpgNode member. Every test uses its own CPG group; tests that break the cluster repair it before returning.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CorosyncTransportClusterTests(CorosyncClusterFixture cluster, ITestOutputHelper output)
    : IClassFixture<CorosyncClusterFixture>
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);
    private static readonly uint[] AllNodes = [1, 2, 3];

    [Fact]
    public void Three_members_see_the_same_view_ordered_by_node_id()
    {
        using var members = StartMembers();

        var views = members.Select(m => m.WaitForView(ids => ids.Length == 3, EventTimeout, "3-member view")).ToArray();

        foreach (var view in views)
            Assert.Equal(AllNodes, CpgNodeProcess.MemberIds(view));
        var expected = Describe(views[0].GetProperty("members"));
        Assert.All(views, v => Assert.Equal(expected, Describe(v.GetProperty("members"))));
        Assert.Equal(members.Select(m => m.Pid).ToArray(),
            views[0].GetProperty("members").EnumerateArray().Select(m => m.GetProperty("pid").GetUInt32()).ToArray());
        Assert.All(views, v => Assert.True(v.GetProperty("ring").GetUInt64() > 0, "a view carries its totem ring"));
    }

    [Fact]
    public void Messages_from_different_nodes_are_delivered_in_the_same_total_order_everywhere()
    {
        using var members = StartMembers();
        const int perNode = 40;

        // All three write as fast as they can, so the senders' messages interleave in the ring.
        Parallel.ForEach(members, m =>
        {
            for (var i = 0; i < perNode; i++)
                m.Send($"n{m.Node}-{i}");
        });

        var orders = members.Select(m =>
        {
            m.WaitFor(_ => m.Events("message").Count(IsTestMessage) >= 3 * perNode, EventTimeout, $"{3 * perNode} messages");
            return m.Events("message").Where(IsTestMessage).Select(e => e.GetProperty("text").GetString()!).ToArray();
        }).ToArray();

        Assert.Equal(3 * perNode, orders[0].Length);
        Assert.Equal(orders[0], orders[1]);
        Assert.Equal(orders[0], orders[2]);
        // Each sender's own messages keep their order (FIFO per sender), and senders really did interleave.
        foreach (var node in AllNodes)
            Assert.Equal(Enumerable.Range(0, perNode).Select(i => $"n{node}-{i}"), orders[0].Where(t => t.StartsWith($"n{node}-")));
        output.WriteLine($"sender switches in the agreed order: {SenderSwitches(orders[0])} of {orders[0].Length - 1} possible");

        ReportLatency(members);
        members[0].Send("!ping 100");
        var ping = members[0].WaitFor(e => CpgNodeProcess.Is(e, "ping"), EventTimeout, "100 pings delivered back to the sender");
        output.WriteLine($"ping (one at a time, 3 members): p50 {ping.GetProperty("p50Ms").GetDouble():0.00} ms, "
            + $"p90 {ping.GetProperty("p90Ms").GetDouble():0.00} ms, p99 {ping.GetProperty("p99Ms").GetDouble():0.00} ms, "
            + $"max {ping.GetProperty("maxMs").GetDouble():0.00} ms");
    }

    [Fact]
    public void A_slow_reader_with_a_full_event_queue_loses_nothing_and_keeps_the_order()
    {
        var group = $"t-{Guid.NewGuid():N}";
        using var slow = CpgNodeProcess.Launch(cluster, 1, "--group", group, "--event-capacity", "16");
        using var sender = cluster.StartMember(2, group);
        using var witness = cluster.StartMember(3, group);
        foreach (var member in new[] { slow, sender, witness })
            member.WaitForView(ids => ids.Length == 3, EventTimeout, "3-member view");
        const int count = 400;

        slow.Send("!stall 3000");
        slow.WaitFor(e => CpgNodeProcess.Is(e, "stalling"), EventTimeout, "stall acknowledged");
        for (var i = 0; i < count; i++)
            sender.Send($"n{i}");

        string[] Delivered(CpgNodeProcess member)
        {
            member.WaitFor(_ => member.Events("message").Count(IsTestMessage) >= count, EventTimeout, $"{count} messages");
            return member.Events("message").Where(IsTestMessage).Select(e => e.GetProperty("text").GetString()!).ToArray();
        }
        var expected = Enumerable.Range(0, count).Select(i => $"n{i}").ToArray();
        Assert.Equal(expected, Delivered(witness));
        Assert.Equal(expected, Delivered(slow));
        // The reader really sat on the first message while the other 399 queued up behind it (16 fit the queue).
        var stalledAt = slow.Events("stalling").Single().GetProperty("t").GetDouble();
        Assert.True(slow.Events("message").First(IsTestMessage).GetProperty("t").GetDouble() - stalledAt >= 2900);
    }

    [Fact]
    public void A_message_larger_than_the_ipc_limit_is_fragmented_and_reassembled_intact()
    {
        using var members = StartMembers();
        const int size = 2 * 1024 * 1024; // corosync's IPC limit is 1,047,552 bytes

        members[1].Send($"!big {size}");
        var sent = members[1].WaitFor(e => CpgNodeProcess.Is(e, "sent") && e.GetProperty("length").GetInt32() == size,
            EventTimeout, "big message sent");
        var hash = sent.GetProperty("sha256").GetString();

        foreach (var member in members)
        {
            var delivered = member.WaitFor(e => CpgNodeProcess.Is(e, "message") && e.GetProperty("length").GetInt32() == size,
                EventTimeout, "big message delivered");
            Assert.Equal(hash, delivered.GetProperty("sha256").GetString());
            Assert.Equal(2u, delivered.GetProperty("from").GetUInt32());
        }
    }

    [Fact]
    public void A_cut_node_loses_quorum_the_other_two_keep_it_and_healing_restores_three_members()
    {
        using var members = StartMembers();
        foreach (var member in members)
            member.WaitForView(ids => ids.Length == 3, EventTimeout, "3-member view");
        var before = members.Select(m => m.EventCount).ToArray();

        var ringBefore = members[0].WaitForView(ids => ids.Length == 3, EventTimeout, "3-member view").GetProperty("ring").GetUInt64();

        var cutAt = Stopwatch.StartNew();
        cluster.Run("cut", "node3");
        try
        {
            var survivorViews = members[..2].Select(survivor => survivor.WaitFor(
                e => CpgNodeProcess.Is(e, "view") && CpgNodeProcess.MemberIds(e).SequenceEqual([1u, 2u]),
                EventTimeout, "2-member view after the cut", before[survivor.Node - 1])).ToArray();
            output.WriteLine($"cut -> 2-member view on both survivors: {cutAt.ElapsedMilliseconds} ms (token 1000 ms, consensus 1200 ms)");
            foreach (var survivor in members[..2])
            {
                var quorum = survivor.WaitFor(e => CpgNodeProcess.Is(e, "quorum") && Ids(e).SequenceEqual([1u, 2u]),
                    EventTimeout, "quorum notification for nodes 1 and 2", before[survivor.Node - 1]);
                Assert.True(quorum.GetProperty("quorate").GetBoolean());
                // The quorum that is kept follows the view of its ring, and names that ring.
                Assert.Equal(survivorViews[0].GetProperty("ring").GetUInt64(), quorum.GetProperty("ring").GetUInt64());
                Assert.Equal((3u, 2u, 2u), (quorum.GetProperty("expected").GetUInt32(), quorum.GetProperty("total").GetUInt32(),
                    quorum.GetProperty("quorum").GetUInt32()));
            }
            // Both survivors installed the same new totem ring, newer than the one they left.
            Assert.Equal(survivorViews[0].GetProperty("ring").GetUInt64(), survivorViews[1].GetProperty("ring").GetUInt64());
            Assert.True(survivorViews[0].GetProperty("ring").GetUInt64() > ringBefore);
            Assert.Equal([3u], survivorViews[0].GetProperty("left").EnumerateArray().Select(m => m.GetProperty("nodeId").GetUInt32()));

            var isolated = members[2].WaitFor(e => CpgNodeProcess.Is(e, "quorum") && !e.GetProperty("quorate").GetBoolean(),
                EventTimeout, "not quorate on the cut node", before[2]);
            Assert.Equal([3u], Ids(isolated));
            Assert.DoesNotContain(members[2].Events("quorum"), e => e.GetProperty("quorate").GetBoolean() && Ids(e).SequenceEqual([3u]));
            // The cut node hears that it lost quorum before it sees the others leave: a DC acting on the 1-member view
            // with the quorum it had before the cut fenced the healthy majority.
            var alone = members[2].WaitFor(e => CpgNodeProcess.Is(e, "view") && CpgNodeProcess.MemberIds(e).SequenceEqual([3u]),
                EventTimeout, "1-member view on the cut node", before[2]);
            Assert.Equal(alone.GetProperty("ring").GetUInt64(), isolated.GetProperty("ring").GetUInt64());
            Assert.Empty(ViewsSeenAsQuorateWithout(members[2].EventsSince(before[2]), minimumMembers: 2, quorateBefore: true));
        }
        finally
        {
            cluster.Run("heal", "node3");
        }

        var healedAt = Stopwatch.StartNew();
        var afterCut = members.Select(m => m.EventCount).ToArray();
        foreach (var member in members)
            member.WaitFor(e => CpgNodeProcess.Is(e, "view") && CpgNodeProcess.MemberIds(e).SequenceEqual(AllNodes),
                EventTimeout, "3-member view after healing", afterCut[member.Node - 1]);
        output.WriteLine($"heal -> 3-member view everywhere: {healedAt.ElapsedMilliseconds} ms");
        foreach (var member in members)
            member.WaitFor(e => CpgNodeProcess.Is(e, "quorum") && e.GetProperty("quorate").GetBoolean() && Ids(e).SequenceEqual(AllNodes),
                EventTimeout, "quorate with 3 nodes after healing", afterCut[member.Node - 1]);
    }

    [Fact]
    public void Killing_a_nodes_corosync_is_seen_as_that_node_leaving_and_a_restarted_one_takes_members_again()
    {
        using var members = StartMembers();
        foreach (var member in members)
            member.WaitForView(ids => ids.Length == 3, EventTimeout, "3-member view");
        var before = members.Select(m => m.EventCount).ToArray();

        var killedAt = Stopwatch.StartNew();
        cluster.Run("kill", "node3");
        try
        {
            foreach (var survivor in members[..2])
            {
                var view = survivor.WaitFor(e => CpgNodeProcess.Is(e, "view") && CpgNodeProcess.MemberIds(e).SequenceEqual([1u, 2u]),
                    EventTimeout, "2-member view after kill -9", before[survivor.Node - 1]);
                Assert.Equal([3u], view.GetProperty("left").EnumerateArray().Select(m => m.GetProperty("nodeId").GetUInt32()));
            }
            output.WriteLine($"kill -9 corosync -> leave seen: {killedAt.ElapsedMilliseconds} ms");
            var closed = members[2].WaitFor(e => CpgNodeProcess.Is(e, "closed"), EventTimeout, "transport closed on the killed node");
            Assert.Contains("lost the connection to corosync", closed.GetProperty("error").GetString());
        }
        finally
        {
            cluster.Run("start", "node3");
            cluster.Run("wait");
        }

        // The restarted corosync takes a new member on node3 back into the group.
        using var rejoined = cluster.StartMember(3, members.Group);
        foreach (var member in members[..2].Append(rejoined))
        {
            member.WaitFor(e => CpgNodeProcess.Is(e, "view") && CpgNodeProcess.MemberIds(e).SequenceEqual(AllNodes)
                && e.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("pid").GetUInt32() == rejoined.Pid),
                EventTimeout, "3-member view with the new member on node3");
        }
    }

    [Fact]
    public void Starting_against_a_hung_corosync_fails_within_the_start_timeout_instead_of_hanging()
    {
        cluster.Run("freeze", "node2");
        try
        {
            var elapsed = Stopwatch.StartNew();
            using var member = CpgNodeProcess.Launch(cluster, 2, "--group", $"t-{Guid.NewGuid():N}", "--start-timeout-ms", "1000");

            var error = member.WaitFor(e => CpgNodeProcess.Is(e, "error"), TimeSpan.Zero, "start error");
            Assert.Contains("did not answer", error.GetProperty("error").GetString());
            // 1 s start timeout plus the 1 s grace, plus dotnet start-up on a loaded machine.
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(15), $"took {elapsed.Elapsed}");
            output.WriteLine($"hung corosync -> TransportUnavailableException after {elapsed.ElapsedMilliseconds} ms (incl. process start)");
        }
        finally
        {
            cluster.Run("thaw", "node2");
            cluster.Run("wait");
        }
    }

    /// <summary>The views a reader that keeps the last quorum it saw would take as quorate with too few members.</summary>
    private static List<string> ViewsSeenAsQuorateWithout(IEnumerable<JsonElement> events, int minimumMembers, bool quorateBefore)
    {
        var quorate = quorateBefore;
        var found = new List<string>();
        foreach (var e in events)
        {
            if (CpgNodeProcess.Is(e, "quorum"))
                quorate = e.GetProperty("quorate").GetBoolean();
            else if (CpgNodeProcess.Is(e, "view") && quorate && CpgNodeProcess.MemberIds(e).Length < minimumMembers)
                found.Add(e.GetRawText());
        }
        return found;
    }

    /// <summary>One tools/CpgNode per node in a fresh group, started in parallel (dotnet start-up dominates).</summary>
    private Members StartMembers()
    {
        var group = $"t-{Guid.NewGuid():N}";
        var starts = AllNodes.Select(node => Task.Run(() => cluster.StartMember((int)node, group))).ToArray();
        try
        {
            Task.WaitAll(starts);
            return new Members(group, starts.Select(t => t.Result).ToList());
        }
        catch
        {
            foreach (var start in starts.Where(t => t.IsCompletedSuccessfully))
                start.Result.Dispose();
            throw;
        }
    }

    private void ReportLatency(Members members)
    {
        // Sender's "sent" (MulticastAsync returned) to each node's delivery, from the same clock.
        var latencies = new List<double>();
        foreach (var sender in members)
        {
            var own = sender.Events("message")
                .Where(e => e.GetProperty("from").GetUInt32() == sender.Node && e.GetProperty("pid").GetUInt32() == sender.Pid)
                .ToArray();
            var sent = sender.Events("sent").ToArray();
            for (var i = 0; i < Math.Min(own.Length, sent.Length); i++)
                latencies.Add(own[i].GetProperty("t").GetDouble() - sent[i].GetProperty("t").GetDouble());
        }
        latencies.Sort();
        output.WriteLine($"multicast -> own delivery: p50 {latencies[latencies.Count / 2]:0.00} ms, "
            + $"p90 {latencies[latencies.Count * 9 / 10]:0.00} ms over {latencies.Count} messages (3 concurrent senders)");
    }

    private static bool IsTestMessage(JsonElement e) => e.TryGetProperty("text", out var text) && text.GetString()!.StartsWith('n');

    private static int SenderSwitches(string[] order) =>
        order.Zip(order.Skip(1)).Count(pair => pair.First[..2] != pair.Second[..2]);

    private static uint[] Ids(JsonElement e) => e.GetProperty("members").EnumerateArray().Select(x => x.GetUInt32()).ToArray();

    private static string Describe(JsonElement members) =>
        string.Join(",", members.EnumerateArray().Select(m => $"{m.GetProperty("nodeId")}/{m.GetProperty("pid")}/{m.GetProperty("name")}"));

    private sealed class Members(string group, List<CpgNodeProcess> processes) : List<CpgNodeProcess>(processes), IDisposable
    {
        public string Group { get; } = group;

        public void Dispose() => ForEach(p => p.Dispose());
    }
}
