using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Status;

/// <summary>The monitoring snapshot's resources (ha_cluster_pacemaker_resources) from the scheduler's current state.</summary>
public static class MonitoringResources
{
    /// <summary>As crm_mon's XML lists them: an active instance once per node it runs on, a stopped one without node.</summary>
    public static ImmutableArray<ResourceState> From(CurrentState current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var result = ImmutableArray.CreateBuilder<ResourceState>(current.Resources.Length);
        foreach (var r in current.Resources)
        {
            var role = r.Role switch
            {
                Role.Promoted => "Promoted",
                Role.Unpromoted => "Unpromoted",
                Role.Started => "Started",
                _ => "Stopped",
            };
            ResourceState State(string? node) => new(r.DisplayId, r.CrmMonAgent, role, node, r.Managed, r.Active, r.Orphaned,
                r.Blocked, r.Failed, GroupId: r.GroupId, CloneId: r.CloneId);
            if (r.Nodes.IsEmpty) result.Add(State(null));
            else foreach (var node in r.Nodes) result.Add(State(node));
        }
        return result.ToImmutable();
    }
}
