using HaApi.Integrations.Agents;

namespace HaApi.Api.Hosting;

/// <summary>
/// Where this node's agents keep their scratch and state. Per node name, because several nodes may share one
/// filesystem (the namespace lab, containers with a shared /run): a haapi:Dummy state file of one node must never
/// make the resource look active on another. Under /run as root (cleared at reboot, like Pacemaker's HA_RSCTMP);
/// under the data directory otherwise, where a developer's `dotnet run` can write.
/// </summary>
internal static class AgentDirectories
{
    public static AgentRunnerOptions For(HaApiOptions options)
    {
        var root = Environment.UserName == "root"
            ? Path.Combine("/run/haapi", options.ResolvedNodeName)
            : Path.Combine(options.ResolvedDataDirectory, "run");
        return new AgentRunnerOptions
        {
            RunDirectory = Path.Combine(root, "agents"),
            StateDirectory = Path.Combine(root, "state"),
            ResourceAgentsTempDirectory = Environment.UserName == "root" ? "/run/resource-agents" : null,
        };
    }
}
