using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Mapping;

internal static class ClusterMapping
{
    public static FenceDevice ToModel(this FenceDeviceDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var agent = Parse.Required(e, "agent", dto.Agent);
        var check = Parse.Enum(e, "hostCheck", dto.HostCheck, HostCheck.Auto);
        var delayBase = Parse.Duration(e, "delayBase", dto.DelayBase);
        var delayMax = Parse.Duration(e, "delayMax", dto.DelayMax);
        var timeout = Parse.Duration(e, "timeout", dto.Timeout);
        e.ThrowIfAny();
        return new FenceDevice(id, agent, Attributes.From(dto.Params!), Attributes.From(dto.HostMap!), [.. dto.HostList ?? []],
            check, delayBase, delayMax, timeout, dto.Retries ?? 2, dto.Description);
    }

    public static FenceDeviceDto ToDto(this FenceDevice d) => new()
    {
        Id = d.Id,
        Agent = d.Agent,
        Params = new(SecretParameters.Redact(d.Parameters)),
        HostMap = new(d.HostMap),
        HostList = [.. d.HostList],
        HostCheck = Parse.Wire(d.HostCheck),
        DelayBase = d.DelayBase is { } b ? Duration.Format(b) : null,
        DelayMax = d.DelayMax is { } m ? Duration.Format(m) : null,
        Timeout = d.Timeout is { } t ? Duration.Format(t) : null,
        Retries = d.Retries,
        Description = d.Description,
    };

    public static FencingLevel ToModel(this FencingLevelDto dto)
    {
        var e = new FieldErrors();
        var target = Parse.Required(e, "target", dto.Target);
        if (dto.Index is null) e.Add("index", "is required: 1 is tried first");
        if (dto.Devices is null or { Count: 0 }) e.Add("devices", "is required: the fence devices that must all succeed");
        e.ThrowIfAny();
        return new FencingLevel(target, dto.Index!.Value, [.. dto.Devices!]);
    }

    public static FencingLevelDto ToDto(this FencingLevel l) => new() { Target = l.Target, Index = l.Index, Devices = [.. l.Devices] };

    public static Alert ToModel(this AlertDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var agent = Parse.Required(e, "agent", dto.Agent);
        var timeout = Parse.Duration(e, "timeout", dto.Timeout) ?? TimeSpan.FromSeconds(30);
        var kinds = AlertKinds.None;
        for (var i = 0; i < (dto.Kinds?.Count ?? 0); i++)
            kinds |= Parse.Enum(e, $"kinds[{i}]", dto.Kinds![i], AlertKinds.None);
        if (dto.Kinds is null) kinds = AlertKinds.All;
        var recipients = ImmutableArray.CreateBuilder<AlertRecipient>();
        for (var i = 0; i < (dto.Recipients?.Count ?? 0); i++)
        {
            var r = dto.Recipients![i];
            var value = Parse.Required(e, $"recipients[{i}].value", r.Value);
            recipients.Add(new AlertRecipient(r.Id ?? $"{id}-recipient-{i + 1}", value, Attributes.From(r.Params!)));
        }
        e.ThrowIfAny();
        return new Alert(id, agent, recipients.ToImmutable(), kinds, Attributes.From(dto.Params!), [.. dto.SelectAttributes ?? []],
            timeout, dto.TimestampFormat ?? "%H:%M:%S.%06N", dto.Description);
    }

    public static AlertDto ToDto(this Alert a) => new()
    {
        Id = a.Id,
        Agent = a.Agent,
        Recipients = a.Recipients.Select(r => new AlertRecipientDto { Id = r.Id, Value = r.Value, Params = new(SecretParameters.Redact(r.Parameters)) }).ToList(),
        Kinds = Enum.GetValues<AlertKinds>().Where(k => k is not (AlertKinds.None or AlertKinds.All) && a.Kinds.HasFlag(k)).Select(k => Parse.Wire(k)).ToList(),
        Params = new(SecretParameters.Redact(a.Parameters)),
        SelectAttributes = [.. a.SelectAttributes],
        Timeout = Duration.Format(a.Timeout),
        TimestampFormat = a.TimestampFormat,
        Description = a.Description,
    };

    public static Node ToModel(this NodeDto dto, string? routeName, uint nextId)
    {
        var e = new FieldErrors();
        var name = routeName ?? Parse.Required(e, "name", dto.Name);
        if (routeName is not null && dto.Name is not null && dto.Name != routeName) e.Add("name", $"'{dto.Name}' differs from the name in the URL ('{routeName}')");
        e.ThrowIfAny();
        return new Node(name, dto.Id ?? nextId, [.. dto.Addresses ?? []], Attributes.From(dto.Attributes!));
    }

    public static NodeDto ToDto(this Node n) => new() { Name = n.Name, Id = n.Id, Addresses = [.. n.Addresses], Attributes = new(SecretParameters.Redact(n.Attributes)) };

    public static VersionDto ToDto(this ConfigVersion v) => new(v.AdminEpoch, v.Epoch, v.NumUpdates, $"\"{v}\"");

    public static ChangeDto ToDto(this ChangeRecord c) => new(c.Version.ToString(), c.Author, c.Time, c.ViaNode, c.Summary);

    public static ConfigDto ToDto(this ClusterConfig c) => new(
        c.Version.ToDto(),
        c.LastChange?.ToDto(),
        c.Nodes.Select(n => n.ToDto()).ToList(),
        c.Primitives.Select(p => p.ToDto(c)).ToList(),
        c.Groups.Select(g => g.ToDto()).ToList(),
        c.Clones.Select(k => k.ToDto()).ToList(),
        new ConstraintsDto(c.Locations.Select(l => l.ToDto()).ToList(), c.Colocations.Select(x => x.ToDto()).ToList(), c.Orders.Select(o => o.ToDto()).ToList()),
        c.FenceDevices.Select(d => d.ToDto()).ToList(),
        c.FencingLevels.Select(l => l.ToDto()).ToList(),
        new(c.Properties.Values),
        new(c.ResourceDefaults),
        new(c.OperationDefaults),
        c.Alerts.Select(a => a.ToDto()).ToList());
}
