using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// Which notifications one recipient gets: the alert's kinds and attribute selection (Pacemaker's select_*),
/// then the sample agent's own filters (trap_node_states, trap_fencing_tasks, trap_resource_tasks,
/// trap_monitor_success, and never a Cancelled resource result). Null lists mean "all".
/// </summary>
public sealed record PacemakerTrapFilter(
    AlertKinds Kinds,
    ImmutableArray<string> SelectAttributes,
    ImmutableHashSet<string>? NodeStates,
    ImmutableHashSet<string>? FencingTasks,
    ImmutableHashSet<string>? ResourceTasks,
    bool MonitorSuccess)
{
    public static readonly PacemakerTrapFilter All = new(AlertKinds.All, [], null, null, null, MonitorSuccess: false);

    public bool Allows(PacemakerNotification n)
    {
        if ((Kinds & n.Kind) == 0) return false;
        return n.Kind switch
        {
            AlertKinds.Node => InList(NodeStates, n.Description),
            AlertKinds.Fencing => InList(FencingTasks, n.Operation),
            AlertKinds.Resource => InList(ResourceTasks, n.Operation) && n.Description != "Cancelled" &&
                                   !(!MonitorSuccess && n.Operation == "monitor" && n.ReturnCode == n.TargetReturnCode),
            AlertKinds.Attribute => SelectAttributes.IsDefaultOrEmpty || SelectAttributes.Contains(n.AttributeName ?? ""),
            _ => false,
        };
    }

    // The agent lower-cases the configured list but compares the value as it is.
    private static bool InList(ImmutableHashSet<string>? list, string? value) => list is null || (value is not null && list.Contains(value));

    /// <summary>Parses the agent's comma list syntax: "all" (default) or "start,stop,monitor".</summary>
    public static ImmutableHashSet<string>? ParseList(string? value)
    {
        if (value is null) return null;
        var items = value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).ToImmutableHashSet(StringComparer.Ordinal);
        return items.Count == 1 && items.Contains("all") ? null : items;
    }
}
