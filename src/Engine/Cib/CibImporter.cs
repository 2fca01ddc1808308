using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using HaApi.Engine.Model;

namespace HaApi.Engine.Cib;

/// <summary>
/// Reads what <c>cibadmin --query</c> prints (a whole CIB: configuration and status) into HaApi's model.
/// Everything HaApi cannot represent is reported with its element, id and line; the import either succeeds
/// completely or throws <see cref="CibImportException"/> listing every problem.
/// </summary>
public static class CibImporter
{
    public static CibDocument Import(string xml)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new CibImportException([new CibProblem("cib", null, e.LineNumber, $"malformed XML: {e.Message}")]);
        }
        var reader = new Reader();
        var result = reader.Read(doc);
        if (reader.Problems.Count > 0) throw new CibImportException([.. reader.Problems]);
        return result!;
    }

    private sealed class Reader
    {
        public List<CibProblem> Problems { get; } = [];

        private void Problem(XElement e, string message) =>
            Problems.Add(new CibProblem(e.Name.LocalName, (string?)e.Attribute("id"), ((IXmlLineInfo)e).LineNumber, message));

        private void Unsupported(XElement e, string what) =>
            Problem(e, $"{what} is not supported by HaApi");

        public CibDocument? Read(XDocument doc)
        {
            var cib = doc.Root!;
            if (cib.Name.LocalName != "cib")
            {
                Problem(cib, "the root element must be <cib>");
                return null;
            }
            var configuration = cib.Element("configuration");
            if (configuration is null)
            {
                Problem(cib, "missing <configuration>");
                return null;
            }

            var version = new ConfigVersion(Long(cib, "admin_epoch"), Long(cib, "epoch"), Long(cib, "num_updates"));
            var properties = ReadNameValueSets(configuration.Element("crm_config"), "cluster_property_set");
            var nodes = ReadNodes(configuration.Element("nodes"));
            var topLevel = new List<string>();
            var primitives = new List<Primitive>();
            var groups = new List<Group>();
            var clones = new List<Clone>();
            if (configuration.Element("resources") is { } resources)
                foreach (var e in resources.Elements())
                    if (ReadResource(e, primitives, groups, clones, allowGroup: true, allowClone: true) is { } top) topLevel.Add(top);
            var resourceDefaults = ReadNameValueSets(configuration.Element("rsc_defaults"), "meta_attributes");
            var opDefaults = ReadNameValueSets(configuration.Element("op_defaults"), "meta_attributes");

            var locations = new List<LocationConstraint>();
            var colocations = new List<ColocationConstraint>();
            var orders = new List<OrderConstraint>();
            if (configuration.Element("constraints") is { } constraints) ReadConstraints(constraints, locations, colocations, orders);
            var levels = ReadFencingTopology(configuration.Element("fencing-topology"));

            foreach (var other in configuration.Elements())
            {
                switch (other.Name.LocalName)
                {
                    case "crm_config" or "nodes" or "resources" or "constraints" or "rsc_defaults" or "op_defaults"
                        or "fencing-topology" or "acls" or "alerts":
                        break;
                    case "tags":
                        if (other.HasElements) Unsupported(other, "tags");
                        break;
                    default:
                        Unsupported(other, $"configuration section <{other.Name.LocalName}>");
                        break;
                }
            }

            var config = new ClusterConfig(version, [.. nodes], [.. primitives], [.. groups], [.. clones], [.. locations],
                [.. colocations], [.. orders], [], [.. levels], new ClusterProperties(properties), resourceDefaults, opDefaults, [])
            {
                ResourceOrder = [.. topLevel],
            };
            CheckReferences(config, configuration);

            var status = ReadStatus(cib.Element("status"));
            var quorum = Attributes.IsTrue((string?)cib.Attribute("have-quorum"));
            DateTimeOffset? executionDate = null;
            if ((string?)cib.Attribute("execution-date") is { } ed)
            {
                if (long.TryParse(ed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var secs))
                    executionDate = DateTimeOffset.FromUnixTimeSeconds(secs);
                else Problem(cib, $"execution-date '{ed}' is not a number of seconds since the epoch");
            }
            return new CibDocument(config, status, quorum, executionDate, (string?)cib.Attribute("dc-uuid"));
        }

        private long Long(XElement e, string name)
        {
            var v = (string?)e.Attribute(name);
            if (v is null) return 0;
            if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            Problem(e, $"{name}='{v}' is not an integer");
            return 0;
        }

        private string? Required(XElement e, string name)
        {
            var v = (string?)e.Attribute(name);
            if (string.IsNullOrEmpty(v)) Problem(e, $"missing required attribute '{name}'");
            return v;
        }

        /// <summary>Merges every set of name/value pairs under a section; the first value of a name wins, as in Pacemaker.</summary>
        private ImmutableSortedDictionary<string, string> ReadNameValueSets(XElement? section, string setName)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (section is null) return Attributes.Empty;
            foreach (var set in section.Elements())
            {
                if (set.Name.LocalName != setName)
                {
                    Unsupported(set, $"<{set.Name.LocalName}> in <{section.Name.LocalName}>");
                    continue;
                }
                ReadPairs(set, values);
            }
            return Attributes.From(values);
        }

        private void ReadPairs(XElement set, Dictionary<string, string> into)
        {
            if (set.Attribute("id-ref") is not null) Unsupported(set, "id-ref");
            foreach (var child in set.Elements())
            {
                switch (child.Name.LocalName)
                {
                    case "nvpair":
                        var name = Required(child, "name");
                        if (child.Attribute("id-ref") is not null) Unsupported(child, "id-ref");
                        if (name is not null) into.TryAdd(name, (string?)child.Attribute("value") ?? "");
                        break;
                    case "rule":
                        Unsupported(child, "a rule inside an attribute set");
                        break;
                    default:
                        Unsupported(child, $"<{child.Name.LocalName}> in an attribute set");
                        break;
                }
            }
        }

        private ImmutableSortedDictionary<string, string> ReadSets(XElement parent, string setName)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var set in parent.Elements(setName)) ReadPairs(set, values);
            return Attributes.From(values);
        }

        private List<Node> ReadNodes(XElement? section)
        {
            var nodes = new List<Node>();
            if (section is null) return nodes;
            foreach (var e in section.Elements())
            {
                if (e.Name.LocalName != "node")
                {
                    Unsupported(e, $"<{e.Name.LocalName}> in <nodes>");
                    continue;
                }
                var id = Required(e, "id");
                var uname = (string?)e.Attribute("uname") ?? id;
                var type = (string?)e.Attribute("type") ?? "member";
                if (type is not ("member" or "normal")) Unsupported(e, $"node type '{type}'");
                if (id is null || uname is null) continue;
                foreach (var child in e.Elements())
                    if (child.Name.LocalName is not ("instance_attributes" or "utilization"))
                        Unsupported(child, $"<{child.Name.LocalName}> in a node");
                    else if (child.Name.LocalName == "utilization" && child.HasElements)
                        Unsupported(child, "node utilization");
                var numeric = uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (uint)(nodes.Count + 1);
                nodes.Add(new Node(uname, numeric, [], ReadSets(e, "instance_attributes")));
            }
            return nodes;
        }

        private string? ReadResource(XElement e, List<Primitive> primitives, List<Group> groups, List<Clone> clones, bool allowGroup, bool allowClone)
        {
            switch (e.Name.LocalName)
            {
                case "primitive":
                    return ReadPrimitive(e, primitives);
                case "group" when allowGroup:
                {
                    var id = Required(e, "id");
                    var members = new List<string>();
                    foreach (var child in e.Elements())
                    {
                        if (child.Name.LocalName is "meta_attributes" or "instance_attributes") continue;
                        if (child.Name.LocalName != "primitive")
                        {
                            Unsupported(child, $"<{child.Name.LocalName}> inside a group");
                            continue;
                        }
                        if (ReadPrimitive(child, primitives) is { } m) members.Add(m);
                    }
                    if (members.Count == 0) Problem(e, "a group needs at least one primitive");
                    if (id is null) return null;
                    groups.Add(new Group(id, [.. members], ReadSets(e, "meta_attributes"), (string?)e.Attribute("description")));
                    return id;
                }
                case "clone" or "master" when allowClone:
                {
                    var id = Required(e, "id");
                    string? child = null;
                    foreach (var c in e.Elements())
                    {
                        if (c.Name.LocalName is "meta_attributes" or "instance_attributes") continue;
                        if (child is not null)
                        {
                            Problem(c, "a clone holds exactly one primitive or group");
                            continue;
                        }
                        child = ReadResource(c, primitives, groups, clones, allowGroup: true, allowClone: false) ?? "";
                    }
                    if (child is null) Problem(e, "a clone needs a primitive or group inside");
                    if (id is null || string.IsNullOrEmpty(child)) return null;
                    var meta = ReadSets(e, "meta_attributes");
                    // Legacy <master> is a promotable clone; the model keeps one spelling.
                    if (e.Name.LocalName == "master") meta = meta.SetItem(MetaNames.Promotable, "true");
                    foreach (var (legacy, current) in new[] { ("master-max", MetaNames.PromotedMax), ("master-node-max", MetaNames.PromotedNodeMax) })
                        if (meta.TryGetValue(legacy, out var v) && !meta.ContainsKey(current)) meta = meta.SetItem(current, v);
                    clones.Add(new Clone(id, child, meta, (string?)e.Attribute("description")));
                    return id;
                }
                case "bundle":
                    Unsupported(e, "bundles");
                    return null;
                case "template":
                    Unsupported(e, "resource templates");
                    return null;
                default:
                    Unsupported(e, $"<{e.Name.LocalName}> here");
                    return null;
            }
        }

        private string? ReadPrimitive(XElement e, List<Primitive> primitives)
        {
            var id = Required(e, "id");
            if (e.Attribute("template") is not null)
            {
                Unsupported(e, "resource templates");
                return null;
            }
            var classText = Required(e, "class");
            var type = Required(e, "type");
            if (id is null || classText is null || type is null) return null;
            if (!ResourceClassNames.TryParse(classText, out var cls))
            {
                Problem(e, $"resource class '{classText}' is not supported (use ocf, systemd, lsb, stonith or haapi)");
                return null;
            }
            var ops = new List<Operation>();
            foreach (var child in e.Elements())
            {
                switch (child.Name.LocalName)
                {
                    case "instance_attributes" or "meta_attributes" or "utilization":
                        if (child.Name.LocalName == "utilization" && child.HasElements) Unsupported(child, "resource utilization");
                        break;
                    case "operations":
                        foreach (var op in child.Elements())
                        {
                            if (op.Name.LocalName != "op")
                            {
                                Unsupported(op, $"<{op.Name.LocalName}> in operations");
                                continue;
                            }
                            if (ReadOperation(op) is { } o) ops.Add(o);
                        }
                        break;
                    default:
                        Unsupported(child, $"<{child.Name.LocalName}> in a primitive");
                        break;
                }
            }
            // Through the status's pool: a history then names its resource and agent with the very strings the
            // definition holds, and the scheduler, which matches every history to its definition, compares references.
            primitives.Add(new Primitive(statusStrings.Get(id), cls, Pooled(e, "provider"), statusStrings.Get(type), ReadSets(e, "instance_attributes"),
                ReadSets(e, "meta_attributes"), [.. ops], (string?)e.Attribute("description")));
            return id;
        }

        private Operation? ReadOperation(XElement op)
        {
            var name = Required(op, "name");
            var intervalText = (string?)op.Attribute("interval") ?? "0";
            if (name is null) return null;
            if (!Duration.TryParse(intervalText, out var interval))
            {
                Problem(op, $"interval '{intervalText}' is not a duration");
                return null;
            }
            TimeSpan? timeout = null;
            if ((string?)op.Attribute("timeout") is { } t)
            {
                if (Duration.TryParse(t, out var tv)) timeout = tv;
                else Problem(op, $"timeout '{t}' is not a duration");
            }
            OnFail? onFail = null;
            if ((string?)op.Attribute("on-fail") is { } of)
            {
                if (Operation.TryParseOnFail(of, out var v)) onFail = v;
                else Problem(op, $"on-fail '{of}' is not supported");
            }
            Role? role = null;
            if ((string?)op.Attribute("role") is { } r)
            {
                if (RoleNames.TryParse(r, out var rv)) role = rv;
                else Problem(op, $"role '{r}' is not a role");
            }
            var enabled = (string?)op.Attribute("enabled") is not { } en || Attributes.IsTrue(en);
            foreach (var child in op.Elements())
            {
                if (child.Name.LocalName is "meta_attributes" or "instance_attributes")
                {
                    // Operation parameters only feed the agent (and Pacemaker's parameter digest); placement never uses them.
                    foreach (var pair in child.Elements())
                        if (pair.Name.LocalName != "nvpair") Unsupported(pair, $"<{pair.Name.LocalName}> in operation attributes");
                }
                else Unsupported(child, $"<{child.Name.LocalName}> in an operation");
            }
            return new Operation(name, interval, timeout, onFail, role, enabled);
        }

        private Score ReadScore(XElement e, string attribute, Score fallback)
        {
            var text = (string?)e.Attribute(attribute);
            if (text is null) return fallback;
            if (Score.TryParse(text, out var s)) return s;
            Problem(e, $"{attribute}='{text}' is not a score (use an integer, INFINITY or -INFINITY)");
            return fallback;
        }

        private Role? ReadRole(XElement e, string attribute)
        {
            var text = (string?)e.Attribute(attribute);
            if (text is null) return null;
            if (RoleNames.TryParse(text, out var r)) return r == Role.Unknown ? null : r;
            Problem(e, $"{attribute}='{text}' is not a role");
            return null;
        }

        private void ReadConstraints(XElement section, List<LocationConstraint> locations, List<ColocationConstraint> colocations, List<OrderConstraint> orders)
        {
            foreach (var e in section.Elements())
            {
                if (e.Element("resource_set") is not null)
                {
                    Unsupported(e, "resource sets");
                    continue;
                }
                var id = Required(e, "id");
                switch (e.Name.LocalName)
                {
                    case "rsc_location":
                    {
                        if (e.Attribute("rsc-pattern") is not null) { Unsupported(e, "rsc-pattern"); continue; }
                        if (e.Attribute("resource-discovery") is not null) { Unsupported(e, "resource-discovery"); continue; }
                        if (e.Attribute("lifetime") is not null) { Unsupported(e, "lifetime"); continue; }
                        var rsc = Required(e, "rsc");
                        var node = (string?)e.Attribute("node");
                        var rules = new List<Rule>();
                        foreach (var r in e.Elements())
                        {
                            if (r.Name.LocalName == "rule") { if (ReadRule(r) is { } rule) rules.Add(rule); }
                            else if (r.Name.LocalName != "lifetime") Unsupported(r, $"<{r.Name.LocalName}> in rsc_location");
                            else Unsupported(r, "lifetime");
                        }
                        Score? score = null;
                        if (node is not null)
                        {
                            if (e.Attribute("score") is null) Problem(e, "a location with a node needs a score");
                            score = ReadScore(e, "score", Score.Zero);
                        }
                        else if (rules.Count == 0 && e.Elements("rule").Count() == 0) Problem(e, "a location needs a node and score, or rules");
                        if (id is null || rsc is null) continue;
                        locations.Add(new LocationConstraint(id, rsc, node, score, [.. rules], ReadRole(e, "role")));
                        break;
                    }
                    case "rsc_colocation":
                    {
                        var rsc = Required(e, "rsc");
                        var with = Required(e, "with-rsc");
                        if (e.Attribute("node-attribute") is { } na && (string?)na != "#uname") { Unsupported(e, "node-attribute colocation"); continue; }
                        if (e.Attribute("rsc-instance") is not null || e.Attribute("with-rsc-instance") is not null) { Unsupported(e, "instance colocation"); continue; }
                        if (e.Attribute("score") is null) Problem(e, "missing required attribute 'score'");
                        var score = ReadScore(e, "score", Score.Zero);
                        if (id is null || rsc is null || with is null) continue;
                        colocations.Add(new ColocationConstraint(id, rsc, with, score, ReadRole(e, "rsc-role"), ReadRole(e, "with-rsc-role")));
                        break;
                    }
                    case "rsc_order":
                    {
                        var first = Required(e, "first");
                        var then = Required(e, "then");
                        if (e.Attribute("first-instance") is not null || e.Attribute("then-instance") is not null) { Unsupported(e, "instance ordering"); continue; }
                        if (e.Attribute("require-all") is not null) { Unsupported(e, "require-all"); continue; }
                        var kind = OrderKind.Mandatory;
                        if ((string?)e.Attribute("kind") is { } k)
                        {
                            switch (k.ToLowerInvariant())
                            {
                                case "mandatory": kind = OrderKind.Mandatory; break;
                                case "optional": kind = OrderKind.Optional; break;
                                case "serialize": kind = OrderKind.Serialize; break;
                                default: Problem(e, $"kind='{k}' must be Mandatory, Optional or Serialize"); break;
                            }
                        }
                        else if (e.Attribute("score") is not null)
                        {
                            // Legacy spelling: score 0 meant advisory.
                            kind = ReadScore(e, "score", Score.Infinity).Value == 0 ? OrderKind.Optional : OrderKind.Mandatory;
                        }
                        var symmetrical = (string?)e.Attribute("symmetrical") is not { } sym ? kind != OrderKind.Serialize : Attributes.IsTrue(sym);
                        var firstAction = ReadAction(e, "first-action");
                        var thenAction = ReadAction(e, "then-action", firstAction);
                        if (id is null || first is null || then is null) continue;
                        orders.Add(new OrderConstraint(id, first, then, kind, symmetrical, firstAction, thenAction));
                        break;
                    }
                    case "rsc_ticket":
                        Unsupported(e, "tickets");
                        break;
                    default:
                        Unsupported(e, $"constraint <{e.Name.LocalName}>");
                        break;
                }
            }
        }

        private ResourceAction ReadAction(XElement e, string attribute, ResourceAction fallback = ResourceAction.Start)
        {
            var text = (string?)e.Attribute(attribute);
            switch (text?.ToLowerInvariant())
            {
                case null: return fallback;
                case "start": return ResourceAction.Start;
                case "stop": return ResourceAction.Stop;
                case "promote": return ResourceAction.Promote;
                case "demote": return ResourceAction.Demote;
                default:
                    Problem(e, $"{attribute}='{text}' must be start, stop, promote or demote");
                    return fallback;
            }
        }

        private Rule? ReadRule(XElement r)
        {
            var id = Required(r, "id");
            if (r.Attribute("id-ref") is not null) { Unsupported(r, "id-ref"); return null; }
            if (r.Attribute("role") is not null) { Unsupported(r, "rule roles"); return null; }
            var scoreAttribute = (string?)r.Attribute("score-attribute");
            var score = ReadScore(r, "score", Score.Zero);
            var op = BooleanOp.And;
            if ((string?)r.Attribute("boolean-op") is { } b)
            {
                if (b.Equals("or", StringComparison.OrdinalIgnoreCase)) op = BooleanOp.Or;
                else if (!b.Equals("and", StringComparison.OrdinalIgnoreCase)) Problem(r, $"boolean-op='{b}' must be and or or");
            }
            var expressions = new List<RuleExpression>();
            foreach (var x in r.Elements())
            {
                switch (x.Name.LocalName)
                {
                    case "expression":
                        if (ReadExpression(x) is { } ex) expressions.Add(ex);
                        break;
                    case "date_expression":
                        Unsupported(x, "date expressions");
                        break;
                    case "rule":
                        Unsupported(x, "nested rules");
                        break;
                    default:
                        Unsupported(x, $"<{x.Name.LocalName}> in a rule");
                        break;
                }
            }
            return id is null ? null : new Rule(id, score, op, [.. expressions], scoreAttribute);
        }

        private RuleExpression? ReadExpression(XElement x)
        {
            var id = Required(x, "id");
            var attribute = Required(x, "attribute");
            var opText = Required(x, "operation");
            if ((string?)x.Attribute("value-source") is { } vs && vs != "literal") { Unsupported(x, $"value-source='{vs}'"); return null; }
            ExpressionOperation? op = opText?.ToLowerInvariant() switch
            {
                "lt" => ExpressionOperation.Lt,
                "gt" => ExpressionOperation.Gt,
                "lte" => ExpressionOperation.Lte,
                "gte" => ExpressionOperation.Gte,
                "eq" => ExpressionOperation.Eq,
                "ne" => ExpressionOperation.Ne,
                "defined" => ExpressionOperation.Defined,
                "not_defined" => ExpressionOperation.NotDefined,
                _ => null,
            };
            if (op is null && opText is not null) Problem(x, $"operation='{opText}' is not a comparison");
            ExpressionType? type = null;
            if ((string?)x.Attribute("type") is { } t)
            {
                type = t.ToLowerInvariant() switch
                {
                    "string" => ExpressionType.String,
                    "integer" => ExpressionType.Integer,
                    "number" => ExpressionType.Number,
                    "version" => ExpressionType.Version,
                    _ => null,
                };
                if (type is null) Problem(x, $"type='{t}' must be string, integer, number or version");
            }
            if (id is null || attribute is null || op is null) return null;
            return new RuleExpression(id, attribute, op.Value, (string?)x.Attribute("value"), type);
        }

        private List<FencingLevel> ReadFencingTopology(XElement? section)
        {
            var levels = new List<FencingLevel>();
            if (section is null) return levels;
            foreach (var e in section.Elements())
            {
                if (e.Name.LocalName != "fencing-level") { Unsupported(e, $"<{e.Name.LocalName}> in fencing-topology"); continue; }
                var target = (string?)e.Attribute("target");
                if (target is null) { Unsupported(e, "fencing levels targeted by pattern or attribute"); continue; }
                var indexText = Required(e, "index");
                var devices = Required(e, "devices");
                if (indexText is null || devices is null) continue;
                if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1)
                {
                    Problem(e, $"index='{indexText}' must be a positive integer");
                    continue;
                }
                levels.Add(new FencingLevel(target, index, [.. devices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));
            }
            return levels;
        }

        private void CheckReferences(ClusterConfig config, XElement configuration)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, kind) in config.AllIds())
            {
                if (!seen.Add(id))
                {
                    var element = configuration.Descendants().FirstOrDefault(e => (string?)e.Attribute("id") == id) ?? configuration;
                    Problem(element, $"id '{id}' is used more than once ({kind})");
                }
            }
            var constraintElements = configuration.Element("constraints")?.Elements().ToDictionary(e => (string?)e.Attribute("id") ?? "", e => e)
                                     ?? new Dictionary<string, XElement>();
            void Check(string constraintId, string reference, string role)
            {
                if (config.IsResource(reference)) return;
                if (constraintElements.TryGetValue(constraintId, out var e)) Problem(e, $"{role} '{reference}' is not a configured resource");
            }
            foreach (var c in config.Locations)
            {
                Check(c.Id, c.Resource, "rsc");
                if (c.Node is { } n && config.FindNode(n) is null && constraintElements.TryGetValue(c.Id, out var e))
                    Problem(e, $"node '{n}' is not a configured node");
            }
            foreach (var c in config.Colocations) { Check(c.Id, c.Resource, "rsc"); Check(c.Id, c.WithResource, "with-rsc"); }
            foreach (var c in config.Orders) { Check(c.Id, c.First, "first"); Check(c.Id, c.Then, "then"); }
        }

        // Every resource has a history on every node: the same few names and digests, repeated per record. Primitive
        // ids and agents are pooled here too (see ReadPrimitive).
        private readonly StringPool statusStrings = new();

        private string? Pooled(XElement e, string attribute) => statusStrings.Get((string?)e.Attribute(attribute));

        private ClusterStatus ReadStatus(XElement? section)
        {
            if (section is null) return ClusterStatus.Empty;
            var nodes = new List<NodeState>();
            foreach (var e in section.Elements())
            {
                if (e.Name.LocalName != "node_state")
                {
                    if (e.Name.LocalName == "tickets" && !e.HasElements) continue;
                    Unsupported(e, $"<{e.Name.LocalName}> in status");
                    continue;
                }
                var id = Required(e, "id");
                var uname = (string?)e.Attribute("uname") ?? id;
                if (id is null || uname is null) continue;
                if (e.Attribute("remote_node") is { } rn && Attributes.IsTrue((string?)rn)) { Unsupported(e, "remote node status"); continue; }
                var transient = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var t in e.Elements("transient_attributes"))
                    foreach (var set in t.Elements("instance_attributes")) ReadPairs(set, transient);
                var history = new List<ResourceHistory>();
                foreach (var lrmRsc in e.Elements("lrm").Elements("lrm_resources").Elements("lrm_resource"))
                {
                    var rid = statusStrings.Get(Required(lrmRsc, "id"));
                    if (rid is null) continue;
                    var ops = new List<OperationRecord>();
                    foreach (var op in lrmRsc.Elements("lrm_rsc_op")) if (ReadOperationRecord(op) is { } r) ops.Add(r);
                    history.Add(new ResourceHistory(rid, Pooled(lrmRsc, "class"), Pooled(lrmRsc, "provider"), Pooled(lrmRsc, "type"), [.. ops]));
                }
                nodes.Add(new NodeState(id, uname, IsSet((string?)e.Attribute("in_ccm")), IsOnline((string?)e.Attribute("crmd")),
                    (string?)e.Attribute("join"), (string?)e.Attribute("expected"), Attributes.From(transient), [.. history],
                    InMembershipKnown: e.Attribute("in_ccm") is not null));
            }
            return new ClusterStatus([.. nodes]);
        }

        // Pacemaker 2.1.7+ writes timestamps instead of true/online; any positive time means "yes".
        private static bool IsSet(string? v) => Attributes.IsTrue(v) || (long.TryParse(v, out var n) && n > 0);
        private static bool IsOnline(string? v) => v == "online" || (long.TryParse(v, out var n) && n > 0);

        private OperationRecord? ReadOperationRecord(XElement op)
        {
            var id = Required(op, "id");
            var task = statusStrings.Get(Required(op, "operation"));
            if (id is null || task is null) return null;
            var intervalText = (string?)op.Attribute("interval") ?? "0";
            if (!long.TryParse(intervalText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var intervalMs))
            {
                Problem(op, $"interval='{intervalText}' is not a number of milliseconds");
                return null;
            }
            int Int(string name, int fallback)
            {
                var v = (string?)op.Attribute(name);
                if (v is null) return fallback;
                if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
                Problem(op, $"{name}='{v}' is not an integer");
                return fallback;
            }
            int? expected = null;
            // transition-key = "action:transition:expected-rc:uuid"
            if (((string?)op.Attribute("transition-key"))?.Split(':') is { Length: >= 4 } key
                && int.TryParse(key[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp))
                expected = exp;
            DateTimeOffset? lastChange = null;
            if ((string?)op.Attribute("last-rc-change") is { } lrc && long.TryParse(lrc, out var secs)) lastChange = DateTimeOffset.FromUnixTimeSeconds(secs);
            long? exec = (string?)op.Attribute("exec-time") is { } et && long.TryParse(et, out var ms) ? ms : null;
            return new OperationRecord(id, task, TimeSpan.FromMilliseconds(intervalMs), Int("call-id", -1), Int("rc-code", 0),
                Int("op-status", 0), expected, lastChange, exec, Pooled(op, "op-digest"),
                Pooled(op, "migrate_source"), Pooled(op, "migrate_target"),
                Pooled(op, "op-restart-digest"), Pooled(op, "op-force-restart"))
            {
                ExitReason = (string?)op.Attribute("exit-reason") is { Length: > 0 } reason ? reason : null,
            };
        }
    }
}
