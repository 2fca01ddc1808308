using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace HaApi.Integrations.Aws;

/// <summary>
/// AWSSDK.Core's default chain: environment (AWS_ACCESS_KEY_ID...), the shared profile (~/.aws/credentials, AWS_PROFILE),
/// container credentials, then the EC2 instance role over IMDSv2. The SDK caches and refreshes role credentials.
/// </summary>
public sealed class SdkAwsCredentialProvider : IAwsCredentialProvider
{
    public async Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        AWSCredentials source;
        try
        {
            source = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken);
        }
        catch (AmazonClientException ex)
        {
            throw new Ec2Exception("NoCredentials",
                "no AWS credentials found: set access_key/secret_key on the device, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared profile, or an instance role"
                + $" ({ex.GetType().Name})", 0, null);
        }
        var c = await source.GetCredentialsAsync().WaitAsync(cancellationToken);
        return new AwsCredentials(c.AccessKey, c.SecretKey, string.IsNullOrEmpty(c.Token) ? null : c.Token);
    }
}
