using System.Globalization;
using System.Text.RegularExpressions;
using HaApi.Engine.Model;

namespace HaApi.Engine.Config;

/// <summary>
/// Checks a whole configuration. Every change is validated against the configuration it would produce, so the
/// stored configuration is always valid and no change can leave a dangling reference behind.
/// </summary>
public static partial class ConfigValidator
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]{0,254}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,252}$")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex ParameterNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.@:+\-]{0,127}$")]
    private static partial Regex AgentTypePattern();

    /// <summary>
    /// The names fence-agents installs (/usr/sbin/fence_ipmilan, fence_aws, ...). Validation is pure, so whether the
    /// agent is installed on every node is not checked here: the runner fails with the missing path at fence time, and
    /// a device's monitor finds it earlier.
    /// </summary>
    [GeneratedRegex(@"^fence_[a-z0-9_]+$")]
    private static partial Regex FenceAgentPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public static IReadOnlyList<ValidationError> Validate(ClusterConfig config)
    {
        var errors = new List<ValidationError>();
        var v = new Checker(config, errors);
        v.Ids();
        v.Nodes();
        foreach (var p in config.Primitives) v.Primitive(p);
        foreach (var g in config.Groups) v.Group(g);
        foreach (var c in config.Clones) v.Clone(c);
        v.Membership();
        foreach (var l in config.Locations) v.Location(l);
        foreach (var c in config.Colocations) v.Colocation(c);
        foreach (var o in config.Orders) v.Order(o);
        v.OrderCycles();
        foreach (var d in config.FenceDevices) v.FenceDevice(d);
        v.FencingLevels();
        v.Properties();
        v.Defaults("rsc_defaults", config.ResourceDefaults);
        foreach (var a in config.Alerts) v.Alert(a);
        return errors;
    }

    private sealed class Checker(ClusterConfig config, List<ValidationError> errors)
    {
        private void Error(string item, string field, string message) => errors.Add(new ValidationError(item, field, message));

        public void Ids()
        {
            foreach (var group in config.AllIds().GroupBy(x => x.Id, StringComparer.Ordinal))
            {
                if (!IsValidId(group.Key))
                    Error(group.Key, "id", "must start with a letter or '_' and contain only letters, digits, '_', '.' and '-' (at most 255)");
                var kinds = group.Select(x => x.Kind).ToList();
                if (kinds.Count > 1)
                    Error(group.Key, "id", $"is used more than once ({string.Join(", ", kinds)}); ids are unique across resources, constraints, fence devices and alerts");
            }
        }

        public void Nodes()
        {
            foreach (var n in config.Nodes)
            {
                if (!NodeNamePattern().IsMatch(n.Name)) Error(n.Name, "name", "must be a host name (letters, digits, '-', '_', '.')");
                if (n.Id == 0) Error(n.Name, "id", "must be a positive corosync node id");
                foreach (var (k, value) in n.Attributes)
                {
                    if (!ParameterNamePattern().IsMatch(k) && !k.StartsWith('#'))
                        Error(n.Name, $"attributes.{k}", "is not a valid attribute name");
                    if (k is Node.StandbyAttribute or Node.MaintenanceAttribute && !Attributes.IsBoolean(value))
                        Error(n.Name, $"attributes.{k}", "must be true or false");
                }
            }
            foreach (var dup in config.Nodes.GroupBy(n => n.Name).Where(g => g.Count() > 1))
                Error(dup.Key, "name", "is configured more than once");
            foreach (var dup in config.Nodes.GroupBy(n => n.Id).Where(g => g.Count() > 1))
                Error(dup.First().Name, "id", $"node id {dup.Key} is used by {string.Join(", ", dup.Select(n => n.Name))}");
        }

        public void Primitive(Primitive p)
        {
            if (p.Class == ResourceClass.Ocf && string.IsNullOrEmpty(p.Provider))
                Error(p.Id, "provider", "is required for class ocf (e.g. heartbeat or pacemaker)");
            if (p.Class != ResourceClass.Ocf && p.Provider is not null)
                Error(p.Id, "provider", $"only class ocf has a provider; class {p.Class.ToWire()} does not");
            if (p.Provider is not null && !ParameterNamePattern().IsMatch(p.Provider))
                Error(p.Id, "provider", "must contain only letters, digits, '_', '.' and '-'");
            if (!AgentTypePattern().IsMatch(p.Type))
                Error(p.Id, "type", "must name an agent (letters, digits, '_', '.', '@', ':', '+', '-')");
            if (p.Class == ResourceClass.Haapi && p.Type is not ("Dummy" or "Process"))
                Error(p.Id, "type", "built-in agents are haapi:Dummy and haapi:Process");
            Parameters(p.Id, "params", p.Parameters);
            Meta(p.Id, "meta", p.Meta);
            for (var i = 0; i < p.Operations.Length; i++)
            {
                var op = p.Operations[i];
                if (!ParameterNamePattern().IsMatch(op.Name)) Error(p.Id, $"operations[{i}].name", "must name an action such as monitor, start or stop");
                if (op.Interval < TimeSpan.Zero) Error(p.Id, $"operations[{i}].interval", "must not be negative");
                if (op.Timeout is { } t && t <= TimeSpan.Zero) Error(p.Id, $"operations[{i}].timeout", "must be greater than zero");
                if (op.Interval > TimeSpan.Zero && op.Name is "start" or "stop" or "promote" or "demote")
                    Error(p.Id, $"operations[{i}].interval", $"only monitor may recur; {op.Name} must have interval 0");
            }
            foreach (var dup in p.Operations.GroupBy(o => (o.Name, o.Interval, o.Role)).Where(g => g.Count() > 1))
                Error(p.Id, "operations", $"{dup.Key.Name} with interval {Duration.Format(dup.Key.Interval)} is defined more than once");
        }

        private void Parameters(string item, string field, IReadOnlyDictionary<string, string> parameters)
        {
            foreach (var (k, value) in parameters)
            {
                if (!ParameterNamePattern().IsMatch(k)) Error(item, $"{field}.{k}", "is not a valid parameter name (letters, digits, '_', '.', '-')");
                if (value == SecretParameters.Mask && SecretParameters.IsSecret(k))
                    Error(item, $"{field}.{k}", $"'{SecretParameters.Mask}' is how secrets are shown; send the real value");
            }
        }

        private void Meta(string item, string field, IReadOnlyDictionary<string, string> meta)
        {
            foreach (var (k, value) in meta)
            {
                var reason = k switch
                {
                    MetaNames.TargetRole => RoleNames.TryParse(value, out var r) && r != Role.Unknown ? null : "must be Started, Stopped, Promoted or Unpromoted",
                    MetaNames.IsManaged or MetaNames.Interleave or MetaNames.Promotable or MetaNames.GloballyUnique
                        or MetaNames.Ordered or MetaNames.Notify or MetaNames.Maintenance or MetaNames.AllowMigrate => Attributes.IsBoolean(value) ? null : "must be true or false",
                    MetaNames.ResourceStickiness or MetaNames.MigrationThreshold => Score.TryParse(value, out _) ? null : "must be an integer or INFINITY",
                    MetaNames.FailureTimeout => Duration.TryParse(value, out _) ? null : "must be a duration such as 60s or 10min",
                    MetaNames.Priority => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "must be an integer",
                    MetaNames.CloneMax or MetaNames.CloneNodeMax or MetaNames.PromotedMax or MetaNames.PromotedNodeMax or "master-max" or "master-node-max" =>
                        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "must be a non-negative integer",
                    MetaNames.MultipleActive => value is "block" or "stop_only" or "stop_start" or "stop_unexpected" ? null : "must be block, stop_only, stop_start or stop_unexpected",
                    _ => ParameterNamePattern().IsMatch(k) ? null : "is not a valid meta attribute name",
                };
                if (reason is not null) Error(item, $"{field}.{k}", reason);
            }
        }

        public void Group(Model.Group g)
        {
            if (g.Members.IsDefaultOrEmpty) Error(g.Id, "members", "a group needs at least one member");
            Meta(g.Id, "meta", g.Meta);
            for (var i = 0; i < g.Members.Length; i++)
            {
                var m = g.Members[i];
                if (config.FindPrimitive(m) is not null) continue;
                Error(g.Id, $"members[{i}]", config.FindGroup(m) is not null ? $"'{m}' is a group; groups cannot be nested"
                    : config.FindClone(m) is not null ? $"'{m}' is a clone; a clone cannot be a group member (clone the group instead)"
                    : $"no primitive '{m}' exists");
            }
            foreach (var dup in g.Members.GroupBy(m => m).Where(x => x.Count() > 1))
                Error(g.Id, "members", $"'{dup.Key}' is listed more than once");
        }

        public void Clone(Model.Clone c)
        {
            Meta(c.Id, "meta", c.Meta);
            if (config.FindPrimitive(c.Child) is null && config.FindGroup(c.Child) is null)
                Error(c.Id, "child", config.FindClone(c.Child) is not null ? $"'{c.Child}' is a clone; clones cannot be nested" : $"no primitive or group '{c.Child}' exists");
        }

        /// <summary>A resource belongs to at most one group or clone.</summary>
        public void Membership()
        {
            var owners = config.Groups.SelectMany(g => g.Members.Select(m => (Child: m, Owner: g.Id)))
                .Concat(config.Clones.Select(c => (Child: c.Child, Owner: c.Id)));
            foreach (var dup in owners.GroupBy(o => o.Child).Where(g => g.Count() > 1))
                Error(dup.Key, "parent", $"is contained in more than one group or clone: {string.Join(", ", dup.Select(d => d.Owner))}");
            foreach (var c in config.Clones.Where(c => config.FindGroup(c.Child) is not null))
                foreach (var m in config.FindGroup(c.Child)!.Members)
                    if (config.Clones.Any(o => o.Child == m))
                        Error(m, "parent", $"is cloned itself and also a member of cloned group {c.Child}");
        }

        private void ResourceRef(string item, string field, string id)
        {
            if (!config.IsResource(id)) Error(item, field, $"no resource '{id}' exists");
        }

        public void Location(LocationConstraint l)
        {
            ResourceRef(l.Id, "resource", l.Resource);
            var hasNode = l.Node is not null;
            var hasRules = !l.Rules.IsDefaultOrEmpty;
            if (hasNode == hasRules) Error(l.Id, hasNode ? "rules" : "node", "give either node with score, or rules, not both and not neither");
            if (hasNode)
            {
                if (config.FindNode(l.Node!) is null) Error(l.Id, "node", $"no node '{l.Node}' is configured");
                if (l.Score is null) Error(l.Id, "score", "is required with node (an integer, INFINITY or -INFINITY)");
            }
            if (!hasRules) return;
            for (var i = 0; i < l.Rules.Length; i++)
            {
                var rule = l.Rules[i];
                if (rule.Expressions.IsDefaultOrEmpty) Error(l.Id, $"rules[{i}].expressions", "a rule needs at least one expression");
                for (var j = 0; j < rule.Expressions.Length; j++)
                {
                    var e = rule.Expressions[j];
                    var f = $"rules[{i}].expressions[{j}]";
                    if (string.IsNullOrWhiteSpace(e.Attribute)) Error(l.Id, $"{f}.attribute", "is required");
                    var needsValue = e.Operation is not (ExpressionOperation.Defined or ExpressionOperation.NotDefined);
                    if (needsValue && e.Value is null) Error(l.Id, $"{f}.value", $"is required for operation {e.Operation}");
                    if (!needsValue && e.Value is not null) Error(l.Id, $"{f}.value", $"must be empty for operation {e.Operation}");
                    if (e.Value is not null && e.Type is ExpressionType.Integer && !long.TryParse(e.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                        Error(l.Id, $"{f}.value", "must be an integer for type integer");
                    if (e.Value is not null && e.Type is ExpressionType.Number && !double.TryParse(e.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        Error(l.Id, $"{f}.value", "must be a number for type number");
                }
            }
        }

        public void Colocation(ColocationConstraint c)
        {
            ResourceRef(c.Id, "resource", c.Resource);
            ResourceRef(c.Id, "withResource", c.WithResource);
            if (c.Resource == c.WithResource) Error(c.Id, "withResource", "a resource cannot be colocated with itself");
        }

        public void Order(OrderConstraint o)
        {
            ResourceRef(o.Id, "first", o.First);
            ResourceRef(o.Id, "then", o.Then);
            if (o.First == o.Then) Error(o.Id, "then", "a resource cannot be ordered after itself");
        }

        /// <summary>Mandatory orders that form a cycle can never all be satisfied: nothing in the cycle would start.</summary>
        public void OrderCycles()
        {
            var edges = config.Orders.Where(o => o.Kind == OrderKind.Mandatory)
                .GroupBy(o => o.First).ToDictionary(g => g.Key, g => g.ToList());
            var state = new Dictionary<string, int>();
            var path = new Stack<OrderConstraint>();
            foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
                if (Visit(start)) return;

            bool Visit(string node)
            {
                state[node] = 1;
                foreach (var edge in edges.GetValueOrDefault(node) ?? [])
                {
                    path.Push(edge);
                    var s = state.GetValueOrDefault(edge.Then);
                    if (s == 1)
                    {
                        var cycle = path.Reverse().SkipWhile(e => e.First != edge.Then).Select(e => e.Id);
                        Error(edge.Id, "then", $"mandatory order constraints form a cycle: {string.Join(" -> ", cycle)}");
                        return true;
                    }
                    if (s == 0 && Visit(edge.Then)) return true;
                    path.Pop();
                }
                state[node] = 2;
                return false;
            }
        }

        public void FenceDevice(FenceDevice d)
        {
            if (!d.IsBuiltIn && !FenceAgentPattern().IsMatch(d.Agent))
                Error(d.Id, "agent", $"unknown fence agent '{d.Agent}': give a fence agent's file name (fence_ then lower-case letters, digits"
                                     + " or '_', e.g. fence_ipmilan) or a built-in device: haapi:ec2, haapi:script");
            if (d.IsBuiltIn && d.Agent is not (Model.FenceDevice.Ec2Agent or Model.FenceDevice.ScriptAgent))
                Error(d.Id, "agent", $"unknown built-in fence device '{d.Agent}'; use haapi:ec2 or haapi:script");
            Parameters(d.Id, "params", d.Parameters);
            foreach (var k in d.Parameters.Keys.Where(k => k.StartsWith("pcmk_", StringComparison.Ordinal)))
                Error(d.Id, $"params.{k}", "pcmk_* settings are fields of the device (hostMap, hostList, delayBase, ...), not agent parameters");
            // Unknown nodes are refused even while no node is registered yet. Accepting them only while the node list
            // is empty looks friendlier at bootstrap, but every change is validated against the whole configuration it
            // produces: the first node registration would then be refused because the device names the nodes not
            // registered yet, and registration would never get through. Nodes are registered from corosync's nodelist
            // as soon as the cluster is quorate, so a client only has to wait for them (or PUT the node itself).
            foreach (var node in d.HostMap.Keys.Where(n => config.FindNode(n) is null))
                Error(d.Id, $"hostMap.{node}", UnknownNode(node));
            foreach (var node in d.HostList.Where(n => config.FindNode(n) is null))
                Error(d.Id, "hostList", UnknownNode(node));
            if (d.Retries is < 0 or > 10) Error(d.Id, "retries", "must be between 0 and 10");
            if (d.DelayBase < TimeSpan.Zero) Error(d.Id, "delayBase", "must not be negative");
            if (d.DelayMax < TimeSpan.Zero) Error(d.Id, "delayMax", "must not be negative");
            if (d.Timeout is { } t && t <= TimeSpan.Zero) Error(d.Id, "timeout", "must be greater than zero");
            if (d.Agent == Model.FenceDevice.ScriptAgent && string.IsNullOrWhiteSpace(d.Parameters.Get("script")))
                Error(d.Id, "params.script", "is required: the path of the forced-stop script");
        }

        private string UnknownNode(string node) =>
            $"no node '{node}' is configured" + (config.Nodes.IsDefaultOrEmpty
                ? " (no node is registered yet: nodes register when the cluster is quorate; retry then, or add the node first)"
                : $" (nodes: {string.Join(", ", config.Nodes.Select(n => n.Name))})");

        public void FencingLevels()
        {
            foreach (var l in config.FencingLevels)
            {
                if (config.FindNode(l.Target) is null) Error(l.Id, "target", UnknownNode(l.Target));
                if (l.Index is < 1 or > 9) Error(l.Id, "index", "must be between 1 and 9");
                if (l.Devices.IsDefaultOrEmpty) Error(l.Id, "devices", "a level needs at least one device");
                for (var i = 0; i < l.Devices.Length; i++)
                    if (config.FindFenceDevice(l.Devices[i]) is null) Error(l.Id, $"devices[{i}]", $"no fence device '{l.Devices[i]}' exists");
            }
            foreach (var dup in config.FencingLevels.GroupBy(l => (l.Target, l.Index)).Where(g => g.Count() > 1))
                Error(dup.First().Id, "index", $"level {dup.Key.Index} for {dup.Key.Target} is defined more than once");
        }

        public void Properties()
        {
            foreach (var (k, value) in config.Properties.Values)
            {
                if (!ClusterProperties.Known.TryGetValue(k, out var def))
                {
                    var hint = ClusterProperties.Known.Keys.FirstOrDefault(n => Near(n, k));
                    Error("properties", k, hint is null ? "is not a cluster property HaApi knows" : $"is not a cluster property HaApi knows; did you mean {hint}?");
                    continue;
                }
                if (def.Type.Check(value) is { } reason) Error("properties", k, reason);
            }
        }

        public void Defaults(string item, IReadOnlyDictionary<string, string> values) => Meta(item, "meta", values);

        public void Alert(Alert a)
        {
            if (a.Agent != Model.Alert.SnmpAgent && !a.Agent.StartsWith('/'))
                Error(a.Id, "agent", $"must be an absolute path to an alert agent, or {Model.Alert.SnmpAgent} for the built-in SNMP sender");
            if (a.Timeout <= TimeSpan.Zero || a.Timeout > TimeSpan.FromMinutes(10)) Error(a.Id, "timeout", "must be between 1ms and 10min");
            Parameters(a.Id, "params", a.Parameters);
            for (var i = 0; i < a.Recipients.Length; i++)
            {
                var r = a.Recipients[i];
                if (!IsValidId(r.Id)) Error(a.Id, $"recipients[{i}].id", "is not a valid id");
                if (string.IsNullOrWhiteSpace(r.Value)) Error(a.Id, $"recipients[{i}].value", "is required");
                Parameters(a.Id, $"recipients[{i}].params", r.Parameters);
            }
            foreach (var dup in a.Recipients.GroupBy(r => r.Id).Where(g => g.Count() > 1))
                Error(a.Id, "recipients", $"recipient id '{dup.Key}' is used more than once");
            if (a.Agent == Model.Alert.SnmpAgent && a.Recipients.IsDefaultOrEmpty)
                Error(a.Id, "recipients", "the SNMP sender needs at least one trap receiver (host or host:port)");
        }

        private static bool Near(string a, string b) =>
            a.Replace('_', '-').Equals(b.Replace('_', '-'), StringComparison.OrdinalIgnoreCase) ||
            (Math.Abs(a.Length - b.Length) <= 2 && a.Zip(b).Count(p => p.First != p.Second) <= 2);
    }
}
