using System.Net;
using System.Text;

namespace HaApi.Api.Tests;

/// <summary>
/// Stopping the haapi process stops what it runs first (Pacemaker's shutdown request): a service left running
/// after its cluster manager stopped is unmanaged, and with more nodes the survivors would start a second copy.
/// </summary>
public class ShutdownTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Stopping_the_node_stops_its_resources_before_the_process_exits()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("haapi-shutdown-").FullName, "pid");
        var factory = new HaApiFactory();
        int pid;
        try
        {
            var client = factory.Authorized();
            (await client.PatchAsync("/api/v1/properties", Json("""{"stonith-enabled":"false"}"""))).EnsureSuccessStatusCode();
            var created = await client.PostAsync("/api/v1/resources", Json($$"""
                {"id":"svc","agent":"haapi:Process","params":{"command":"echo $$ > {{pidFile}}; exec sleep infinity"},
                 "operations":[{"name":"monitor","interval":"2s"}]}
                """));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var started = await client.PostAsync("/api/v1/resources/svc/enable?wait=30", null);
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(IsRunning(pid), $"the service (pid {pid}) should run before the node stops");
        }
        finally
        {
            factory.Dispose();
        }

        Assert.False(IsRunning(pid), $"the service (pid {pid}) still runs after its node stopped");
        Directory.Delete(Path.GetDirectoryName(pidFile)!, recursive: true);
    }

    /// <summary>Alive and not a zombie waiting for its parent to reap it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
