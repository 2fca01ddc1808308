namespace HaApi.Integrations.Aws;

/// <summary>
/// Where and how to call EC2. Endpoint overrides the regional https://ec2.REGION.amazonaws.com/ (VPC endpoints,
/// FIPS, tests). Throttled and transient calls are retried MaxAttempts times in total with full-jitter backoff:
/// rand(0,1) * min(base * 2^(attempt-1), MaxBackoff), base ThrottleBaseDelay for throttling, TransientBaseDelay otherwise.
/// </summary>
public sealed record Ec2ClientOptions(string Region)
{
    public Uri? Endpoint { get; init; }
    public int MaxAttempts { get; init; } = 4;
    public TimeSpan ThrottleBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan TransientBaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxResponseBytes { get; init; } = 4 * 1024 * 1024;

    public Uri ResolveEndpoint() => Endpoint ?? new Uri(Region.StartsWith("cn-", StringComparison.Ordinal)
        ? $"https://ec2.{Region}.amazonaws.com.cn/"
        : $"https://ec2.{Region}.amazonaws.com/");
}
