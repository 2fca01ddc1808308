namespace HaApi.Engine.Model;

/// <summary>
/// The CIB version triple. Partitions that merge converge on the configuration with the highest
/// (AdminEpoch, Epoch, NumUpdates), compared in that order, as Pacemaker does.
/// </summary>
public readonly record struct ConfigVersion(long AdminEpoch, long Epoch, long NumUpdates) : IComparable<ConfigVersion>
{
    public static readonly ConfigVersion Initial = new(0, 0, 0);

    public ConfigVersion NextEpoch() => this with { Epoch = Epoch + 1, NumUpdates = 0 };

    public int CompareTo(ConfigVersion other)
    {
        var c = AdminEpoch.CompareTo(other.AdminEpoch);
        if (c != 0) return c;
        c = Epoch.CompareTo(other.Epoch);
        return c != 0 ? c : NumUpdates.CompareTo(other.NumUpdates);
    }

    public static bool operator >(ConfigVersion a, ConfigVersion b) => a.CompareTo(b) > 0;
    public static bool operator <(ConfigVersion a, ConfigVersion b) => a.CompareTo(b) < 0;
    public static bool operator >=(ConfigVersion a, ConfigVersion b) => a.CompareTo(b) >= 0;
    public static bool operator <=(ConfigVersion a, ConfigVersion b) => a.CompareTo(b) <= 0;

    /// <summary>The form used in ETags and If-Match: "admin.epoch.updates".</summary>
    public override string ToString() => $"{AdminEpoch}.{Epoch}.{NumUpdates}";

    public static bool TryParse(string? text, out ConfigVersion version)
    {
        version = Initial;
        var parts = text?.Trim().Trim('"').Split('.');
        if (parts is not { Length: 3 }) return false;
        if (!long.TryParse(parts[0], out var a) || !long.TryParse(parts[1], out var e) || !long.TryParse(parts[2], out var n)) return false;
        version = new ConfigVersion(a, e, n);
        return true;
    }
}
