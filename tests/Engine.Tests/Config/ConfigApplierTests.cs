using HaApi.Engine.Config;
using HaApi.Engine.Model;
using static HaApi.Engine.Tests.Config.ConfigFixtures;

namespace HaApi.Engine.Tests.Config;

public class ConfigApplierTests
{
    [Fact]
    public void Every_change_bumps_the_epoch_and_records_who_when_and_where()
    {
        var envelope = Envelope(new PutPrimitive(Ip(), PutMode.Create));
        var outcome = ConfigApplier.Apply(TwoNodes(), envelope);

        Assert.True(outcome.Succeeded);
        Assert.Equal(new ConfigVersion(0, 1, 0), outcome.Config!.Version);
        Assert.Equal(new ChangeRecord(new ConfigVersion(0, 1, 0), "tester", T0, "node1", "create primitive vip (ocf:heartbeat:IPaddr2)", envelope.Id), outcome.Change);
    }

    [Fact]
    public void Create_of_an_existing_id_is_a_conflict_and_changes_nothing()
    {
        var config = Apply(TwoNodes(), new PutPrimitive(Ip(), PutMode.Create));
        var outcome = ConfigApplier.Apply(config, Envelope(new PutGroup(new Group("vip", ["vip"], Attributes.Empty), PutMode.Create)));

        Assert.Equal(ConfigErrorKind.Conflict, outcome.Error?.Kind);
        Assert.Contains("already used by a primitive", outcome.Error!.Message);
    }

    [Fact]
    public void A_stale_expected_version_is_refused()
    {
        var config = Apply(TwoNodes(), new PutPrimitive(Ip(), PutMode.Create));
        var outcome = ConfigApplier.Apply(config, Envelope(new DeleteItem(ItemKind.Resource, "vip"), expected: ConfigVersion.Initial));

        Assert.Equal(ConfigErrorKind.VersionMismatch, outcome.Error?.Kind);
    }

    [Fact]
    public void Deleting_a_resource_removes_the_constraints_that_name_it()
    {
        var config = Apply(TwoNodes(),
            new PutPrimitive(Ip(), PutMode.Create),
            new PutPrimitive(Ip("web") with { Type = "apache" }, PutMode.Create),
            new PutColocation(new ColocationConstraint("web-with-vip", "web", "vip", Score.Infinity), PutMode.Create),
            new PutOrder(new OrderConstraint("vip-then-web", "vip", "web"), PutMode.Create),
            new PutLocation(new LocationConstraint("vip-prefers-1", "vip", "node1", new Score(50), []), PutMode.Create));

        config = Apply(config, new DeleteItem(ItemKind.Resource, "vip"));

        Assert.Null(config.FindPrimitive("vip"));
        Assert.Empty(config.Colocations);
        Assert.Empty(config.Orders);
        Assert.Empty(config.Locations);
        Assert.NotNull(config.FindPrimitive("web"));
    }

    [Fact]
    public void Deleting_the_last_member_of_a_group_removes_the_group()
    {
        var config = Apply(TwoNodes(),
            new PutPrimitive(Ip(), PutMode.Create),
            new PutGroup(new Group("g", ["vip"], Attributes.Empty), PutMode.Create));

        config = Apply(config, new DeleteItem(ItemKind.Resource, "vip"));

        Assert.Empty(config.Groups);
    }

    [Fact]
    public void A_masked_secret_sent_back_keeps_the_stored_secret()
    {
        var device = new FenceDevice("f1", "fence_ipmilan",
            Attributes.From(new Dictionary<string, string> { ["ip"] = "192.0.2.1", ["password"] = "s3cret" }), Attributes.Empty, ["node1"]);
        var config = Apply(TwoNodes(), new PutFenceDevice(device, PutMode.Create));

        var echoed = device with { Parameters = device.Parameters.SetItem("password", SecretParameters.Mask).SetItem("ip", "192.0.2.2") };
        config = Apply(config, new PutFenceDevice(echoed, PutMode.Replace));

        Assert.Equal("s3cret", config.FindFenceDevice("f1")!.Parameters["password"]);
        Assert.Equal("192.0.2.2", config.FindFenceDevice("f1")!.Parameters["ip"]);
    }

    [Fact]
    public void Secrets_never_appear_in_change_summaries()
    {
        var outcome = ConfigApplier.Apply(TwoNodes(), Envelope(new SetNodeAttributes("node1", Set(("api_token", "abc123"), ("rack", "r1")))));

        Assert.DoesNotContain("abc123", outcome.Change!.Summary);
        Assert.Contains("rack=r1", outcome.Change.Summary);
    }

    [Fact]
    public void Applying_the_same_commands_gives_the_same_configuration_on_every_node()
    {
        ConfigCommand[] commands =
        [
            new PutPrimitive(Ip(), PutMode.Create),
            new SetProperties(Set(("stonith-enabled", "false"))),
            new PutLocation(new LocationConstraint("l1", "vip", "node2", Score.Infinity, []), PutMode.Create),
        ];
        var envelopes = commands.Select(c => Envelope(c)).ToList();
        string Run() => System.Text.Json.JsonSerializer.Serialize(
            envelopes.Aggregate(TwoNodes(), (c, e) => ConfigApplier.Apply(c, e).Config!), ConfigJson.Options);

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Removing_a_node_removes_its_location_constraints_and_fencing_levels()
    {
        var config = Apply(TwoNodes(),
            new PutPrimitive(Ip(), PutMode.Create),
            new PutLocation(new LocationConstraint("l1", "vip", "node2", Score.Infinity, []), PutMode.Create),
            new PutFenceDevice(new FenceDevice("f1", "fence_ipmilan", Attributes.Empty, Attributes.Empty, ["node2"]), PutMode.Create),
            new PutFencingLevel(new FencingLevel("node2", 1, ["f1"])));

        config = Apply(config, new DeleteNode("node2"));

        Assert.Empty(config.Locations);
        Assert.Empty(config.FencingLevels);
        Assert.Empty(config.FindFenceDevice("f1")!.HostList);
    }
}
