using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HaApi.Api.Tests;

public class ConfigurationApiTests : IClassFixture<ConfigurationApiTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public HaApiFactory Factory { get; } = new();
        public void Dispose() => Factory.Dispose();
    }

    private readonly HaApiFactory factory;
    private readonly HttpClient client;

    public ConfigurationApiTests(Fixture fixture)
    {
        factory = fixture.Factory;
        client = factory.Authorized();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Body(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Creating_a_primitive_returns_201_with_location_etag_and_the_resource()
    {
        var id = Unique("vip");
        var r = await client.PostAsync("/api/v1/resources", Json($$"""
            {"id":"{{id}}","agent":"ocf:heartbeat:IPaddr2","params":{"ip":"192.0.2.10"},
             "operations":[{"name":"monitor","interval":"10s","timeout":"20s"}]}
            """));

        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal($"/api/v1/resources/{id}", r.Headers.Location?.ToString());
        Assert.NotNull(r.Headers.ETag);
        var body = await Body(r);
        Assert.Equal("heartbeat", (string?)body["provider"]);
        Assert.Equal("10s", (string?)body["operations"]![0]!["interval"]);

        var get = await client.GetFromJsonAsync<JsonObject>($"/api/v1/resources/{id}");
        Assert.Equal("ocf:heartbeat:IPaddr2", (string?)get!["agent"]);
    }

    [Fact]
    public async Task A_malformed_field_gives_422_naming_the_field()
    {
        var r = await client.PostAsync("/api/v1/resources", Json("""
            {"id":"bad1","agent":"ocf:heartbeat:Dummy","operations":[{"name":"monitor","interval":"often"}]}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = await Body(r);
        Assert.Contains("not a duration", (string?)body["errors"]!["operations[0].interval"]![0]);
    }

    [Fact]
    public async Task A_reference_to_a_missing_resource_gives_422_naming_the_field()
    {
        var r = await client.PostAsync("/api/v1/constraints/colocation", Json("""{"id":"c-missing","resource":"ghost1","withResource":"ghost2","score":"INFINITY"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var errors = (await Body(r))["errors"]!.AsObject();
        Assert.Contains("ghost1", (string?)errors["resource"]![0]);
        Assert.Contains("ghost2", (string?)errors["withResource"]![0]);
    }

    [Fact]
    public async Task Json_of_the_wrong_shape_gives_400_naming_the_field()
    {
        var r = await client.PostAsync("/api/v1/resources", Json("""{"id": 5}"""));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await Body(r))["errors"]!.AsObject().ContainsKey("id"));
    }

    [Fact]
    public async Task Duplicate_create_is_409_missing_item_is_404()
    {
        var id = Unique("dup");
        var body = $$"""{"id":"{{id}}","agent":"ocf:pacemaker:Dummy"}""";
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v1/resources", Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/v1/resources", Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/resources/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/constraints/order/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task If_match_with_an_old_version_gives_412_and_the_current_version_succeeds()
    {
        var id = Unique("im");
        var created = await client.PostAsync("/api/v1/resources", Json($$"""{"id":"{{id}}","agent":"ocf:pacemaker:Dummy"}"""));
        var etag = created.Headers.ETag!.Tag;
        await client.PatchAsync("/api/v1/nodes/node1/attributes", Json("""{"rack":"r1"}"""));

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/resources/{id}") { Content = Json("""{"agent":"ocf:pacemaker:Dummy","meta":{"priority":"5"}}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);

        var current = (await client.GetAsync("/api/v1/config")).Headers.ETag!.Tag;
        var fresh = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/resources/{id}") { Content = Json("""{"agent":"ocf:pacemaker:Dummy","meta":{"priority":"5"}}""") };
        fresh.Headers.TryAddWithoutValidation("If-Match", current);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Mutations_without_a_token_are_401_and_change_nothing()
    {
        var anonymous = factory.CreateClient();
        var before = (await client.GetFromJsonAsync<JsonObject>("/api/v1/config"))!["version"]!.ToJsonString();

        var r = await anonymous.PostAsync("/api/v1/resources", Json("""{"id":"anon","agent":"ocf:pacemaker:Dummy"}"""));
        var wrong = factory.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        var r2 = await wrong.PostAsync("/api/v1/resources", Json("""{"id":"anon","agent":"ocf:pacemaker:Dummy"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/config")).StatusCode);
        Assert.Equal(before, (await client.GetFromJsonAsync<JsonObject>("/api/v1/config"))!["version"]!.ToJsonString());
    }

    [Fact]
    public async Task Fence_device_secrets_are_masked_in_every_response_and_in_history()
    {
        var id = Unique("ipmi");
        var r = await client.PostAsync("/api/v1/stonith/devices", Json($$"""
            {"id":"{{id}}","agent":"fence_ipmilan","params":{"ip":"192.0.2.50","username":"admin","password":"Hunter2-secret"},"hostList":["node1"]}
            """));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        foreach (var url in new[] { $"/api/v1/stonith/devices/{id}", "/api/v1/stonith/devices", "/api/v1/config", "/api/v1/config/history" })
        {
            var text = await client.GetStringAsync(url);
            Assert.DoesNotContain("Hunter2-secret", text);
        }
        Assert.DoesNotContain("Hunter2-secret", await r.Content.ReadAsStringAsync());
        Assert.Equal("***", (string?)(await client.GetFromJsonAsync<JsonObject>($"/api/v1/stonith/devices/{id}"))!["params"]!["password"]);

        // The store keeps the real secret: in the snapshot or in the journal of commands applied since.
        var stored = string.Concat(Directory.GetFiles(factory.DataDirectory, "config.*").Select(File.ReadAllText));
        Assert.Contains("Hunter2-secret", stored);
    }

    [Fact]
    public async Task Properties_show_defaults_and_reject_unknown_names()
    {
        var set = await client.PatchAsync("/api/v1/properties", Json("""{"no-quorum-policy":"freeze"}"""));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var list = (await set.Content.ReadFromJsonAsync<JsonArray>())!;
        var nqp = list.Single(p => (string?)p!["name"] == "no-quorum-policy")!;
        Assert.Equal("freeze", (string?)nqp["value"]);
        Assert.Equal("stop", (string?)nqp["default"]);

        var bad = await client.PatchAsync("/api/v1/properties", Json("""{"no-quorum-polcy":"freeze"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("did you mean no-quorum-policy", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task History_records_author_node_and_summary_newest_first()
    {
        var id = Unique("h");
        await client.PostAsync("/api/v1/resources", Json($$"""{"id":"{{id}}","agent":"systemd:nginx"}"""));

        var history = (await client.GetFromJsonAsync<JsonArray>("/api/v1/config/history?limit=5"))!;
        var newest = history[0]!;
        Assert.Equal("admin", (string?)newest["author"]);
        Assert.Equal("node1", (string?)newest["via"]);
        Assert.Contains(id, (string?)newest["summary"]);
    }

    [Fact]
    public async Task Standby_sets_the_node_attribute_and_unstandby_clears_it()
    {
        var standby = await client.PostAsync("/api/v1/nodes/node1/standby", null);
        Assert.Equal(HttpStatusCode.OK, standby.StatusCode);
        Assert.Equal("true", (string?)(await client.GetFromJsonAsync<JsonObject>("/api/v1/nodes/node1/attributes"))!["standby"]);

        await client.PostAsync("/api/v1/nodes/node1/unstandby", null);
        Assert.False((await client.GetFromJsonAsync<JsonObject>("/api/v1/nodes/node1/attributes"))!.ContainsKey("standby"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/nodes/nosuchnode/standby", null)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_resource_deletes_its_constraints()
    {
        var a = Unique("a");
        var b = Unique("b");
        await client.PostAsync("/api/v1/resources", Json($$"""{"id":"{{a}}","agent":"ocf:pacemaker:Dummy"}"""));
        await client.PostAsync("/api/v1/resources", Json($$"""{"id":"{{b}}","agent":"ocf:pacemaker:Dummy"}"""));
        var order = await client.PostAsync("/api/v1/constraints/order", Json($$"""{"id":"o-{{a}}","first":"{{a}}","then":"{{b}}"}"""));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/resources/{a}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/constraints/order/o-{a}")).StatusCode);
    }

    [Fact]
    public async Task A_request_body_over_the_limit_is_refused_with_413()
    {
        var huge = new string('x', 2 << 20);
        var r = await client.PostAsync("/api/v1/resources", Json($$"""{"id":"big","agent":"ocf:pacemaker:Dummy","description":"{{huge}}"}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
    }
}
