using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Api.Mapping;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Endpoints;

/// <summary>The configuration collections of /api/v1, as pcs operators know them.</summary>
internal static class ConfigurationApi
{
    public static void MapConfigurationApi(this RouteGroupBuilder api)
    {
        api.MapCollection(new CrudApi.Collection<PrimitiveDto>("/resources", "Resources", "resource",
            c => c.Primitives.Select(p => p.ToDto(c)),
            (c, id) => c.FindPrimitive(id)?.ToDto(c),
            (dto, id, mode) => new PutPrimitive(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Resource));

        api.MapCollection(new CrudApi.Collection<GroupDto>("/groups", "Groups", "group",
            c => c.Groups.Select(g => g.ToDto()),
            (c, id) => c.FindGroup(id)?.ToDto(),
            (dto, id, mode) => new PutGroup(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Resource));

        api.MapCollection(new CrudApi.Collection<CloneDto>("/clones", "Clones", "clone",
            c => c.Clones.Select(k => k.ToDto()),
            (c, id) => c.FindClone(id)?.ToDto(),
            (dto, id, mode) => new PutClone(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Resource));

        api.MapCollection(new CrudApi.Collection<LocationDto>("/constraints/location", "LocationConstraints", "location constraint",
            c => c.Locations.Select(l => l.ToDto()),
            (c, id) => c.Locations.FirstOrDefault(l => l.Id == id)?.ToDto(),
            (dto, id, mode) => new PutLocation(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Constraint));

        api.MapCollection(new CrudApi.Collection<ColocationDto>("/constraints/colocation", "ColocationConstraints", "colocation constraint",
            c => c.Colocations.Select(l => l.ToDto()),
            (c, id) => c.Colocations.FirstOrDefault(l => l.Id == id)?.ToDto(),
            (dto, id, mode) => new PutColocation(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Constraint));

        api.MapCollection(new CrudApi.Collection<OrderDto>("/constraints/order", "OrderConstraints", "order constraint",
            c => c.Orders.Select(l => l.ToDto()),
            (c, id) => c.Orders.FirstOrDefault(l => l.Id == id)?.ToDto(),
            (dto, id, mode) => new PutOrder(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Constraint));

        api.MapCollection(new CrudApi.Collection<FenceDeviceDto>("/stonith/devices", "StonithDevices", "fence device",
            c => c.FenceDevices.Select(d => d.ToDto()),
            (c, id) => c.FindFenceDevice(id)?.ToDto(),
            (dto, id, mode) => new PutFenceDevice(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.FenceDevice));

        api.MapCollection(new CrudApi.Collection<AlertDto>("/alerts", "Alerts", "alert",
            c => c.Alerts.Select(a => a.ToDto()),
            (c, id) => c.FindAlert(id)?.ToDto(),
            (dto, id, mode) => new PutAlert(dto.ToModel(id), mode),
            dto => dto.Id, ItemKind.Alert));

        MapFencingLevels(api.MapGroup("/stonith/levels").WithTags("StonithLevels"));
        MapProperties(api.MapGroup("/properties").WithTags("Properties"));
        MapDefaults(api.MapGroup("/resource-defaults").WithTags("Properties"), "ResourceDefaults", "resource-stickiness",
            c => c.ResourceDefaults, values => new SetResourceDefaults(values));
        MapDefaults(api.MapGroup("/operation-defaults").WithTags("Properties"), "OperationDefaults", "timeout",
            c => c.OperationDefaults, values => new SetOperationDefaults(values));
        MapConfig(api.MapGroup("/config").WithTags("Configuration"));
    }

    private static void MapFencingLevels(RouteGroupBuilder levels)
    {
        levels.MapGet("/", (ConfigWriter writer) => TypedResults.Ok(writer.Current.FencingLevels.Select(l => l.ToDto()).ToList()))
            .WithName("ListStonithLevels");
        levels.MapPost("/", async (FencingLevelDto body, ConfigWriter writer, HttpContext http) =>
        {
            var level = body.ToModel();
            await writer.SubmitAsync(http, new PutFencingLevel(level), level.Id);
            return TypedResults.Ok(level.ToDto());
        }).WithName("SetStonithLevel").WithSummary("Create or replace the fencing level (target, index)")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        levels.MapDelete("/{target}/{index:int}", async (string target, int index, ConfigWriter writer, HttpContext http) =>
        {
            await writer.SubmitAsync(http, new DeleteFencingLevel(target, index));
            return TypedResults.NoContent();
        }).WithName("DeleteStonithLevel").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapProperties(RouteGroupBuilder properties)
    {
        properties.MapGet("/", (ConfigWriter writer) => TypedResults.Ok(Describe(writer.Current.Properties)))
            .WithName("ListProperties").WithSummary("Every cluster property with its value and default");
        properties.MapPatch("/", async (Dictionary<string, string?> body, ConfigWriter writer, HttpContext http) =>
        {
            if (body.Count == 0)
                throw new RequestValidationException(new Dictionary<string, string[]> { ["$"] = ["give at least one property, e.g. {\"stonith-enabled\": \"false\"}"] });
            await writer.SubmitAsync(http, new SetProperties(body.ToImmutableSortedDictionary(StringComparer.Ordinal)), "properties");
            return TypedResults.Ok(Describe(writer.Current.Properties));
        }).WithName("SetProperties").WithSummary("Set properties; null restores a property's default")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>rsc_defaults / op_defaults (pcs resource defaults / pcs resource op defaults): meta attributes every
    /// resource or operation gets unless it sets its own.</summary>
    private static void MapDefaults(RouteGroupBuilder group, string name, string example,
        Func<ClusterConfig, ImmutableSortedDictionary<string, string>> read, Func<ImmutableSortedDictionary<string, string?>, ConfigCommand> command)
    {
        group.MapGet("/", (ConfigWriter writer) => TypedResults.Ok(new Dictionary<string, string>(read(writer.Current))))
            .WithName($"Get{name}");
        group.MapPatch("/", async (Dictionary<string, string?> body, ConfigWriter writer, HttpContext http) =>
        {
            if (body.Count == 0)
                throw new RequestValidationException(new Dictionary<string, string[]> { ["$"] = [$"give at least one value, e.g. {{\"{example}\": \"100\"}}"] });
            await writer.SubmitAsync(http, command(body.ToImmutableSortedDictionary(StringComparer.Ordinal)), name);
            return TypedResults.Ok(new Dictionary<string, string>(read(writer.Current)));
        }).WithName($"Set{name}").WithSummary("Set defaults; null deletes one")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static List<PropertyDto> Describe(ClusterProperties p) =>
        ClusterProperties.Known.Select(k => new PropertyDto(k.Key, p.Get(k.Key), k.Value.Default, !p.Values.ContainsKey(k.Key), k.Value.Type.Name, k.Value.Description))
            .OrderBy(x => x.Name, StringComparer.Ordinal).ToList();

    private static void MapConfig(RouteGroupBuilder config)
    {
        config.MapGet("/", (ConfigWriter writer, HttpContext http) =>
        {
            var c = writer.Current;
            ConfigWriter.SetETag(http, c.Version);
            return TypedResults.Ok(c.ToDto());
        }).WithName("GetConfiguration").WithSummary("The whole configuration with its version (secrets masked)");
        config.MapGet("/history", (ConfigurationHistory history, int? limit) =>
            TypedResults.Ok(history.Recent(Math.Clamp(limit ?? 50, 1, 500)).Select(h => h.ToDto()).ToList()))
            .WithName("GetConfigurationHistory").WithSummary("Recent changes, newest first: version, who, when, through which node, what");
    }
}
