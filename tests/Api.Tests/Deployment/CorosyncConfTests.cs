using System.Text.RegularExpressions;

namespace HaApi.Api.Tests.Deployment;

/// <summary>deploy/corosync-conf, which writes the container nodes' corosync.conf.</summary>
public class CorosyncConfTests
{
    [Fact]
    public void Corosync_accepts_the_configuration_of_a_three_node_cluster()
    {
        var directory = Directory.CreateTempSubdirectory("haapi-corosync-conf-").FullName;
        try
        {
            var key = Path.Combine(directory, "authkey");
            File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(256));
            var state = Directory.CreateDirectory(Path.Combine(directory, "state")).FullName;
            // corosync -t finds the local node by address, so one node is on loopback.
            var conf = Generate(["--name", "haapi", "--keyfile", key, "--state-dir", state, "node1=127.0.0.1", "node2=127.0.0.2", "node3=127.0.0.3"]);
            var file = Path.Combine(directory, "corosync.conf");
            File.WriteAllText(file, conf);

            var check = Tool.Run("corosync", ["-t", "-c", file]);
            Assert.True(check.ExitCode == 0, $"corosync -t rejected the generated configuration: {check}\n{conf}");
            Assert.Equal(3, Regex.Matches(conf, @"^\s+ring0_addr: ", RegexOptions.Multiline).Count);
            Assert.DoesNotContain("two_node", conf);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_configuration_has_the_shape_scripts_cluster_writes()
    {
        var conf = Generate(["--name", "haapi", "--keyfile", "/etc/corosync/authkey", "--state-dir", "/var/lib/corosync", "node1=198.18.0.1", "node2=198.18.0.2"]);
        var script = RepositoryFiles.Read("scripts/cluster");
        var writeConfig = script[script.IndexOf("write_config() {", StringComparison.Ordinal)..];
        writeConfig = writeConfig[..writeConfig.IndexOf("\n}\n", StringComparison.Ordinal)];

        // Every fixed "key: value" line of scripts/cluster's corosync.conf is in the generated one, and every
        // variable one has its key there.
        foreach (Match line in Regex.Matches(writeConfig, @"echo ""\s+([a-z_0-9]+): ([^""]*)"""))
        {
            var (name, value) = (line.Groups[1].Value, line.Groups[2].Value);
            var expected = value.Contains('$') ? $@"^\s+{name}: " : $@"^\s+{name}: {Regex.Escape(value)}$";
            Assert.True(Regex.IsMatch(conf, expected, RegexOptions.Multiline), $"'{name}: {value}' of scripts/cluster is missing from:\n{conf}");
        }
        Assert.Contains("two_node: 1", conf);
    }

    [Theory]
    [InlineData("node1", "NAME=ADDRESS")]
    [InlineData("node 1=198.18.0.1", "NAME=ADDRESS")]
    public void A_malformed_node_is_refused_with_the_expected_form(string node, string expected)
    {
        var result = Tool.Run(RepositoryFiles.PathOf("deploy/corosync-conf"), ["--name", "haapi", "--keyfile", "/k", node]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Errors);
        Assert.Equal("", result.Output);
    }

    private static string Generate(string[] arguments)
    {
        var result = Tool.Run(RepositoryFiles.PathOf("deploy/corosync-conf"), arguments,
            environment: new Dictionary<string, string> { ["HAAPI_TOKEN_MS"] = "1000", ["HAAPI_TOKEN_COEFFICIENT_MS"] = "0" });
        Assert.True(result.ExitCode == 0, $"deploy/corosync-conf: {result}");
        return result.Output;
    }
}
