using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaApi.Api.Tests;

/// <summary>
/// The committed OpenAPI document is a reviewed contract: this test fails when the generated one differs.
/// To accept a change on purpose, run the tests with HAAPI_UPDATE_OPENAPI=1 and commit openapi/haapi-v1.json.
/// </summary>
public class OpenApiDocumentTests : IClassFixture<OpenApiDocumentTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public HaApiFactory Factory { get; } = new();
        public void Dispose() => Factory.Dispose();
    }

    private readonly HaApiFactory factory;

    public OpenApiDocumentTests(Fixture fixture) => factory = fixture.Factory;

    [Fact]
    public async Task Generated_document_matches_the_committed_one()
    {
        var generated = Normalize(await factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(RepositoryRoot(), "openapi", "haapi-v1.json");
        if (Environment.GetEnvironmentVariable("HAAPI_UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(path, generated);

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with HAAPI_UPDATE_OPENAPI=1 to write it");
        var committed = Normalize(await File.ReadAllTextAsync(path));
        Assert.True(committed == generated,
            "the API changed but openapi/haapi-v1.json did not: review the difference, then run with HAAPI_UPDATE_OPENAPI=1 and commit it");
    }

    [Fact]
    public async Task Document_describes_every_configuration_path()
    {
        var doc = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        string[] expected =
        [
            "/api/v1/resources", "/api/v1/resources/{id}", "/api/v1/groups", "/api/v1/groups/{id}", "/api/v1/clones", "/api/v1/clones/{id}",
            "/api/v1/constraints/location", "/api/v1/constraints/location/{id}", "/api/v1/constraints/colocation",
            "/api/v1/constraints/colocation/{id}", "/api/v1/constraints/order", "/api/v1/constraints/order/{id}",
            "/api/v1/stonith/devices", "/api/v1/stonith/levels", "/api/v1/properties", "/api/v1/alerts", "/api/v1/nodes",
            "/api/v1/nodes/{name}/attributes", "/api/v1/config", "/api/v1/config/history",
        ];
        Assert.Empty(expected.Except(paths));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        var html = await factory.CreateClient().GetStringAsync("/swagger/index.html");
        Assert.Contains("swagger-ui", html);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HaApi.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (HaApi.sln) above " + AppContext.BaseDirectory);
    }
}
