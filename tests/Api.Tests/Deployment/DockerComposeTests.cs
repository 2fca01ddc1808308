using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaApi.Api.Tests.Deployment;

/// <summary>
/// docker-compose.yml, checked by Compose itself (Debian bookworm has Debian's docker-compose 1.29 and no
/// "docker compose" plugin, and no engine here: "config" validates and normalises without one) and read back as
/// Compose understood it.
/// </summary>
public class DockerComposeTests
{
    private static readonly string[] NodeNames = ["node1", "node2", "node3"];

    [Fact]
    public void Compose_accepts_the_file()
    {
        var result = Tool.Run("docker-compose", ["-f", "docker-compose.yml", "config", "--quiet"]);
        Assert.True(result.ExitCode == 0 && result.Errors.Trim() == "", $"docker-compose config --quiet rejected docker-compose.yml: {result}");
    }

    [Fact]
    public void Three_haapi_nodes_an_snmp_receiver_and_prometheus_are_declared()
    {
        var services = Services();
        Assert.Equal(NodeNames, NodesOf(services).Select(n => n.Key).Order());
        Assert.Equal("snmptrapd", (string?)services["snmptrapd"]?["build"]?["target"]);
        Assert.Equal("prometheus", (string?)services["prometheus"]?["build"]?["target"]);
    }

    [Fact]
    public void Every_node_is_a_corosync_member_at_the_address_its_peers_are_given()
    {
        foreach (var (name, node) in NodesOf(Services()))
        {
            var environment = node!["environment"]!;
            Assert.Equal(name, (string?)environment["HAAPI_NODE_NAME"]);
            Assert.Equal("corosync", (string?)environment["HAAPI_TRANSPORT"]);
            var peers = ((string)environment["HAAPI_CLUSTER_NODES"]!).Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(NodeNames, peers.Keys.Order());
            var address = (string?)node["networks"]?.AsObject().Single().Value?["ipv4_address"];
            Assert.Equal(peers[name], address);
            // The virtual IP needs NET_ADMIN; the authkey and the API token come from the one shared volume.
            Assert.Contains("NET_ADMIN", node["cap_add"]!.AsArray().Select(c => (string?)c));
            Assert.Contains(node["volumes"]!.AsArray(), v => ((string)v!).StartsWith("shared:/var/lib/haapi-shared", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Nodes_get_every_setting_scripts_cluster_gives_its_nodes()
    {
        var script = RepositoryFiles.Read("scripts/cluster");
        var startHaapi = script[script.IndexOf("start_haapi() {", StringComparison.Ordinal)..];
        startHaapi = startHaapi[..startHaapi.IndexOf("\n}\n", StringComparison.Ordinal)];
        var settings = Regex.Matches(startHaapi, @"\b(HAAPI_[A-Z_]+)=").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("HAAPI_TRANSPORT", settings);

        foreach (var (name, node) in NodesOf(Services()))
        {
            var environment = node!["environment"]!.AsObject();
            var missing = settings.Where(s => !environment.ContainsKey(s)).ToList();
            Assert.True(missing.Count == 0, $"{name} lacks {string.Join(", ", missing)}, which scripts/cluster sets for its nodes");
        }
    }

    [Fact]
    public void Prometheus_scrapes_the_metrics_port_of_every_node()
    {
        var services = Services();
        var prometheusVolumes = services["prometheus"]!["volumes"]!.AsArray().Select(v => (string)v!).ToList();
        Assert.Contains(prometheusVolumes, v => v.StartsWith(RepositoryFiles.PathOf("deploy/prometheus") + ":/etc/haapi/prometheus", StringComparison.Ordinal));

        var targets = JsonNode.Parse(RepositoryFiles.Read("deploy/prometheus/targets.json"))!.AsArray()
            .SelectMany(group => group!["targets"]!.AsArray().Select(t => (string)t!)).ToList();
        Assert.Equal(NodeNames.Select(n => $"{n}:9664"), targets.Order());
        foreach (var (name, node) in NodesOf(services))
            Assert.EndsWith(":9664", (string)node!["environment"]!["HAAPI_METRICS_URLS"]!);
    }

    [Fact]
    public void Promtool_accepts_the_prometheus_configuration()
    {
        var directory = Directory.CreateTempSubdirectory("haapi-prometheus-").FullName;
        try
        {
            // The container reads targets.json at /etc/haapi/prometheus; point the copy at the committed file.
            var config = RepositoryFiles.Read("deploy/prometheus/prometheus.yml")
                .Replace("/etc/haapi/prometheus/targets.json", RepositoryFiles.PathOf("deploy/prometheus/targets.json"));
            Assert.Contains(RepositoryFiles.PathOf("deploy/prometheus/targets.json"), config);
            var file = Path.Combine(directory, "prometheus.yml");
            File.WriteAllText(file, config);

            var result = Tool.Run("promtool", ["check", "config", file]);
            Assert.True(result.ExitCode == 0 && !(result.Output + result.Errors).Contains("WARNING"), $"promtool: {result}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> NodesOf(JsonObject services) =>
        services.Where(s => (string?)s.Value?["build"]?["target"] == "node");

    /// <summary>The services as Compose normalised them (defaults interpolated, anchors merged), as JSON.</summary>
    private static JsonObject Services()
    {
        var config = Tool.Run("docker-compose", ["-f", "docker-compose.yml", "config"]);
        Assert.True(config.ExitCode == 0, $"docker-compose config: {config}");
        // docker-compose 1.x prints YAML only; python3-yaml is one of its own dependencies.
        var json = Tool.Run("/usr/bin/python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], config.Output);
        Assert.True(json.ExitCode == 0, $"converting docker-compose config's YAML to JSON: {json}");
        return JsonNode.Parse(json.Output)!["services"]!.AsObject();
    }
}
