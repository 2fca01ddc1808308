namespace HaApi.Engine.Controller;

/// <summary>Limits of the DC's transition engine.</summary>
/// <param name="HistoryLimit">Computed transitions kept with their input for replay.</param>
/// <param name="ClusterDelay">Added to an operation's timeout before the DC gives up on its result (Pacemaker's
/// cluster-delay, 60s): the executor's own timeout fires first, this only covers a lost result.</param>
/// <param name="DefaultOperationTimeout">Timeout of an operation with none configured (Pacemaker: 20s).</param>
/// <param name="MaxFencingAttempts">Fencing attempts per target before the DC gives up until the target's membership
/// changes (stonith-max-attempts overrides it).</param>
public sealed record ControllerOptions(
    int HistoryLimit = 50,
    TimeSpan? ClusterDelay = null,
    TimeSpan? DefaultOperationTimeout = null,
    int MaxFencingAttempts = 10)
{
    public TimeSpan ClusterDelayValue => ClusterDelay ?? TimeSpan.FromSeconds(60);
    public TimeSpan DefaultOperationTimeoutValue => DefaultOperationTimeout ?? TimeSpan.FromSeconds(20);
}
