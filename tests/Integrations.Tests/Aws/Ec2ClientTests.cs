using HaApi.Integrations.Aws;
using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Aws;

public class Ec2ClientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static Ec2Client Client(Ec2Double ec2, string secret = Ec2Double.SecretKey, int attempts = 4) =>
        new(Http, new Ec2ClientOptions(Ec2Double.Region) { Endpoint = ec2.Endpoint, MaxAttempts = attempts, ThrottleBaseDelay = TimeSpan.FromMilliseconds(20) },
            new StaticAwsCredentialProvider(new AwsCredentials(Ec2Double.AccessKey, secret)));

    [Fact]
    public async Task DescribeInstances_parses_state_and_name_tag_and_filters_by_tag()
    {
        using var ec2 = new Ec2Double();
        ec2.AddInstance("i-0aaaaaaaaaaaaaaa1", "node1");
        ec2.AddInstance("i-0bbbbbbbbbbbbbbb2", "node2", "stopped");
        var client = Client(ec2);

        var one = await client.DescribeInstanceAsync("i-0bbbbbbbbbbbbbbb2", CancellationToken.None);
        Assert.Equal(new Ec2Instance("i-0bbbbbbbbbbbbbbb2", 80, "stopped", "node2"), one);
        Assert.Null(await client.DescribeInstanceAsync("i-0nonexistent00000", CancellationToken.None));
        var tagged = await client.DescribeInstancesAsync([("tag:Name", ["node1"])], CancellationToken.None);
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", Assert.Single(tagged).InstanceId);
        Assert.Contains(ec2.Calls, c => c.Parameters.GetValueOrDefault("Filter.1.Name") == "tag:Name");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) Assert.NotNull(await client.DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None));
        output.WriteLine($"signed DescribeInstances round trip against the double: {clock.Elapsed.TotalMilliseconds / 20:0.0}ms");
    }

    [Fact]
    public async Task Error_xml_becomes_an_Ec2Exception_with_code_kind_and_request_id()
    {
        using var ec2 = new Ec2Double();
        ec2.Deny("StopInstances");
        var ex = await Assert.ThrowsAsync<Ec2Exception>(() => Client(ec2).StopInstanceAsync("i-0aaaaaaaaaaaaaaa1", true, true, CancellationToken.None));
        Assert.Equal("UnauthorizedOperation", ex.Code);
        Assert.Equal(Ec2ErrorKind.Auth, ex.Kind);
        Assert.Equal(403, ex.HttpStatus);
        Assert.NotNull(ex.RequestId);
    }

    [Fact]
    public async Task Wrong_secret_is_rejected_by_signature_verification_as_AuthFailure_without_retrying()
    {
        using var ec2 = new Ec2Double();
        const string wrong = "wrongSecretKeyValue0000000000000000000000";
        var ex = await Assert.ThrowsAsync<Ec2Exception>(() => Client(ec2, wrong).DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None));
        Assert.Equal("AuthFailure", ex.Code);
        Assert.Single(ec2.Calls);
        Assert.DoesNotContain(wrong, ex.ToString());
    }

    [Fact]
    public async Task Throttling_is_retried_with_backoff_up_to_the_attempt_limit()
    {
        using var ec2 = new Ec2Double();
        ec2.AddInstance("i-0aaaaaaaaaaaaaaa1", "node1");
        ec2.Inject("DescribeInstances", "RequestLimitExceeded", 2);
        var client = Client(ec2);
        Assert.NotNull(await client.DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None));
        Assert.Equal(3, ec2.Calls.Count);
        Assert.Equal(2, client.RetriedCalls);

        ec2.Inject("DescribeInstances", "RequestLimitExceeded", 5);
        var ex = await Assert.ThrowsAsync<Ec2Exception>(() => Client(ec2, attempts: 3).DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None));
        Assert.Equal(Ec2ErrorKind.Throttling, ex.Kind);
        Assert.Equal(6, ec2.Calls.Count);
    }

    [Fact]
    public async Task Unreachable_endpoint_is_a_transient_connection_error()
    {
        int port;
        using (var ec2 = new Ec2Double()) port = ec2.Port; // now closed
        var client = new Ec2Client(Http, new Ec2ClientOptions("us-east-1") { Endpoint = new Uri($"http://127.0.0.1:{port}/"), MaxAttempts = 2, TransientBaseDelay = TimeSpan.FromMilliseconds(5) },
            new StaticAwsCredentialProvider(new AwsCredentials(Ec2Double.AccessKey, Ec2Double.SecretKey)));
        var ex = await Assert.ThrowsAsync<Ec2Exception>(() => client.DescribeInstanceAsync("i-0aaaaaaaaaaaaaaa1", CancellationToken.None));
        Assert.Equal("ConnectionError", ex.Code);
        Assert.Equal(Ec2ErrorKind.Transient, ex.Kind);
        Assert.Equal(1, client.RetriedCalls);
    }

    [Fact]
    public void Regional_endpoints_follow_the_partition()
    {
        Assert.Equal(new Uri("https://ec2.eu-west-1.amazonaws.com/"), new Ec2ClientOptions("eu-west-1").ResolveEndpoint());
        Assert.Equal(new Uri("https://ec2.cn-north-1.amazonaws.com.cn/"), new Ec2ClientOptions("cn-north-1").ResolveEndpoint());
    }
}
