namespace HaApi.Engine.Fencing;

/// <summary>The action names of the fence agent protocol.</summary>
public static class FenceActions
{
    public static string ToAgentName(this FenceAction action) => action switch
    {
        FenceAction.Reboot => "reboot",
        FenceAction.Off => "off",
        FenceAction.On => "on",
        FenceAction.Status => "status",
        FenceAction.Monitor => "monitor",
        FenceAction.List => "list",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown fence action"),
    };

    public static bool TryParse(string? name, out FenceAction action)
    {
        action = FenceAction.Reboot;
        switch (name?.Trim().ToLowerInvariant())
        {
            case "reboot": action = FenceAction.Reboot; return true;
            case "off" or "poweroff": action = FenceAction.Off; return true;
            case "on": action = FenceAction.On; return true;
            case "status": action = FenceAction.Status; return true;
            case "monitor": action = FenceAction.Monitor; return true;
            case "list": action = FenceAction.List; return true;
            default: return false;
        }
    }

    /// <summary>Actions that take a node down: random delays apply only to these, as in Pacemaker.</summary>
    public static bool IsDestructive(this FenceAction action) => action is FenceAction.Off or FenceAction.Reboot;
}
