using System.Collections.Immutable;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Aws;
using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Aws;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>Tests that change process-wide environment variables run alone.</summary>
    public const string Name = "aws-process-environment";
}

[Collection(ProcessEnvironmentCollection.Name)]
public class SdkCredentialChainTests
{
    [Fact]
    public async Task Device_without_keys_signs_with_credentials_from_the_AWS_SDK_default_chain()
    {
        string[] names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED", "AWS_PROFILE"];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Ec2Double.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Ec2Double.SecretKey);
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
            Environment.SetEnvironmentVariable("AWS_PROFILE", null);
            // Never let the SDK reach for the real 169.254.169.254 from a test.
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

            var credentials = await new SdkAwsCredentialProvider().GetCredentialsAsync(CancellationToken.None);
            Assert.Equal(Ec2Double.AccessKey, credentials.AccessKeyId);

            using var ec2 = new Ec2Double { StopDelay = TimeSpan.FromMilliseconds(100) };
            ec2.AddInstance("i-0bbbbbbbbbbbbbbb2", "node2");
            var device = new FenceDevice("ec2", FenceDevice.Ec2Agent,
                Attributes.From([new("region", Ec2Double.Region), new("endpoint", ec2.Endpoint.ToString()), new("skip_race_check", "true"),
                                 new("poll_interval", "50ms")]),
                HostMapSyntax.Parse("node2:i-0bbbbbbbbbbbbbbb2"), ImmutableArray<string>.Empty);
            using var http = new HttpClient();

            var result = await new Ec2Fencer(http).FenceAsync(device, new FenceRequest("node2", FenceAction.Off, "node1", TimeSpan.FromSeconds(10)), CancellationToken.None);

            Assert.True(result.Success, result.Reason);
            Assert.Equal("stopped", ec2.StateOf("i-0bbbbbbbbbbbbbbb2"));
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
