namespace HaApi.Engine.Fencing;

/// <summary>
/// RetryPause is Pacemaker's sleep(1) between attempts on one device. RunnerGrace is how long past a request's
/// timeout the fencer waits for a runner that should have killed its agent already, before declaring it timed out.
/// </summary>
public sealed record FencerOptions(string LocalNode)
{
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RunnerGrace { get; init; } = TimeSpan.FromSeconds(2);
}
