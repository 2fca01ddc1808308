namespace HaApi.Integrations.Aws;

/// <summary>
/// One set of AWS credentials. ToString never shows the secret or the session token, so the record can be logged or
/// end up in an exception message without leaking them.
/// </summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***{(SessionToken is null ? "" : ", SessionToken = ***")} }}";
}

/// <summary>Where EC2 calls get their credentials from; asked before every request so rotating role credentials work.</summary>
public interface IAwsCredentialProvider
{
    Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}

/// <summary>Credentials configured on the fence device (access_key / secret_key).</summary>
public sealed class StaticAwsCredentialProvider(AwsCredentials credentials) : IAwsCredentialProvider
{
    public Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(credentials);
}
