using System.Text.Json;
using HaApi.Engine.Config;
using HaApi.Engine.Controller;

namespace HaApi.Engine.Tests.Controller;

/// <summary>The records the lead carries over the group transport survive the engine's JSON options.</summary>
public sealed class StatusRecordJsonTests
{
    private static T RoundTrip<T>(T value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, ConfigJson.Options), ConfigJson.Options)!;

    [Fact]
    public void Status_records_and_action_requests_round_trip()
    {
        var t = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var result = new OperationResultRecorded("node1", "web", "ocf", "heartbeat", "Dummy", "monitor", TimeSpan.FromSeconds(10),
            7, 0, 0, t, 12, "gone", "4:2", null, 1);
        Assert.Equal(result, RoundTrip(result));
        Assert.Equal(new NodeFenced("node3", "reboot", t), RoundTrip(new NodeFenced("node3", "reboot", t)));
        Assert.Equal(new FailCountsCleared("node1", null, t), RoundTrip(new FailCountsCleared("node1", null, t)));

        var request = new ActionRequest("4:2", "node2", "web", ControllerCluster.Dummy("web"), "start", TimeSpan.Zero, TimeSpan.FromSeconds(20), 0);
        var back = RoundTrip(request);
        Assert.Equal(request with { Resource = back.Resource }, back);
        Assert.Equal(request.Resource.AgentSpec, back.Resource.AgentSpec);
        Assert.Equal(request.Resource.Operations.Single(), back.Resource.Operations.Single());
    }
}
