using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HaApi.Api.Tests;

public class SchedulerApiTests
{
    private static readonly string Corpus = Path.Combine(OpenApiDocumentTests.RepositoryRoot(), "..", "shared", "scheduler-corpus", "xml");

    [Fact]
    public async Task A_pacemaker_cib_is_imported_as_the_configuration()
    {
        using var factory = new HaApiFactory();
        var client = factory.Authorized();
        var xml = await File.ReadAllTextAsync(Path.Combine(Corpus, "group1.xml"));

        var dry = await client.PostAsync("/api/v1/config/import?dryRun=true", new StringContent(xml, Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/api/v1/groups"))!);

        var r = await client.PostAsync("/api/v1/config/import", new StringContent(xml, Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var groups = (await client.GetFromJsonAsync<JsonArray>("/api/v1/groups"))!;
        Assert.Equal(["child_rsc1", "child_rsc2", "child_rsc3"], groups.Single()!["members"]!.AsArray().Select(m => (string)m!));
        var history = (await client.GetFromJsonAsync<JsonArray>("/api/v1/config/history"))!;
        Assert.Equal("replace configuration from Pacemaker CIB import", (string?)history[0]!["summary"]);
    }

    [Fact]
    public async Task A_malformed_cib_is_refused_with_its_line_and_the_configuration_is_unchanged()
    {
        using var factory = new HaApiFactory();
        var client = factory.Authorized();
        var before = (await client.GetAsync("/api/v1/config")).Headers.ETag!.Tag;

        var r = await client.PostAsync("/api/v1/config/import",
            new StringContent("<cib>\n<configuration>\n<resources><primitive id=\"x\"</resources>", Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("line 3", await r.Content.ReadAsStringAsync());
        Assert.Equal(before, (await client.GetAsync("/api/v1/config")).Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Simulating_a_node_failure_shows_the_fencing_it_would_take_without_committing_anything()
    {
        using var factory = new HaApiFactory();
        var client = factory.Authorized();
        var before = (await client.GetAsync("/api/v1/config")).Headers.ETag!.Tag;

        var r = await client.PostAsJsonAsync("/api/v1/simulate", new { nodeFailures = new[] { "node1" } });

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var summary = (await r.Content.ReadFromJsonAsync<JsonObject>())!["summary"]!.AsArray().Select(l => (string)l!).ToList();
        Assert.Contains(summary, l => l.StartsWith("* Fence (reboot) node1 'peer is no longer part of the cluster'"));
        Assert.Equal(before, (await client.GetAsync("/api/v1/config")).Headers.ETag!.Tag);

        var unknown = await client.PostAsJsonAsync("/api/v1/simulate", new { nodeFailures = new[] { "nobody" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("no node 'nobody'", await unknown.Content.ReadAsStringAsync());
    }
}
