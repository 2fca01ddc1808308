using HaApi.Engine.Model;

namespace HaApi.Integrations.Aws;

/// <summary>
/// The parameters of a "haapi:ec2" fence device. Names follow fence_aws where it has one (region, access_key,
/// secret_key, power_timeout, skip_race_check, skip_os_shutdown, port/plug) so configurations translate 1:1.
/// </summary>
public sealed record Ec2DeviceParameters(
    string? Region,
    Uri? Endpoint,
    AwsCredentials? Credentials,
    string? FixedInstanceId,
    string? SelfInstanceId,
    bool SkipRaceCheck,
    bool SkipOsShutdown,
    TimeSpan PowerTimeout,
    TimeSpan PollInterval,
    Uri? ImdsEndpoint)
{
    public const string RegionName = "region";
    public const string EndpointName = "endpoint";
    public const string AccessKeyName = "access_key";
    public const string SecretKeyName = "secret_key";
    public const string SessionTokenName = "session_token";
    public const string SelfInstanceIdName = "self_instance_id";
    public const string SkipRaceCheckName = "skip_race_check";
    public const string SkipOsShutdownName = "skip_os_shutdown";
    public const string PowerTimeoutName = "power_timeout";
    public const string PollIntervalName = "poll_interval";
    public const string ImdsEndpointName = "imds_endpoint";

    public static readonly TimeSpan DefaultPowerTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Parses and validates; the error names the parameter and what is expected, never a secret value.</summary>
    public static Ec2DeviceParameters Parse(FenceDevice device)
    {
        var p = device.Parameters;
        var access = p.GetValueOrDefault(AccessKeyName);
        var secret = p.GetValueOrDefault(SecretKeyName);
        if (string.IsNullOrEmpty(access) != string.IsNullOrEmpty(secret))
            throw new ArgumentException($"haapi:ec2 device {device.Id}: set both {AccessKeyName} and {SecretKeyName}, or neither to use the default credential chain");

        return new Ec2DeviceParameters(
            Region: p.GetValueOrDefault(RegionName),
            Endpoint: OptionalUri(device, p.GetValueOrDefault(EndpointName), EndpointName),
            Credentials: string.IsNullOrEmpty(access) ? null : new AwsCredentials(access, secret!, p.GetValueOrDefault(SessionTokenName)),
            FixedInstanceId: p.GetValueOrDefault("port") ?? p.GetValueOrDefault("plug"),
            SelfInstanceId: p.GetValueOrDefault(SelfInstanceIdName),
            SkipRaceCheck: Bool(device, p.GetValueOrDefault(SkipRaceCheckName), SkipRaceCheckName, false),
            SkipOsShutdown: Bool(device, p.GetValueOrDefault(SkipOsShutdownName), SkipOsShutdownName, true),
            PowerTimeout: Seconds(device, p.GetValueOrDefault(PowerTimeoutName), PowerTimeoutName, DefaultPowerTimeout),
            PollInterval: Seconds(device, p.GetValueOrDefault(PollIntervalName), PollIntervalName, DefaultPollInterval),
            ImdsEndpoint: OptionalUri(device, p.GetValueOrDefault(ImdsEndpointName), ImdsEndpointName));
    }

    private static bool Bool(FenceDevice device, string? value, string name, bool fallback)
    {
        if (value is null) return fallback;
        if (!Attributes.IsBoolean(value)) throw new ArgumentException($"haapi:ec2 device {device.Id}: {name} must be true or false, not '{value}'");
        return Attributes.IsTrue(value);
    }

    private static TimeSpan Seconds(FenceDevice device, string? value, string name, TimeSpan fallback)
    {
        if (value is null) return fallback;
        if (!Duration.TryParse(value, out var t) || t <= TimeSpan.Zero)
            throw new ArgumentException($"haapi:ec2 device {device.Id}: {name} must be a positive duration such as 60 or 500ms, not '{value}'");
        return t;
    }

    private static Uri? OptionalUri(FenceDevice device, string? value, string name)
    {
        if (value is null) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"haapi:ec2 device {device.Id}: {name} must be an http(s) URL, not '{value}'");
        return uri;
    }
}
