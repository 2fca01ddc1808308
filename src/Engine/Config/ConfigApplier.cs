using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Config;

/// <summary>The result of applying one command: the new configuration and its history record, or why not.</summary>
public sealed record ApplyOutcome(ClusterConfig? Config, ChangeRecord? Change, ConfigError? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Applies commands to a configuration. Pure and deterministic: every node applies the same commands in the same
/// order and must reach byte-identical configurations, so nothing here reads a clock or the environment.
/// </summary>
public static class ConfigApplier
{
    public static ApplyOutcome Apply(ClusterConfig current, CommandEnvelope envelope)
    {
        if (envelope.ExpectedVersion is { } expected && expected != current.Version)
            return Fail(new ConfigError(ConfigErrorKind.VersionMismatch,
                $"the configuration is at version {current.Version}, not {expected} (If-Match); read it again and retry", []));

        var result = Mutate(current, envelope.Command);
        if (result.Error is not null) return Fail(result.Error);
        var candidate = result.Config!;

        var errors = ConfigValidator.Validate(candidate);
        if (errors.Count > 0)
            return Fail(new ConfigError(ConfigErrorKind.Invalid, $"the change would make the configuration invalid: {errors[0]}", errors));

        var version = envelope.Command is ReplaceConfiguration
            ? new ConfigVersion(Math.Max(current.Version.AdminEpoch, candidate.Version.AdminEpoch) + 1, 0, 0)
            : current.Version.NextEpoch();
        var change = new ChangeRecord(version, envelope.Author, envelope.Time, envelope.ViaNode, envelope.Command.Describe(), envelope.Id);
        return new ApplyOutcome(candidate with { Version = version, LastChange = change }, change, null);
    }

    private static ApplyOutcome Fail(ConfigError error) => new(null, null, error);
    private static ApplyOutcome Ok(ClusterConfig config) => new(config, null, null);

    private static ApplyOutcome Mutate(ClusterConfig c, ConfigCommand command) => command switch
    {
        PutPrimitive p => Put(c, p.Primitive.Id, p.Mode, c.FindPrimitive(p.Primitive.Id), "primitive",
            old => c with { Primitives = Replace(c.Primitives, x => x.Id == p.Primitive.Id,
                p.Primitive with { Parameters = SecretParameters.KeepMasked(p.Primitive.Parameters, old?.Parameters) }) }),
        PutGroup g => Put(c, g.Group.Id, g.Mode, c.FindGroup(g.Group.Id), "group",
            _ => c with { Groups = Replace(c.Groups, x => x.Id == g.Group.Id, g.Group) }),
        PutClone k => Put(c, k.Resource.Id, k.Mode, c.FindClone(k.Resource.Id), "clone",
            _ => c with { Clones = Replace(c.Clones, x => x.Id == k.Resource.Id, k.Resource) }),
        PutLocation l => Put(c, l.Constraint.Id, l.Mode, c.Locations.FirstOrDefault(x => x.Id == l.Constraint.Id), "location constraint",
            _ => c with { Locations = Replace(c.Locations, x => x.Id == l.Constraint.Id, l.Constraint) }),
        PutColocation l => Put(c, l.Constraint.Id, l.Mode, c.Colocations.FirstOrDefault(x => x.Id == l.Constraint.Id), "colocation constraint",
            _ => c with { Colocations = Replace(c.Colocations, x => x.Id == l.Constraint.Id, l.Constraint) }),
        PutOrder o => Put(c, o.Constraint.Id, o.Mode, c.Orders.FirstOrDefault(x => x.Id == o.Constraint.Id), "order constraint",
            _ => c with { Orders = Replace(c.Orders, x => x.Id == o.Constraint.Id, o.Constraint) }),
        PutFenceDevice d => Put(c, d.Device.Id, d.Mode, c.FindFenceDevice(d.Device.Id), "fence device",
            old => c with { FenceDevices = Replace(c.FenceDevices, x => x.Id == d.Device.Id,
                d.Device with { Parameters = SecretParameters.KeepMasked(d.Device.Parameters, old?.Parameters) }) }),
        PutAlert a => Put(c, a.Alert.Id, a.Mode, c.FindAlert(a.Alert.Id), "alert",
            old => c with { Alerts = Replace(c.Alerts, x => x.Id == a.Alert.Id, KeepAlertSecrets(a.Alert, old)) }),
        PutFencingLevel l => Ok(c with { FencingLevels = Replace(c.FencingLevels, x => x.Target == l.Level.Target && x.Index == l.Level.Index, l.Level) }),
        DeleteFencingLevel l => c.FencingLevels.Any(x => x.Target == l.Target && x.Index == l.Index)
            ? Ok(c with { FencingLevels = c.FencingLevels.RemoveAll(x => x.Target == l.Target && x.Index == l.Index) })
            : Fail(ConfigError.NotFound($"no fencing level {l.Index} for node '{l.Target}'")),
        PutNode n => PutNodeCommand(c, n),
        DeleteNode n => DeleteNodeCommand(c, n.Name),
        SetNodeAttributes a => c.FindNode(a.Node) is { } node
            ? Ok(c with { Nodes = Replace(c.Nodes, x => x.Name == a.Node, node with { Attributes = Merge(node.Attributes, a.Attributes) }) })
            : Fail(ConfigError.NotFound($"no node '{a.Node}' is configured")),
        SetProperties p => Ok(c with { Properties = new ClusterProperties(Merge(c.Properties.Values, p.Values)) }),
        SetResourceDefaults d => Ok(c with { ResourceDefaults = Merge(c.ResourceDefaults, d.Values) }),
        SetOperationDefaults d => Ok(c with { OperationDefaults = Merge(c.OperationDefaults, d.Values) }),
        DeleteItem d => Delete(c, d),
        ReplaceConfiguration r => Ok(r.Config),
        _ => throw new InvalidOperationException($"no applier for {command.GetType().Name}"),
    };

    private static ApplyOutcome Put<T>(ClusterConfig c, string id, PutMode mode, T? existing, string kind, Func<T?, ClusterConfig> apply)
        where T : class
    {
        if (existing is null && mode == PutMode.Replace) return Fail(ConfigError.NotFound($"no {kind} '{id}' exists"));
        if (existing is not null && mode == PutMode.Create) return Fail(ConfigError.Conflict($"{kind} '{id}' already exists"));
        if (existing is null && c.AllIds().FirstOrDefault(x => x.Id == id) is { Id: not null } other)
            return Fail(ConfigError.Conflict($"id '{id}' is already used by a {other.Kind}"));
        return Ok(apply(existing));
    }

    private static ApplyOutcome PutNodeCommand(ClusterConfig c, PutNode n)
    {
        var existing = c.FindNode(n.Node.Name);
        if (existing is null && n.Mode == PutMode.Replace) return Fail(ConfigError.NotFound($"no node '{n.Node.Name}' is configured"));
        if (existing is not null && n.Mode == PutMode.Create) return Fail(ConfigError.Conflict($"node '{n.Node.Name}' is already configured"));
        return Ok(c with { Nodes = Replace(c.Nodes, x => x.Name == n.Node.Name, n.Node) });
    }

    private static ApplyOutcome DeleteNodeCommand(ClusterConfig c, string name)
    {
        if (c.FindNode(name) is null) return Fail(ConfigError.NotFound($"no node '{name}' is configured"));
        // Constraints and levels that name the node go with it, as `pcs cluster node remove` does.
        return Ok(c with
        {
            Nodes = c.Nodes.RemoveAll(n => n.Name == name),
            Locations = c.Locations.RemoveAll(l => l.Node == name),
            FencingLevels = c.FencingLevels.RemoveAll(l => l.Target == name),
            FenceDevices = c.FenceDevices.Select(d => d with { HostMap = d.HostMap.Remove(name), HostList = d.HostList.Remove(name) }).ToImmutableArray(),
        });
    }

    private static ApplyOutcome Delete(ClusterConfig c, DeleteItem d)
    {
        switch (d.Kind)
        {
            case ItemKind.Resource:
                if (!c.IsResource(d.Id)) return Fail(ConfigError.NotFound($"no resource '{d.Id}' exists"));
                return Ok(DeleteResource(c, d.Id));
            case ItemKind.Constraint:
                if (c.FindConstraint(d.Id) is null) return Fail(ConfigError.NotFound($"no constraint '{d.Id}' exists"));
                return Ok(c with
                {
                    Locations = c.Locations.RemoveAll(x => x.Id == d.Id),
                    Colocations = c.Colocations.RemoveAll(x => x.Id == d.Id),
                    Orders = c.Orders.RemoveAll(x => x.Id == d.Id),
                });
            case ItemKind.FenceDevice:
                if (c.FindFenceDevice(d.Id) is null) return Fail(ConfigError.NotFound($"no fence device '{d.Id}' exists"));
                var users = c.FencingLevels.Where(l => l.Devices.Contains(d.Id)).Select(l => l.Id).ToList();
                if (users.Count > 0)
                    return Fail(ConfigError.Conflict($"fence device '{d.Id}' is used by fencing level(s) {string.Join(", ", users)}; remove it from them first"));
                return Ok(c with { FenceDevices = c.FenceDevices.RemoveAll(x => x.Id == d.Id) });
            case ItemKind.Alert:
                if (c.FindAlert(d.Id) is null) return Fail(ConfigError.NotFound($"no alert '{d.Id}' exists"));
                return Ok(c with { Alerts = c.Alerts.RemoveAll(x => x.Id == d.Id) });
            default:
                throw new InvalidOperationException($"unknown item kind {d.Kind}");
        }
    }

    /// <summary>Removes a resource, its children, its membership in a group or clone, and every constraint on any of them.</summary>
    private static ClusterConfig DeleteResource(ClusterConfig c, string id)
    {
        var doomed = new HashSet<string> { id };
        if (c.FindClone(id) is { } clone) doomed.Add(clone.Child);
        foreach (var g in c.Groups.Where(g => doomed.Contains(g.Id)).ToList()) doomed.UnionWith(g.Members);

        var groups = c.Groups.RemoveAll(g => doomed.Contains(g.Id))
            .Select(g => g with { Members = g.Members.RemoveAll(doomed.Contains) }).ToImmutableArray();
        // A group that lost its last member, and a clone that lost its child, go too (Pacemaker cannot hold them empty).
        doomed.UnionWith(groups.Where(g => g.Members.IsEmpty).Select(g => g.Id));
        doomed.UnionWith(c.Clones.Where(k => doomed.Contains(k.Child)).Select(k => k.Id));

        return c with
        {
            Primitives = c.Primitives.RemoveAll(p => doomed.Contains(p.Id)),
            Groups = groups.RemoveAll(g => doomed.Contains(g.Id)),
            Clones = c.Clones.RemoveAll(k => doomed.Contains(k.Id)),
            Locations = c.Locations.RemoveAll(l => doomed.Contains(l.Resource)),
            Colocations = c.Colocations.RemoveAll(x => doomed.Contains(x.Resource) || doomed.Contains(x.WithResource)),
            Orders = c.Orders.RemoveAll(x => doomed.Contains(x.First) || doomed.Contains(x.Then)),
        };
    }

    private static Alert KeepAlertSecrets(Alert incoming, Alert? old) => incoming with
    {
        Parameters = SecretParameters.KeepMasked(incoming.Parameters, old?.Parameters),
        Recipients = incoming.Recipients.Select(r => r with
        {
            Parameters = SecretParameters.KeepMasked(r.Parameters, old?.Recipients.FirstOrDefault(o => o.Id == r.Id)?.Parameters),
        }).ToImmutableArray(),
    };

    /// <summary>Replaces the first item matching, keeping its position (configuration order matters to the scheduler), or appends.</summary>
    private static ImmutableArray<T> Replace<T>(ImmutableArray<T> items, Func<T, bool> match, T item)
    {
        for (var i = 0; i < items.Length; i++)
            if (match(items[i])) return items.SetItem(i, item);
        return items.Add(item);
    }

    private static ImmutableSortedDictionary<string, string> Merge(ImmutableSortedDictionary<string, string> current, IEnumerable<KeyValuePair<string, string?>> changes)
    {
        var result = current;
        foreach (var (k, v) in changes)
            result = v is null ? result.Remove(k) : result.SetItem(k, v);
        return result;
    }
}
