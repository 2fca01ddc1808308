namespace HaApi.Integrations.Agents;

/// <summary>The exit reason an OCF agent prints on stderr as "ocf-exit-reason:TEXT" (ocf_exit_reason in ocf-shellfuncs).</summary>
internal static class ExitReason
{
    public const string Prefix = "ocf-exit-reason:";

    /// <summary>Bound on the reason's length: it ends up in status output, events and traps.</summary>
    public const int MaxLength = 512;

    /// <summary>Like Pacemaker, the LAST occurrence of the prefix wins and the reason runs to the end of that line.</summary>
    public static string? Parse(string? stderr)
    {
        if (string.IsNullOrEmpty(stderr)) return null;
        var at = stderr.LastIndexOf(Prefix, StringComparison.Ordinal);
        if (at < 0) return null;
        var start = at + Prefix.Length;
        var end = stderr.IndexOf('\n', start);
        var reason = (end < 0 ? stderr[start..] : stderr[start..end]).Trim();
        if (reason.Length == 0) return null;
        return reason.Length <= MaxLength ? reason : reason[..MaxLength];
    }
}
