using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HaApi.Api.Tests;

/// <summary>
/// The runtime API on one real node running HaApi's own agents: the resource operations with `wait`, the status in
/// JSON and as pcs status text, resource defaults, and the manual fencing endpoints' refusals.
/// </summary>
public class RuntimeApiTests : IClassFixture<RuntimeApiTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public HaApiFactory Factory { get; } = new();
        public HttpClient Client { get; }

        public Fixture()
        {
            Client = Factory.Authorized();
            Client.PatchAsync("/api/v1/properties", Json("""{"stonith-enabled":"false"}""")).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }

        public void Dispose() => Factory.Dispose();
    }

    private readonly HttpClient client;

    public RuntimeApiTests(Fixture fixture) => client = fixture.Client;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..16];

    private async Task<string> DummyAsync()
    {
        var id = Unique("d");
        var created = await client.PostAsync("/api/v1/resources", Json($$"""{"id":"{{id}}","agent":"haapi:Dummy","operations":[{"name":"monitor","interval":"2s"}]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    private async Task<JsonObject> PostOkAsync(string path, string? body = null)
    {
        var r = await client.PostAsync(path, body is null ? null : Json(body));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)r.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject?> ResourceAsync(string id)
    {
        var status = (await client.GetFromJsonAsync<JsonObject>("/api/v1/status"))!;
        return status["resources"]!.AsArray().Select(r => r!.AsObject()).SingleOrDefault(r => (string?)r["id"] == id);
    }

    private async Task<string> WhereAsync(string id) =>
        (await ResourceAsync(id)) is { } r && r["nodes"]!.AsArray().Count > 0 ? (string)r["nodes"]![0]! : "stopped";

    [Fact]
    public async Task Disable_and_enable_with_wait_answer_once_the_resource_has_stopped_and_started()
    {
        var id = await DummyAsync();
        var started = await PostOkAsync($"/api/v1/resources/{id}/enable?wait=30");
        Assert.Empty(started["pending"]!.AsArray());
        Assert.Equal("node1", await WhereAsync(id));

        var stopped = await PostOkAsync($"/api/v1/resources/{id}/disable?wait=30");
        Assert.Empty(stopped["pending"]!.AsArray());
        Assert.Equal("stopped", await WhereAsync(id));
        Assert.Equal("Stopped", (string?)(await client.GetFromJsonAsync<JsonObject>($"/api/v1/resources/{id}"))!["meta"]!["target-role"]);

        await PostOkAsync($"/api/v1/resources/{id}/enable?wait=30");
        Assert.Equal("node1", await WhereAsync(id));
        Assert.Null((await client.GetFromJsonAsync<JsonObject>($"/api/v1/resources/{id}"))!["meta"]!["target-role"]);
    }

    [Fact]
    public async Task Ban_stops_the_resource_on_the_only_node_and_clear_lets_it_start_again()
    {
        var id = await DummyAsync();
        await PostOkAsync($"/api/v1/resources/{id}/enable?wait=30");

        await PostOkAsync($"/api/v1/resources/{id}/ban?wait=30", """{"node":"node1"}""");
        var ban = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/constraints/location/cli-ban-{id}-on-node1"))!;
        Assert.Equal("-INFINITY", (string?)ban["score"]);
        Assert.Equal("stopped", await WhereAsync(id));

        var cleared = await PostOkAsync($"/api/v1/resources/{id}/clear?wait=30");
        Assert.Contains($"cli-ban-{id}-on-node1", (string?)cleared["summary"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/constraints/location/cli-ban-{id}-on-node1")).StatusCode);
        Assert.Equal("node1", await WhereAsync(id));
    }

    [Fact]
    public async Task Move_creates_cli_prefer_with_its_lifetime_and_clear_removes_it()
    {
        var id = await DummyAsync();
        var before = DateTimeOffset.UtcNow;
        await PostOkAsync($"/api/v1/resources/{id}/move", """{"node":"node1","lifetime":"PT1H"}""");
        var prefer = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/constraints/location/cli-prefer-{id}"))!;
        Assert.Equal("INFINITY", (string?)prefer["score"]);
        Assert.Equal("node1", (string?)prefer["node"]);
        var until = DateTimeOffset.Parse((string)prefer["lifetime"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(until, before.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));

        await PostOkAsync($"/api/v1/resources/{id}/clear");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/constraints/location/cli-prefer-{id}")).StatusCode);
    }

    [Theory]
    [InlineData("move", """{"node":"nowhere"}""", "node", "no node 'nowhere' is configured")]
    [InlineData("move", """{}""", "node", "required")]
    [InlineData("move", """{"node":"node1","lifetime":"soon"}""", "lifetime", "not a positive duration")]
    [InlineData("ban", """{"node":""}""", "node", "required")]
    [InlineData("enable?wait=later", null, "wait", "not a timeout")]
    public async Task Bad_runtime_requests_are_refused_naming_the_field(string action, string? body, string field, string message)
    {
        var id = await DummyAsync();
        var r = await client.PostAsync($"/api/v1/resources/{id}/{action}", body is null ? null : Json(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var problem = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(message, (string?)problem["errors"]![field]![0]);
    }

    [Fact]
    public async Task An_operation_on_an_unknown_resource_is_404()
    {
        var r = await client.PostAsync("/api/v1/resources/nothing-here/restart", null);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task Wait_that_runs_out_answers_504_with_what_is_still_pending()
    {
        // A service whose health check never passes: its start keeps running until the operation's timeout.
        var id = Unique("slow");
        var created = await client.PostAsync("/api/v1/resources", Json($$"""
            {"id":"{{id}}","agent":"haapi:Process","params":{"command":"exec sleep 600","health_url":"http://127.0.0.1:9/"},
             "meta":{"target-role":"Stopped"},
             "operations":[{"name":"start","interval":"0","timeout":"8s"}]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var r = await client.PostAsync($"/api/v1/resources/{id}/enable?wait=1", null);
        Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
        var problem = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(problem["pending"]!.AsArray(), p => ((string)p!).Contains($"start {id} on node1"));
        Assert.Contains("the change is in effect", (string?)problem["detail"]);

        await client.PostAsync($"/api/v1/resources/{id}/disable?wait=30", null);
        await client.DeleteAsync($"/api/v1/resources/{id}");
    }

    [Fact]
    public async Task Status_shows_resources_as_json_and_as_pcs_status_text()
    {
        var id = await DummyAsync();
        await PostOkAsync($"/api/v1/resources/{id}/enable?wait=30");

        var resource = (await ResourceAsync(id))!;
        Assert.Equal("Started", (string?)resource["role"]);
        Assert.Equal("haapi:Dummy", (string?)resource["agent"]);

        var text = await client.GetStringAsync("/api/v1/status?format=text");
        Assert.Contains("Cluster Summary:", text);
        Assert.Contains("  * Current DC: node1", text);
        Assert.Contains("  * Online: [ node1 ]", text);
        Assert.Contains($"  * {id}\t(haapi:Dummy):\t Started node1", text);

        var bad = await client.GetAsync("/api/v1/status?format=xml");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Fact]
    public async Task Resource_defaults_are_read_and_set()
    {
        var set = await client.PatchAsync("/api/v1/resource-defaults", Json("""{"resource-stickiness":"100"}"""));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("100", (string?)(await client.GetFromJsonAsync<JsonObject>("/api/v1/resource-defaults"))!["resource-stickiness"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PatchAsync("/api/v1/resource-defaults", Json("{}"))).StatusCode);
        await client.PatchAsync("/api/v1/resource-defaults", Json("""{"resource-stickiness":null}"""));
        Assert.Null((await client.GetFromJsonAsync<JsonObject>("/api/v1/resource-defaults"))!["resource-stickiness"]);
    }

    [Fact]
    public async Task Fencing_by_hand_refuses_what_would_be_unsafe_or_unknown()
    {
        var self = await client.PostAsync("/api/v1/stonith/fence/node1", Json("""{"action":"off"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Contains("answering this request", (string?)(await self.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["node"]![0]);

        var member = await client.PostAsync("/api/v1/stonith/confirm/node1", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, member.StatusCode);
        Assert.Contains("member of the cluster", (string?)(await member.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["node"]![0]);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/stonith/confirm/ghost", null)).StatusCode);
        var action = await client.PostAsync("/api/v1/stonith/fence/node1", Json("""{"action":"explode"}"""));
        Assert.Contains("not a fencing action", (string?)(await action.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["action"]![0]);
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/api/v1/stonith/history"))!);
    }
}
