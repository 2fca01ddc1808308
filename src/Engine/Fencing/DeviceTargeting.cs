using HaApi.Engine.Model;

namespace HaApi.Engine.Fencing;

/// <summary>What configuration alone says about whether a device can fence a node.</summary>
public enum TargetCapability
{
    Yes,
    No,
    /// <summary>Only the agent can tell: run "list" (dynamic-list) and look for the node or its alias.</summary>
    AskList,
    /// <summary>Only the agent can tell: run "status" for the node; rc 0 or 2 means it can.</summary>
    AskStatus,
}

/// <summary>Maps nodes to device ports and decides which devices can fence which node (pcmk_host_*).</summary>
public static class DeviceTargeting
{
    /// <summary>The value the agent receives as port/plug: the pcmk_host_map alias, else the node name.</summary>
    public static string PortFor(FenceDevice device, string node) =>
        device.HostMap.TryGetValue(node, out var port) ? port : node;

    public static TargetCapability Capability(FenceDevice device, string node)
    {
        var check = device.HostCheck;
        if (check == HostCheck.Auto)
            // Pacemaker's default is static-list when a list or map is configured; otherwise it would probe the
            // agent's metadata. Without metadata we ask the agent's list, which every multi-port agent supports. A
            // forced-stop script has no list: like EXPRESSCLUSTER's, it is meant for whichever node went down.
            check = device.HostList.Length > 0 || device.HostMap.Count > 0 ? HostCheck.StaticList
                : device.Agent == FenceDevice.ScriptAgent ? HostCheck.None
                : HostCheck.DynamicList;
        return check switch
        {
            HostCheck.None => TargetCapability.Yes,
            HostCheck.StaticList => device.HostList.Contains(node) || device.HostMap.ContainsKey(node) ? TargetCapability.Yes : TargetCapability.No,
            HostCheck.DynamicList => TargetCapability.AskList,
            HostCheck.Status => TargetCapability.AskStatus,
            _ => TargetCapability.No,
        };
    }

    /// <summary>True when an agent's list output names the node or the port it maps to.</summary>
    public static bool ListNames(FenceDevice device, string node, string? listOutput)
    {
        var targets = HostListSyntax.ParseListOutput(listOutput);
        return targets.Contains(node) || targets.Contains(PortFor(device, node));
    }
}
