using System.Collections.Immutable;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Config;

internal static class ConfigFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static Primitive Ip(string id = "vip") => new(id, ResourceClass.Ocf, "heartbeat", "IPaddr2",
        Attributes.From(new Dictionary<string, string> { ["ip"] = "192.0.2.10" }), Attributes.Empty,
        [new Operation("monitor", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20))]);

    public static Node Node(string name, uint id) => new(name, id, [], Attributes.Empty);

    public static ClusterConfig TwoNodes() => ClusterConfig.Empty with { Nodes = [Node("node1", 1), Node("node2", 2)] };

    public static CommandEnvelope Envelope(ConfigCommand command, ConfigVersion? expected = null) =>
        new(Guid.NewGuid(), "tester", "node1", T0, expected, command);

    /// <summary>Applies commands in order and fails the test on the first refusal.</summary>
    public static ClusterConfig Apply(ClusterConfig config, params ConfigCommand[] commands)
    {
        foreach (var command in commands)
        {
            var outcome = ConfigApplier.Apply(config, Envelope(command));
            Assert.True(outcome.Succeeded, $"{command.Describe()}: {outcome.Error?.Message}");
            config = outcome.Config!;
        }
        return config;
    }

    public static ImmutableSortedDictionary<string, string?> Set(params (string, string?)[] pairs) =>
        pairs.ToImmutableSortedDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
}
