namespace HaApi.Engine.Fencing;

/// <summary>
/// pcmk_delay_base / pcmk_delay_max: a max of zero means "fixed delay of base"; base is clamped down to max; the delay
/// is drawn uniformly from [base, max] in whole seconds like Pacemaker's base + rand() % (max - base + 1). The random
/// source is injected so a seeded simulation replays the same delays.
/// </summary>
public static class FenceDelay
{
    public static TimeSpan Compute(TimeSpan? delayBase, TimeSpan? delayMax, Random random)
    {
        var baseS = (long)Math.Max(0, (delayBase ?? TimeSpan.Zero).TotalSeconds);
        var maxS = (long)Math.Max(0, (delayMax ?? TimeSpan.Zero).TotalSeconds);
        if (maxS == 0) maxS = baseS;
        if (baseS > maxS) baseS = maxS;
        return TimeSpan.FromSeconds(baseS + random.NextInt64(maxS - baseS + 1));
    }
}
