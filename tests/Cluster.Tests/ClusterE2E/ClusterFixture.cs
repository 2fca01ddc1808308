using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// One 3-node namespace cluster running real haapi nodes, shared by a test class. The name carries this process's
/// id so that a later run can reap it if this one is killed, and a random part so that parallel runs never meet.
/// Tests that break the cluster repair it before they return (<see cref="RestoreAsync"/>). Fencing is off
/// (stonith-enabled=false) unless a test turns it on with devices of its own.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Size = 3;
    private const string NamePrefix = "e2e-";
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);

    public NamespaceCluster Cluster { get; }

    public ClusterFixture()
    {
        NamespaceCluster.RequireRootAndTools();
        var dll = Path.Combine(AppContext.BaseDirectory, "haapi.dll");
        NamespaceCluster.ReapAbandoned(NamePrefix, dll);
        Cluster = new NamespaceCluster($"{NamePrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}", dll);
    }

    public async Task InitializeAsync()
    {
        try
        {
            Cluster.Up(Size);
            await WaitConvergedAsync();
            // No fence devices here: fencing is switched on only by the tests that configure devices for it.
            using var properties = await Cluster.Client(1).PatchAsync("/api/v1/properties",
                new StringContent("{\"stonith-enabled\":\"false\"}", System.Text.Encoding.UTF8, "application/json"));
            properties.EnsureSuccessStatusCode();
        }
        catch
        {
            Cluster.Dispose();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Heals every link and starts every stopped process, then waits until all nodes agree again.</summary>
    public async Task RestoreAsync()
    {
        for (var i = 1; i <= Size; i++)
        {
            Cluster.Run("heal", $"node{i}");
            Cluster.Run("start", $"node{i}");
        }
        await WaitConvergedAsync();
    }

    /// <summary>
    /// Every node answers /status as quorate and synchronised, sees all nodes online with node1 as DC, and all report the
    /// same configuration version. Returns that version.
    /// </summary>
    public async Task<string> WaitConvergedAsync(TimeSpan? timeout = null)
    {
        var statuses = new JsonObject?[Size];
        var converged = await Poll.UntilAsync(async () =>
        {
            for (var i = 1; i <= Size; i++) statuses[i - 1] = await TryStatusAsync(i);
            return statuses.All(s => s is not null && (bool)s["quorate"]! && (bool)s["synced"]! && (string?)s["dc"] == "node1"
                                     && s["nodes"]!.AsArray().Count(n => (bool)n!["online"]!) == Size)
                   && statuses.Select(s => (string)s!["configVersion"]!).Distinct().Count() == 1;
        }, timeout ?? ConvergeTimeout);
        Assert.True(converged, $"cluster {Cluster.Name} did not converge within {(timeout ?? ConvergeTimeout).TotalSeconds:0}s; last status:\n"
                              + string.Join("\n", statuses.Select((s, i) => $"node{i + 1}: {s?.ToJsonString() ?? "(no answer)"}"))
                              + "\n" + Cluster.Logs());
        return (string)statuses[0]!["configVersion"]!;
    }

    /// <summary>/api/v1/status of a node, or null when it does not answer (yet).</summary>
    public async Task<JsonObject?> TryStatusAsync(int node)
    {
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
            {
                BaseAddress = Cluster.BaseAddress(node),
                Timeout = TimeSpan.FromSeconds(3),
            };
            client.DefaultRequestHeaders.Authorization = new("Bearer", Cluster.Token);
            return await client.GetFromJsonAsync<JsonObject>("/api/v1/status");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

internal static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200);
        }
    }
}
