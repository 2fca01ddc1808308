using System.Collections.Immutable;
using System.Globalization;

namespace HaApi.Engine.Model;

public enum NoQuorumPolicy
{
    Stop,
    Freeze,
    Ignore,
    Demote,
    Suicide,
}

/// <summary>
/// Cluster options (crm_config). Stored as Pacemaker names and values so that a CIB round-trips; typed accessors
/// apply Pacemaker 2.1.5 defaults.
/// </summary>
public sealed record ClusterProperties(ImmutableSortedDictionary<string, string> Values)
{
    public static readonly ClusterProperties Default = new(Attributes.Empty);

    /// <summary>Every property HaApi understands, with its Pacemaker default and how to check a value.</summary>
    public static readonly IReadOnlyDictionary<string, PropertyDefinition> Known = new Dictionary<string, PropertyDefinition>(StringComparer.Ordinal)
    {
        ["stonith-enabled"] = new("true", PropertyType.Boolean, "Fence nodes that leave uncleanly before recovering their resources"),
        ["stonith-action"] = new("reboot", PropertyType.Enum("reboot", "off", "poweroff"), "Action sent to fence devices"),
        ["stonith-timeout"] = new("60s", PropertyType.Duration, "How long to wait for a fencing action"),
        ["stonith-max-attempts"] = new("10", PropertyType.Integer, "Fencing attempts per target before giving up"),
        ["concurrent-fencing"] = new("false", PropertyType.Boolean, "Allow fencing several nodes at once"),
        ["no-quorum-policy"] = new("stop", PropertyType.Enum("stop", "freeze", "ignore", "demote", "suicide"), "What a partition without quorum does"),
        ["symmetric-cluster"] = new("true", PropertyType.Boolean, "Resources may run anywhere unless constrained (false: opt-in)"),
        ["maintenance-mode"] = new("false", PropertyType.Boolean, "Monitor nothing, start and stop nothing"),
        ["default-resource-stickiness"] = new("0", PropertyType.Score, "Stickiness for resources that set none (prefer rsc-defaults)"),
        ["cluster-recheck-interval"] = new("15min", PropertyType.Duration, "Re-run the scheduler at least this often (time-based rules, failure-timeout)"),
        ["start-failure-is-fatal"] = new("true", PropertyType.Boolean, "A failed start sets the fail count to INFINITY"),
        ["stop-orphan-resources"] = new("true", PropertyType.Boolean, "Stop resources that are no longer configured"),
        ["stop-orphan-actions"] = new("true", PropertyType.Boolean, "Cancel recurring operations that are no longer configured"),
        ["stop-all-resources"] = new("false", PropertyType.Boolean, "Stop every resource"),
        ["placement-strategy"] = new("default", PropertyType.Enum("default", "utilization", "minimal", "balanced"), "How nodes are chosen"),
        ["shutdown-escalation"] = new("20min", PropertyType.Duration, "How long a node may take to shut down"),
        ["dc-deadtime"] = new("20s", PropertyType.Duration, "How long to wait for peers at start-up"),
        ["batch-limit"] = new("0", PropertyType.Integer, "Actions the DC runs in parallel (0: automatic)"),
        ["cluster-name"] = new("haapi", PropertyType.Text, "Name shown in status and sent in alerts"),
        ["priority-fencing-delay"] = new("0", PropertyType.Duration, "Delay fencing of the node running the highest-priority resources"),
        ["node-health-strategy"] = new("none", PropertyType.Enum("none", "migrate-on-red", "only-green", "progressive", "custom"), "How #health attributes affect placement"),
        ["enable-startup-probes"] = new("true", PropertyType.Boolean, "Probe resources when a node joins"),
        ["have-watchdog"] = new("false", PropertyType.Boolean, "Set by the cluster: whether a watchdog is in use"),
        ["dc-version"] = new("", PropertyType.Text, "Set by the cluster: the DC's software version"),
        ["cluster-infrastructure"] = new("corosync", PropertyType.Text, "Set by the cluster"),
        ["last-lrm-refresh"] = new("0", PropertyType.Text, "Set by the cluster"),
    };

    public string Get(string name) =>
        Values.TryGetValue(name, out var v) ? v : Known.TryGetValue(name, out var d) ? d.Default : "";

    public bool StonithEnabled => Attributes.IsTrue(Get("stonith-enabled"));
    public bool SymmetricCluster => Attributes.IsTrue(Get("symmetric-cluster"));
    public bool MaintenanceMode => Attributes.IsTrue(Get("maintenance-mode"));
    public bool StartFailureIsFatal => Attributes.IsTrue(Get("start-failure-is-fatal"));
    public bool StopAllResources => Attributes.IsTrue(Get("stop-all-resources"));
    public bool StopOrphanResources => Attributes.IsTrue(Get("stop-orphan-resources"));
    public TimeSpan StonithTimeout => Duration.TryParse(Get("stonith-timeout"), out var t) ? t : TimeSpan.FromSeconds(60);
    public TimeSpan ShutdownEscalation => Duration.TryParse(Get("shutdown-escalation"), out var t) ? t : TimeSpan.FromMinutes(20);
    public TimeSpan ClusterRecheckInterval => Duration.TryParse(Get("cluster-recheck-interval"), out var t) ? t : TimeSpan.FromMinutes(15);
    public Score DefaultResourceStickiness => Score.TryParse(Get("default-resource-stickiness"), out var s) ? s : Score.Zero;
    public string StonithAction => Get("stonith-action") == "poweroff" ? "off" : Get("stonith-action");
    public string ClusterName => Get("cluster-name");

    public NoQuorumPolicy NoQuorumPolicy => Get("no-quorum-policy").ToLowerInvariant() switch
    {
        "freeze" => NoQuorumPolicy.Freeze,
        "ignore" => NoQuorumPolicy.Ignore,
        "demote" => NoQuorumPolicy.Demote,
        "suicide" => NoQuorumPolicy.Suicide,
        _ => NoQuorumPolicy.Stop,
    };
}

public sealed record PropertyDefinition(string Default, PropertyType Type, string Description);

/// <summary>The value syntax of a property; Check returns null when the value is acceptable, else the reason.</summary>
public sealed record PropertyType(string Name, Func<string, string?> Check)
{
    public static readonly PropertyType Boolean = new("boolean", v => Attributes.IsBoolean(v) ? null : "must be true or false");
    public static readonly PropertyType Integer = new("integer", v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "must be an integer");
    public static readonly PropertyType Duration = new("duration", v => Model.Duration.TryParse(v, out _) ? null : "must be a duration such as 30s, 5min or PT1M");
    public static readonly PropertyType Score = new("score", v => Model.Score.TryParse(v, out _) ? null : "must be an integer, INFINITY or -INFINITY");
    public static readonly PropertyType Text = new("string", _ => null);

    public static PropertyType Enum(params string[] allowed) =>
        new("enum", v => allowed.Contains(v.Trim().ToLowerInvariant()) ? null : $"must be one of: {string.Join(", ", allowed)}");
}
