using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using HaApi.Engine.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaApi.Api.Tests;

/// <summary>A single-node HaApi in process with its own data directory, deleted on dispose.</summary>
public sealed class HaApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> settings;

    public HaApiFactory(params (string Key, string Value)[] extra)
    {
        DataDirectory = Directory.CreateTempSubdirectory("haapi-test-").FullName;
        settings = new Dictionary<string, string>
        {
            ["HaApi:DataDirectory"] = DataDirectory,
            ["HaApi:NodeName"] = "node1",
            ["HaApi:PmLogconvPath"] = Path.Combine(DataDirectory, "pm_logconv.out"),
        };
        foreach (var (k, v) in extra) settings[k] = v;
    }

    public string DataDirectory { get; }

    public string Token => File.ReadAllText(Path.Combine(DataDirectory, "admin-token")).Trim();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IResourceAgentRunner>();
            services.AddSingleton<IResourceAgentRunner>(new BuiltInAgentsOnly(DataDirectory));
        });
    }

    /// <summary>A client that sends the generated admin token, once the node has registered itself in the configuration.</summary>
    public HttpClient Authorized()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        WaitUntilRegistered(client);
        return client;
    }

    /// <summary>The node registers itself in the background after start-up; tests that address it must wait for that.</summary>
    private static void WaitUntilRegistered(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (client.GetAsync("/api/v1/nodes/node1").GetAwaiter().GetResult().IsSuccessStatusCode) return;
            Thread.Sleep(20);
        }
        throw new TimeoutException("node1 did not register itself in the configuration within 30 s");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
