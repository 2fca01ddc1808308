using System.Text;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// Formats a transition as crm_simulate's "Transition Summary:" list, line for line: fencing first, then one line
/// per changed resource, e.g. "  * Move       rsc1    ( node1 -> node2 )". Column widths grow as longer ids
/// and details appear, as Pacemaker's output does.
/// </summary>
public static class TransitionSummary
{
    public static IReadOnlyList<string> Format(Transition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var lines = new List<string>();
        foreach (var n in transition.NodeChanges)
            lines.Add(n.Reason is null ? $"  * {n.Task} {n.Node}" : $"  * {n.Task} {n.Node} '{n.Reason}'");

        var rscWidth = 5;
        var detailWidth = 5;
        foreach (var c in transition.Changes)
        {
            if (c.Resource.Length > rscWidth) rscWidth = c.Resource.Length + 2;
            var details = Details(c);
            if (details.Length > detailWidth) detailWidth = details.Length;
            string? reason = c.Reason is not null ? (c.Blocked ? $"due to {c.Reason} (blocked)" : $"due to {c.Reason}") : c.Blocked ? "blocked" : null;
            var sb = new StringBuilder("  * ");
            sb.Append(Verb(c.Verb).PadRight(8)).Append("   ").Append(c.Resource.PadRight(rscWidth)).Append("   ( ")
              .Append(details.PadLeft(detailWidth)).Append(" )");
            if (reason is not null) sb.Append("  ").Append(reason);
            lines.Add(sb.ToString());
        }
        return lines;
    }

    private static string Verb(ChangeVerb v) => v == ChangeVerb.RePromote ? "Re-promote" : v.ToString();

    private static string RoleText(Role r) => r switch
    {
        Role.Stopped => "Stopped",
        Role.Started => "Started",
        Role.Unpromoted => "Unpromoted",
        Role.Promoted => "Promoted",
        _ => "Unknown",
    };

    private static string Details(ResourceChange c)
    {
        var needRole = c.Role > Role.Started || c.NextRole > Role.Unpromoted;
        var sameHost = c.Origin is not null && c.Destination is not null && c.Origin == c.Destination;
        var sameRole = c.Role == c.NextRole;
        if (needRole && c.Origin is null) return $"{RoleText(c.Role)} -> {RoleText(c.NextRole)} {c.Destination}";
        if (c.Origin is null) return c.Destination ?? "";
        if (needRole && c.Destination is null) return $"{RoleText(c.Role)} {c.Origin}";
        if (c.Destination is null) return c.Origin;
        if (needRole && sameRole && sameHost) return $"{RoleText(c.Role)} {c.Origin}";
        if (sameRole && sameHost) return c.Origin;
        if (needRole && sameRole) return $"{c.Origin} -> {c.Destination} {RoleText(c.Role)}";
        if (sameRole) return $"{c.Origin} -> {c.Destination}";
        if (sameHost) return $"{RoleText(c.Role)} -> {RoleText(c.NextRole)} {c.Origin}";
        return $"{RoleText(c.Role)} {c.Origin} -> {RoleText(c.NextRole)} {c.Destination}";
    }
}
