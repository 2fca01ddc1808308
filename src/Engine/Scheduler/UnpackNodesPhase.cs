using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Works out each node's condition from its node_state: online, pending, shutting down, or unclean (and why it
/// must be fenced), following Pacemaker's rules for clusters with and without fencing.
/// </summary>
internal static class UnpackNodesPhase
{
    public static void Run(WorkingSet ws)
    {
        var props = ws.Config.Properties;
        // Pacemaker 3 renamed the stonith-* options to fencing-*; accept both spellings.
        ws.StonithEnabled = Attributes.IsTrue(props.Values.Get("fencing-enabled") ?? props.Get("stonith-enabled"));
        ws.SymmetricCluster = props.SymmetricCluster;
        ws.MaintenanceMode = props.MaintenanceMode;
        ws.StopEverything = props.StopAllResources;
        ws.NoQuorumPolicy = props.NoQuorumPolicy;
        // HaApi configures fencing as fence devices; an imported CIB may still carry stonith-class primitives.
        ws.HaveStonithResource = ws.Config.FenceDevices.Length > 0 || ws.Config.Primitives.Any(p => p.Class == ResourceClass.Stonith);

        var index = 0;
        foreach (var config in ws.Config.Nodes)
        {
            var node = new NodeInfo(config, index++);
            foreach (var (k, v) in config.Attributes) node.Attributes[k] = v;
            node.State = ws.Input.Status.Find(config.Name);
            if (node.State is not null)
                foreach (var (k, v) in node.State.TransientAttributes) node.Attributes[k] = v;
            node.Attributes["#uname"] = config.Name;
            node.Attributes["#id"] = node.State?.Id ?? config.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            node.Attributes["#kind"] = "cluster";
            node.Standby = Attributes.IsTrue(node.Attribute("standby"));
            node.Maintenance = Attributes.IsTrue(node.Attribute("maintenance"));
            ws.Nodes.Add(node);

            if (node.State is null)
            {
                // Never seen: with fencing, Pacemaker assumes the worst (startup-fencing) and fences it.
                if (ws.StonithEnabled) MarkUnclean(node, null);
                continue;
            }
            node.Shutdown = IsShutdownRequested(node);
            if (ws.StonithEnabled) DetermineWithFencing(node, node.State);
            else DetermineWithoutFencing(node, node.State);
        }
    }

    private static bool IsShutdownRequested(NodeInfo node) =>
        node.Attribute("shutdown") is { } s && s != "0" && s.Length > 0;

    private static void MarkUnclean(NodeInfo node, string? reason)
    {
        node.Unclean = true;
        node.FenceReason ??= reason;
    }

    private static void DetermineWithoutFencing(NodeInfo node, NodeState state)
    {
        if (!state.InMembership) return;
        if (state.ControllerOnline)
        {
            if (state.Join == "member") node.Online = true;
            else node.Pending = true;
        }
    }

    private static void DetermineWithFencing(NodeInfo node, NodeState state)
    {
        var expected = state.Expected ?? "down";
        var terminate = node.Attribute("terminate") is { } t && (Attributes.IsTrue(t) || (t.Length > 0 && t[0] is >= '1' and <= '9'));
        var inCcmKnown = state.InMembershipKnown;

        if (node.Shutdown)
        {
            node.Online = state.ControllerOnline;
        }
        else if (!inCcmKnown)
        {
            MarkUnclean(node, "peer has not been seen by the cluster");
        }
        else if (state.Join == "banned")
        {
            MarkUnclean(node, "peer failed Pacemaker membership criteria");
        }
        else if (!terminate && expected == "down")
        {
            if (state.InMembership || state.ControllerOnline)
            {
                node.Standby = true;
                node.Pending = true;
            }
        }
        else if (terminate && state.Join == "down" && !state.InMembership && !state.ControllerOnline)
        {
            // Just fenced.
        }
        else if (!state.InMembership)
        {
            MarkUnclean(node, "peer is no longer part of the cluster");
        }
        else if (!state.ControllerOnline)
        {
            MarkUnclean(node, "peer process is no longer available");
        }
        else if (terminate)
        {
            MarkUnclean(node, "termination was requested");
            node.Online = true;
        }
        else if (state.Join == "member")
        {
            node.Online = true;
        }
        else if (state.Join is "pending" or "down")
        {
            node.Standby = true;
            node.Pending = true;
        }
        else
        {
            MarkUnclean(node, "peer was in an unknown state");
        }
    }
}
