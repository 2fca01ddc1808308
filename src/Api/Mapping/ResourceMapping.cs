using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Mapping;

internal static class ResourceMapping
{
    public static Primitive ToModel(this PrimitiveDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var (cls, provider, type) = Agent(e, dto);
        var operations = ImmutableArray.CreateBuilder<Operation>();
        for (var i = 0; i < (dto.Operations?.Count ?? 0); i++)
        {
            var op = dto.Operations![i];
            var f = $"operations[{i}]";
            var name = Parse.Required(e, $"{f}.name", op.Name);
            var interval = Parse.Duration(e, $"{f}.interval", op.Interval) ?? TimeSpan.Zero;
            var timeout = Parse.Duration(e, $"{f}.timeout", op.Timeout);
            OnFail? onFail = null;
            if (op.OnFail is not null)
            {
                if (Operation.TryParseOnFail(op.OnFail, out var of)) onFail = of;
                else e.Add($"{f}.onFail", $"'{op.OnFail}' is not one of: restart, ignore, block, stop, fence, standby, demote");
            }
            operations.Add(new Operation(name, interval, timeout, onFail, Parse.Role(e, $"{f}.role", op.Role), op.Enabled ?? true));
        }
        e.ThrowIfAny();
        return new Primitive(id, cls, provider, type, Attributes.From(dto.Params!), Attributes.From(dto.Meta!), operations.ToImmutable(), dto.Description);
    }

    /// <summary>Accepts "ocf:heartbeat:IPaddr2" in agent, or class/provider/type separately.</summary>
    private static (ResourceClass, string?, string) Agent(FieldErrors e, PrimitiveDto dto)
    {
        string? cls = dto.Class, provider = dto.Provider, type = dto.Type;
        if (dto.Agent is not null)
        {
            var parts = dto.Agent.Split(':');
            switch (parts.Length)
            {
                case 3: (cls, provider, type) = (parts[0], parts[1], parts[2]); break;
                case 2: (cls, type) = (parts[0], parts[1]); break;
                default:
                    e.Add("agent", $"'{dto.Agent}' is not an agent: use class:provider:type (ocf:heartbeat:IPaddr2) or class:type (systemd:nginx)");
                    return (ResourceClass.Ocf, null, "");
            }
        }
        if (cls is null) { e.Add("agent", "is required, e.g. ocf:heartbeat:IPaddr2, systemd:nginx or haapi:Process"); return (ResourceClass.Ocf, null, ""); }
        if (!ResourceClassNames.TryParse(cls, out var c)) e.Add(dto.Agent is null ? "class" : "agent", $"'{cls}' is not a resource class: use ocf, systemd, lsb, stonith or haapi");
        if (string.IsNullOrWhiteSpace(type)) e.Add(dto.Agent is null ? "type" : "agent", "the agent type is required");
        return (c, string.IsNullOrEmpty(provider) ? null : provider, type ?? "");
    }

    public static PrimitiveDto ToDto(this Primitive p, ClusterConfig config) => new()
    {
        Id = p.Id,
        Agent = p.AgentSpec,
        Class = p.Class.ToWire(),
        Provider = p.Provider,
        Type = p.Type,
        Params = new(SecretParameters.Redact(p.Parameters)),
        Meta = new(p.Meta),
        Operations = p.Operations.Select(o => new OperationDto
        {
            Name = o.Name,
            Interval = Duration.Format(o.Interval),
            Timeout = o.Timeout is { } t ? Duration.Format(t) : null,
            OnFail = o.OnFail?.ToString().ToLowerInvariant(),
            Role = o.Role?.ToString(),
            Enabled = o.Enabled,
        }).ToList(),
        Description = p.Description,
        Parent = config.ParentOf(p.Id),
    };

    public static Group ToModel(this GroupDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        if (dto.Members is null or { Count: 0 }) e.Add("members", "is required: the primitives of the group, in start order");
        e.ThrowIfAny();
        return new Group(id, [.. dto.Members!], Attributes.From(dto.Meta!), dto.Description);
    }

    public static GroupDto ToDto(this Group g) => new() { Id = g.Id, Members = [.. g.Members], Meta = new(g.Meta), Description = g.Description };

    public static Clone ToModel(this CloneDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var child = Parse.Required(e, "child", dto.Child);
        e.ThrowIfAny();
        return new Clone(id, child, Attributes.From(dto.Meta!), dto.Description);
    }

    public static CloneDto ToDto(this Clone c) => new() { Id = c.Id, Child = c.Child, Meta = new(c.Meta), Description = c.Description };
}

internal static class Ids
{
    /// <summary>The id comes from the URL on PUT and from the body on POST; when both are given they must agree.</summary>
    public static string Resolve(FieldErrors e, string? bodyId, string? routeId)
    {
        if (routeId is not null)
        {
            if (bodyId is not null && bodyId != routeId) e.Add("id", $"'{bodyId}' differs from the id in the URL ('{routeId}')");
            return routeId;
        }
        var id = Parse.Required(e, "id", bodyId);
        if (id.Length > 0 && !ConfigValidator.IsValidId(id))
            e.Add("id", "must start with a letter or '_' and contain only letters, digits, '_', '.' and '-'");
        return id;
    }
}
