namespace HaApi.Integrations.Aws;

/// <summary>Process-wide settings of the built-in EC2 fencer; per-device settings are device parameters (Ec2DeviceParameters).</summary>
public sealed record Ec2FencerOptions
{
    public int ApiMaxAttempts { get; init; } = 4;
    public TimeSpan ThrottleBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ApiRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public Uri? ImdsEndpoint { get; init; }
}
