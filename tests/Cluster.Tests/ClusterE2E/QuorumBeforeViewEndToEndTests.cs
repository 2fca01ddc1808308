using System.Text;
using System.Text.RegularExpressions;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// A node cut off alone must not fence the others: it loses quorum in the same ring change in which it sees them
/// leave. An earlier run had the cut DC (node1) act on the 1-member view with the quorum of the ring before and fence
/// node2 and node3 ("Transition 28 (membership change): 2 actions", then "aborted: quorum lost"); with a working
/// fence device it would have powered off the healthy majority.
/// </summary>
public sealed partial class FencingEndToEndTests
{
    [Fact]
    public async Task A_dc_cut_off_alone_fences_nobody_while_the_majority_fences_it()
    {
        await fixture.WaitConvergedAsync();
        const string lost = "node1";
        var device = NewId("rec");
        var record = Path.Combine(Cluster.FenceAgentDirectory, $"{device}.requests");
        // Records who asked to fence whom, and fails: no node is taken for fenced, so healing brings node1 back as it was.
        var script = WriteExecutable($"{device}.sh", $"""
            #!/bin/sh
            echo "$CLP_SERVER_LOCAL $HAAPI_DOWN_NODE" >> '{record}'
            exit 1
            """);
        var cut = false;
        try
        {
            await CreateAsync("/api/v1/stonith/devices", $$"""{"id":"{{device}}","agent":"haapi:script","params":{"script":"{{script}}"} }""");
            await SetPropertiesAsync("""{"stonith-enabled":"true"}""");
            var logStart = new FileInfo(Cluster.LogPath(1)).Length;

            Cluster.Run("cut", lost);
            cut = true;
            // The survivors keep quorum and fence node1; by then node1 has seen its own ring change too.
            var majorityFenced = await Poll.UntilAsync(() => Task.FromResult(Requests(record).Any(r => r.Target == lost)), Settle);
            Assert.True(majorityFenced, $"the survivors never asked to fence {lost}\n{Cluster.Logs(40)}");
            // Time for node1's own transitions on its 1-member view (it saw the ring change when the survivors did).
            await Task.Delay(TimeSpan.FromSeconds(5));

            Assert.DoesNotContain(Requests(record), r => r.Origin == lost);
            var node1Log = ReadFrom(Cluster.LogPath(1), logStart);
            var fencedByNode1 = Regex.Matches(node1Log, @"Fencing node[23] \(").Select(m => m.Value).ToList();
            Assert.True(fencedByNode1.Count == 0, $"{lost}, cut off without quorum, asked for fencing:\n{node1Log}");
            Assert.Contains("Quorum lost", node1Log);
            output.WriteLine($"fencing requests (origin target): {string.Join("; ", Requests(record).Select(r => $"{r.Origin} {r.Target}"))}");
        }
        finally
        {
            if (cut) await fixture.RestoreAsync();
            await SetPropertiesAsync("""{"stonith-enabled":"false"}""");
            await DeleteAsync([$"/api/v1/stonith/devices/{device}"]);
            File.Delete(script);
            File.Delete(record);
        }
    }

    private static List<(string Origin, string Target)> Requests(string record) =>
        File.Exists(record)
            ? File.ReadAllLines(record).Select(l => l.Split(' ')).Where(p => p.Length == 2).Select(p => (p[0], p[1])).ToList()
            : [];

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
