using System.Net;
using System.Text;

namespace HaApi.Api.Tests;

public class MetricsEndpointTests
{
    /// <summary>The scrape reuses what it rendered while nothing changed; a configuration change must still show.</summary>
    [Fact]
    public async Task A_scrape_after_a_configuration_change_shows_the_new_resource()
    {
        using var factory = new HaApiFactory();
        var client = factory.Authorized();
        var before = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", before.Content.Headers.ContentType?.ToString());
        var first = await before.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ha_cluster_pacemaker_resources gauge\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("resource=\"metrics_vip\"", first, StringComparison.Ordinal);

        var created = await client.PostAsync("/api/v1/resources", new StringContent(
            """{"id":"metrics_vip","agent":"ocf:heartbeat:IPaddr2","params":{"ip":"192.0.2.10"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var after = await client.GetStringAsync("/metrics");
        // Whether the local node has started it yet does not matter here: its series must be there.
        Assert.Contains("agent=\"ocf::heartbeat:IPaddr2\"", after, StringComparison.Ordinal);
        Assert.Contains("resource=\"metrics_vip\"", after, StringComparison.Ordinal);
    }
}
