namespace HaApi.Integrations.Aws;

/// <summary>An instance as DescribeInstances reports it; StateName is pending/running/shutting-down/terminated/stopping/stopped.</summary>
public sealed record Ec2Instance(string InstanceId, int StateCode, string StateName, string? Name)
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Terminated = "terminated";
}
