using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Hypothetical changes applied to a scheduler input before scheduling, as crm_simulate's --node-fail, --node-up
/// and --attr options do. Nothing here touches the live cluster.
/// </summary>
public sealed record WhatIf(
    IReadOnlyList<string> FailNodes,
    IReadOnlyList<string> UpNodes,
    IReadOnlyList<(string Node, string Name, string? Value)> NodeAttributes)
{
    public static readonly WhatIf None = new([], [], []);

    /// <summary>Applies the changes; throws ArgumentException naming an unknown node.</summary>
    public SchedulerInput ApplyTo(SchedulerInput input)
    {
        var config = input.Config;
        var status = input.Status;
        foreach (var node in FailNodes.Concat(UpNodes).Concat(NodeAttributes.Select(a => a.Node)).Distinct())
            if (config.FindNode(node) is null) throw new ArgumentException($"no node '{node}' is configured", nameof(input));

        // A failed node left without saying goodbye: out of the membership while expected up, hence unclean.
        foreach (var node in FailNodes)
            status = WithNode(status, node, n => n with { InMembership = false, ControllerOnline = false, Join = "down", Expected = "member", InMembershipKnown = true });
        foreach (var node in UpNodes)
            status = WithNode(status, node, n => n with { InMembership = true, ControllerOnline = true, Join = "member", Expected = "member", InMembershipKnown = true });
        foreach (var (node, name, value) in NodeAttributes)
        {
            var n = config.FindNode(node)!;
            var attributes = value is null ? n.Attributes.Remove(name) : n.Attributes.SetItem(name, value);
            config = config with { Nodes = config.Nodes.Replace(n, n with { Attributes = attributes }) };
        }
        return input with { Config = config, Status = status };
    }

    private static ClusterStatus WithNode(ClusterStatus status, string name, Func<NodeState, NodeState> change)
    {
        var existing = status.Find(name);
        var node = existing ?? new NodeState(name, name, false, false, null, null, Attributes.Empty, ImmutableArray<ResourceHistory>.Empty, InMembershipKnown: false);
        return existing is null
            ? status with { Nodes = status.Nodes.Add(change(node)) }
            : status with { Nodes = status.Nodes.Replace(existing, change(existing)) };
    }
}
