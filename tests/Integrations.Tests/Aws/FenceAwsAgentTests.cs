using System.Collections.Immutable;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Fencing;
using HaApi.Integrations.Tests.Fencing;
using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Aws;

/// <summary>
/// Debian's real fence_aws (boto3/botocore) against the EC2 double. This checks both sides: our agent runner drives a
/// real cloud fence agent, and the double's wire protocol and SigV4 verification accept what botocore really sends.
/// fence_aws 4.12.1 has no endpoint option, so a sitecustomize.py (agents.md 2.6) points boto3 and its IMDS calls at
/// the double and refuses any connection that is not loopback.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FenceAwsAgentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string FenceAws = "/usr/sbin/fence_aws";

    private const string SiteCustomize = """
        import os, socket
        _port = os.environ["HAAPI_EC2_DOUBLE_PORT"]
        _connect = socket.socket.connect
        def _guarded(self, address):
            if isinstance(address, tuple) and not (str(address[0]).startswith("127.") or address[0] in ("::1", "localhost")):
                raise OSError("test guard: non-loopback connection to %r refused" % (address,))
            return _connect(self, address)
        socket.socket.connect = _guarded
        import boto3, requests
        _resource = boto3.resource
        def _local_resource(*args, **kwargs):
            kwargs["endpoint_url"] = "http://127.0.0.1:%s/" % _port
            return _resource(*args, **kwargs)
        boto3.resource = _local_resource
        _request = requests.Session.request
        def _local_request(self, method, url, *args, **kwargs):
            return _request(self, method, url.replace("http://169.254.169.254", "http://127.0.0.1:%s" % _port), *args, **kwargs)
        requests.Session.request = _local_request
        """;

    [Fact]
    public async Task Real_fence_aws_powers_off_through_the_double()
    {
        Require.Tool(FenceAws, "fence-agents");
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("site"));
        File.WriteAllText(Path.Combine(dir.File("site"), "sitecustomize.py"), SiteCustomize.Replace("\r", ""));
        using var ec2 = new Ec2Double { StopDelay = TimeSpan.Zero, StartDelay = TimeSpan.Zero, SelfInstanceId = "i-0aaaaaaaaaaaaaaa1" };
        ec2.AddInstance("i-0aaaaaaaaaaaaaaa1", "node1");
        ec2.AddInstance("i-0bbbbbbbbbbbbbbb2", "node2");
        var runner = new FenceAgentRunner(new FenceAgentRunnerOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["PYTHONPATH"] = dir.File("site"),
                ["HAAPI_EC2_DOUBLE_PORT"] = ec2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["NO_PROXY"] = "127.0.0.1",
            },
        });
        var device = new FenceDevice("aws", "fence_aws",
            Attributes.From([new("region", Ec2Double.Region), new("access_key", Ec2Double.AccessKey), new("secret_key", Ec2Double.SecretKey),
                             new("pcmk_host_check", "static-list")]),
            HostMapSyntax.Parse("node1:i-0aaaaaaaaaaaaaaa1;node2:i-0bbbbbbbbbbbbbbb2"), ImmutableArray<string>.Empty, HostCheck.StaticList);

        var off = await runner.FenceAsync(device, new FenceRequest("node2", FenceAction.Off, "node1", TimeSpan.FromSeconds(30)), CancellationToken.None);
        Assert.True(off.Success, off.Reason);
        Assert.Equal("Success: Powered OFF", off.Reason);
        Assert.Equal(["running", "stopping", "stopped"], ec2.HistoryOf("i-0bbbbbbbbbbbbbbb2"));
        var stop = ec2.Calls.Single(c => c.Action == "StopInstances").Parameters;
        Assert.Equal("true", stop["Force"]);
        Assert.Contains(ec2.Calls, c => c.Action == "DescribeInstances" && c.Parameters.GetValueOrDefault("Filter.1.Value.1") == "i-0aaaaaaaaaaaaaaa1");

        output.WriteLine($"fence_aws off {off.Duration.TotalMilliseconds:0}ms (mostly Python start-up and the boto3 import)");
    }
}
