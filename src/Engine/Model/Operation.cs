namespace HaApi.Engine.Model;

/// <summary>What to do when an operation fails (Pacemaker's on-fail).</summary>
public enum OnFail
{
    Restart,
    Ignore,
    Block,
    Stop,
    Fence,
    Standby,
    Demote,
}

/// <summary>An operation definition of a primitive: start/stop/monitor/promote/demote…, with its interval and timeout.</summary>
public sealed record Operation(
    string Name,
    TimeSpan Interval,
    TimeSpan? Timeout = null,
    OnFail? OnFail = null,
    Role? Role = null,
    bool Enabled = true)
{
    public bool IsRecurring => Interval > TimeSpan.Zero;

    /// <summary>Pacemaker's operation key: RSC_NAME_INTERVALMS, e.g. "vip_monitor_10000".</summary>
    public string Key(string resourceId) => $"{resourceId}_{Name}_{(long)Interval.TotalMilliseconds}";

    public static bool TryParseOnFail(string? text, out OnFail value)
    {
        value = Model.OnFail.Restart;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "restart": value = Model.OnFail.Restart; return true;
            case "ignore": value = Model.OnFail.Ignore; return true;
            case "block": value = Model.OnFail.Block; return true;
            case "stop": value = Model.OnFail.Stop; return true;
            case "fence": value = Model.OnFail.Fence; return true;
            case "standby": value = Model.OnFail.Standby; return true;
            case "demote": value = Model.OnFail.Demote; return true;
            default: return false;
        }
    }
}
