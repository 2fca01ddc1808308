using HaApi.Engine.Config;
using HaApi.Engine.Model;
using static HaApi.Engine.Tests.Config.ConfigFixtures;

namespace HaApi.Engine.Tests.Config;

public class ConfigValidatorTests
{
    private static ValidationError Single(ClusterConfig config) => Assert.Single(ConfigValidator.Validate(config));

    [Fact]
    public void A_valid_configuration_has_no_errors()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip(), Ip("web") with { Type = "apache" }],
            Groups = [new Group("g", ["vip", "web"], Attributes.Empty)],
            Locations = [new LocationConstraint("l", "g", "node1", new Score(100), [])],
        };
        Assert.Empty(ConfigValidator.Validate(config));
    }

    [Fact]
    public void Ids_are_unique_across_kinds()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip("x")],
            Orders = [new OrderConstraint("x", "x", "x")],
        };
        Assert.Contains(ConfigValidator.Validate(config), e => e.Item == "x" && e.Field == "id" && e.Message.Contains("more than once"));
    }

    [Fact]
    public void Invalid_id_characters_are_named()
    {
        var e = Single(TwoNodes() with { Primitives = [Ip("1bad id")] });
        Assert.Equal(("1bad id", "id"), (e.Item, e.Field));
    }

    [Fact]
    public void Groups_cannot_be_nested()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip()],
            Groups = [new Group("inner", ["vip"], Attributes.Empty), new Group("outer", ["inner"], Attributes.Empty)],
        };
        var e = Single(config);
        Assert.Equal(("outer", "members[0]"), (e.Item, e.Field));
        Assert.Contains("cannot be nested", e.Message);
    }

    [Fact]
    public void A_resource_belongs_to_at_most_one_group_or_clone()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip()],
            Groups = [new Group("g1", ["vip"], Attributes.Empty), new Group("g2", ["vip"], Attributes.Empty)],
        };
        var e = Single(config);
        Assert.Equal(("vip", "parent"), (e.Item, e.Field));
    }

    [Fact]
    public void Constraints_must_refer_to_existing_resources_and_nodes()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip()],
            Locations = [new LocationConstraint("l", "ghost", "node9", new Score(10), [])],
        };
        var errors = ConfigValidator.Validate(config);
        Assert.Contains(errors, e => e.Field == "resource" && e.Message.Contains("ghost"));
        Assert.Contains(errors, e => e.Field == "node" && e.Message.Contains("node9"));
    }

    [Fact]
    public void Mandatory_order_cycles_are_refused_with_the_cycle_named()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip("a"), Ip("b"), Ip("c")],
            Orders = [new OrderConstraint("ab", "a", "b"), new OrderConstraint("bc", "b", "c"), new OrderConstraint("ca", "c", "a")],
        };
        var e = Single(config);
        Assert.Contains("cycle", e.Message);
        Assert.Contains("ab -> bc -> ca", e.Message);
    }

    [Fact]
    public void Optional_orders_may_form_a_cycle()
    {
        var config = TwoNodes() with
        {
            Primitives = [Ip("a"), Ip("b")],
            Orders = [new OrderConstraint("ab", "a", "b", OrderKind.Optional), new OrderConstraint("ba", "b", "a", OrderKind.Optional)],
        };
        Assert.Empty(ConfigValidator.Validate(config));
    }

    [Theory]
    [InlineData("resource-stickiness", "lots", "integer or INFINITY")]
    [InlineData("failure-timeout", "soon", "duration")]
    [InlineData("target-role", "Running", "Started, Stopped")]
    [InlineData("is-managed", "maybe", "true or false")]
    public void Meta_attribute_values_are_checked(string name, string value, string hint)
    {
        var e = Single(TwoNodes() with { Primitives = [Ip() with { Meta = Attributes.From([new(name, value)]) }] });
        Assert.Equal($"meta.{name}", e.Field);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void Unknown_properties_are_refused_with_a_suggestion()
    {
        var e = Single(TwoNodes() with { Properties = new ClusterProperties(Attributes.From([new("stonith-enabeld", "false")])) });
        Assert.Contains("did you mean stonith-enabled", e.Message);
    }

    [Fact]
    public void Fence_device_host_map_must_name_configured_nodes()
    {
        var device = new FenceDevice("aws", FenceDevice.Ec2Agent, Attributes.Empty,
            Attributes.From([new("node1", "i-1"), new("node7", "i-7")]), []);
        var e = Single(TwoNodes() with { FenceDevices = [device] });
        Assert.Equal(("aws", "hostMap.node7"), (e.Item, e.Field));
    }

    [Fact]
    public void Fencing_levels_must_refer_to_existing_devices()
    {
        var e = Single(TwoNodes() with { FencingLevels = [new FencingLevel("node1", 1, ["nope"])] });
        Assert.Equal("devices[0]", e.Field);
    }

    [Fact]
    public void The_secret_mask_is_not_accepted_as_a_new_secret()
    {
        var device = new FenceDevice("f", "fence_ipmilan", Attributes.From([new("password", SecretParameters.Mask)]), Attributes.Empty, []);
        var e = Single(TwoNodes() with { FenceDevices = [device] });
        Assert.Equal("params.password", e.Field);
    }

    [Fact]
    public void Recurring_start_is_refused()
    {
        var e = Single(TwoNodes() with { Primitives = [Ip() with { Operations = [new Operation("start", TimeSpan.FromSeconds(5))] }] });
        Assert.Equal("operations[0].interval", e.Field);
    }
}
