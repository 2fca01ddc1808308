namespace HaApi.Engine.Model;

/// <summary>Resource agent standards. <c>Haapi</c> holds HaApi's built-in agents (Dummy, Process).</summary>
public enum ResourceClass
{
    Ocf,
    Systemd,
    Lsb,
    Stonith,
    Haapi,
}

public static class ResourceClassNames
{
    // Constant strings: the scheduler compares every history entry's class with its definition's.
    public static string ToWire(this ResourceClass c) => c switch
    {
        ResourceClass.Ocf => "ocf",
        ResourceClass.Systemd => "systemd",
        ResourceClass.Lsb => "lsb",
        ResourceClass.Stonith => "stonith",
        ResourceClass.Haapi => "haapi",
        _ => c.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? text, out ResourceClass c)
    {
        c = ResourceClass.Ocf;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "ocf": c = ResourceClass.Ocf; return true;
            case "systemd": c = ResourceClass.Systemd; return true;
            case "lsb": c = ResourceClass.Lsb; return true;
            case "stonith": c = ResourceClass.Stonith; return true;
            case "haapi": c = ResourceClass.Haapi; return true;
            default: return false;
        }
    }
}
