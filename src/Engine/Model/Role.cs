namespace HaApi.Engine.Model;

/// <summary>Resource roles, with Pacemaker 2.1 names (Promoted/Unpromoted; Master/Slave accepted on input).</summary>
public enum Role
{
    Unknown,
    Stopped,
    Started,
    Unpromoted,
    Promoted,
}

public static class RoleNames
{
    public static bool TryParse(string? text, out Role role)
    {
        role = Role.Unknown;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "stopped": role = Role.Stopped; return true;
            case "started": role = Role.Started; return true;
            case "unpromoted" or "slave": role = Role.Unpromoted; return true;
            case "promoted" or "master": role = Role.Promoted; return true;
            case "unknown": role = Role.Unknown; return true;
            default: return false;
        }
    }
}
