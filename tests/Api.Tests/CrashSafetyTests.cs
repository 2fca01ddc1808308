using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace HaApi.Api.Tests;

/// <summary>
/// kill -9 of a real haapi process in the middle of a stream of writes: every write that was acknowledged
/// (HTTP 201) must be there after restart, and the configuration file must always load.
/// </summary>
public class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_acknowledged_change_survives_kill_9()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var data = Directory.CreateTempSubdirectory("haapi-crash-").FullName;
        var acknowledged = new List<string>();
        try
        {
            for (var round = 0; round < 4; round++)
            {
                using var node = await HaApiProcess.StartAsync(data);
                using var client = node.Client();

                var present = await ResourceIds(client);
                var lost = acknowledged.Except(present).ToList();
                Assert.True(lost.Count == 0, $"round {round} (seed {seed}): acknowledged but lost after kill -9: {string.Join(", ", lost)}");

                // Write as fast as possible and kill at a random moment, most likely mid-write.
                using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(300, 1200)));
                var writer = Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var id = $"r{round}-{i}";
                        try
                        {
                            var r = await client.PostAsync("/api/v1/resources",
                                new StringContent($$"""{"id":"{{id}}","agent":"ocf:pacemaker:Dummy"}""", Encoding.UTF8, "application/json"));
                            if (r.StatusCode == HttpStatusCode.Created) lock (acknowledged) acknowledged.Add(id);
                        }
                        catch (HttpRequestException) { return; }
                    }
                });
                await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { });
                node.Kill9();
                await writer;
            }

            using var last = await HaApiProcess.StartAsync(data);
            using var final = last.Client();
            var survived = await ResourceIds(final);
            Assert.Empty(acknowledged.Except(survived));
            Assert.True(acknowledged.Count > 0, "no write was acknowledged at all; the test proved nothing");
            output.WriteLine($"{acknowledged.Count} acknowledged writes survived 4 kills");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<string>> ResourceIds(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonArray>("/api/v1/resources"))!.Select(r => (string)r!["id"]!).ToList();
}

/// <summary>The real haapi executable, started as a child process on a free loopback port.</summary>
internal sealed class HaApiProcess : IDisposable
{
    private readonly Process process;
    private readonly string dataDirectory;

    private readonly Func<HttpMessageHandler> handlers;

    private HaApiProcess(Process process, Uri baseAddress, string dataDirectory, Func<HttpMessageHandler> handlers)
    {
        this.process = process;
        BaseAddress = baseAddress;
        this.dataDirectory = dataDirectory;
        this.handlers = handlers;
    }

    public Uri BaseAddress { get; }

    public static Task<HaApiProcess> StartAsync(string dataDirectory, string nodeName = "crash1") =>
        StartAsync(dataDirectory, nodeName, "http", new Dictionary<string, string>(), () => new HttpClientHandler());

    /// <summary>Starts haapi with extra environment; handlers makes the HTTP handler every client of it uses (TLS trust).</summary>
    public static async Task<HaApiProcess> StartAsync(string dataDirectory, string nodeName, string scheme,
        IReadOnlyDictionary<string, string> environment, Func<HttpMessageHandler> handlers)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "haapi.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HAAPI_DATA_DIR"] = dataDirectory;
        start.Environment["HAAPI_URLS"] = $"{scheme}://127.0.0.1:{port}";
        start.Environment["HAAPI_NODE_NAME"] = nodeName;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["HAAPI_METRICS_URLS"] = "none";
        start.Environment["HAAPI_PM_LOGCONV"] = Path.Combine(dataDirectory, "pm_logconv.out");
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var node = new HaApiProcess(process, new Uri($"{scheme}://127.0.0.1:{port}"), dataDirectory, handlers);
        using var probe = new HttpClient(handlers()) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"haapi exited with {process.ExitCode}:\n{log}");
            try
            {
                var health = await probe.GetFromJsonAsync<JsonObject>("/api/v1/health");
                // Ready once quorate and registered in the configuration (version 0.0.0 means not yet).
                if ((bool?)health?["quorate"] == true && (string?)health["configVersion"] != "0.0.0"
                    && File.Exists(Path.Combine(dataDirectory, "admin-token"))) return node;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        node.Dispose();
        throw new TimeoutException($"haapi did not become ready within 90 s:\n{log}");
    }

    public HttpClient Client()
    {
        var token = File.ReadAllText(Path.Combine(dataDirectory, "admin-token")).Trim();
        var client = new HttpClient(handlers()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, as a power cut or the OOM killer would.</summary>
    public void Kill9()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        Kill9();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
