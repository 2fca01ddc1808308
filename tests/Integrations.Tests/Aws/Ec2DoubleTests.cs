using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaApi.Integrations.Aws;
using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Aws;

/// <summary>What the cluster tests rely on in the shared EC2 double: the listen address, the stopped event, IMDS per caller.</summary>
public class Ec2DoubleTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static Ec2Client Client(Ec2Double ec2) =>
        new(Http, new Ec2ClientOptions(Ec2Double.Region) { Endpoint = ec2.Endpoint },
            new StaticAwsCredentialProvider(new AwsCredentials(Ec2Double.AccessKey, Ec2Double.SecretKey)));

    [Fact]
    public async Task It_listens_on_the_given_address_and_only_there()
    {
        // 127.0.0.2 stands in for a bridge address: any address other than the default, reachable without setup.
        using var ec2 = new Ec2Double(IPAddress.Parse("127.0.0.2"));
        ec2.AddInstance("i-0aaaaaaaaaaaaaaa1", "node1");

        Assert.Equal($"http://127.0.0.2:{ec2.Port}/", ec2.Endpoint.ToString());
        var found = await Client(ec2).DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None);
        Assert.Equal("running", found?.StateName);

        using var other = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => other.ConnectAsync(IPAddress.Loopback, ec2.Port));
    }

    [Fact]
    public async Task InstanceStopped_fires_once_after_the_stop_delay_even_if_nobody_polls()
    {
        using var ec2 = new Ec2Double { StopDelay = TimeSpan.FromMilliseconds(200) };
        ec2.AddInstance("i-0bbbbbbbbbbbbbbb2", "node2");
        ec2.AddInstance("i-0ccccccccccccccc3", "node3");
        ec2.NeverStop("i-0ccccccccccccccc3");
        var stopped = new List<(string Id, string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        ec2.InstanceStopped += (id, name) => { lock (stopped) stopped.Add((id, name, clock.Elapsed)); };

        var client = Client(ec2);
        await client.StopInstanceAsync("i-0bbbbbbbbbbbbbbb2", force: true, skipOsShutdown: true, CancellationToken.None);
        await client.StopInstanceAsync("i-0ccccccccccccccc3", force: true, skipOsShutdown: true, CancellationToken.None);
        var describesBefore = ec2.Actions.Count(a => a == "DescribeInstances");
        await ec2.WaitForStateAsync("i-0bbbbbbbbbbbbbbb2", "stopped", TimeSpan.FromSeconds(5));
        await Task.Delay(400); // well past the stop delay of the instance that never stops

        lock (stopped)
        {
            var (id, name, at) = Assert.Single(stopped);
            Assert.Equal(("i-0bbbbbbbbbbbbbbb2", "node2"), (id, name));
            Assert.True(at >= TimeSpan.FromMilliseconds(200), $"stopped after {at}");
        }
        Assert.Equal(describesBefore, ec2.Actions.Count(a => a == "DescribeInstances"));
        Assert.Equal("stopping", ec2.StateOf("i-0ccccccccccccccc3"));
        Assert.Empty(ec2.HandlerErrors);
    }

    [Fact]
    public async Task IMDS_tells_each_mapped_caller_its_own_instance()
    {
        using var ec2 = new Ec2Double { SelfInstanceId = "i-0fallback0000000" };
        var imds = new ImdsClient(Http, ec2.Endpoint);
        Assert.Equal("i-0fallback0000000", await imds.GetInstanceIdAsync(CancellationToken.None));

        ec2.MapCaller(IPAddress.Loopback, "i-0aaaaaaaaaaaaaaa1");
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", await imds.GetInstanceIdAsync(CancellationToken.None));
    }
}
