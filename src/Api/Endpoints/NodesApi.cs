using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Api.Mapping;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Endpoints;

/// <summary>Cluster nodes and their permanent attributes (standby and maintenance among them).</summary>
internal static class NodesApi
{
    public static void MapNodesApi(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("Nodes");

        nodes.MapGet("/", (ConfigWriter writer) => TypedResults.Ok(writer.Current.Nodes.Select(n => n.ToDto()).ToList())).WithName("ListNodes");

        nodes.MapGet("/{name}", (string name, ConfigWriter writer) => TypedResults.Ok(Find(writer, name).ToDto())).WithName("GetNode")
            .ProducesProblem(StatusCodes.Status404NotFound);

        nodes.MapPost("/", async (NodeDto body, ConfigWriter writer, HttpContext http) =>
        {
            var nextId = writer.Current.Nodes.Select(n => n.Id).DefaultIfEmpty(0u).Max() + 1;
            var node = body.ToModel(null, nextId);
            await writer.SubmitAsync(http, new PutNode(node, PutMode.Create), node.Name);
            return TypedResults.Created($"{http.Request.PathBase}/api/v1/nodes/{Uri.EscapeDataString(node.Name)}", Find(writer, node.Name).ToDto());
        }).WithName("AddNode").ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);

        nodes.MapDelete("/{name}", async (string name, ConfigWriter writer, HttpContext http) =>
        {
            await writer.SubmitAsync(http, new DeleteNode(name), name);
            return TypedResults.NoContent();
        }).WithName("RemoveNode").ProducesProblem(StatusCodes.Status404NotFound);

        nodes.MapGet("/{name}/attributes", (string name, ConfigWriter writer) =>
            TypedResults.Ok(new Dictionary<string, string>(Find(writer, name).ToDto().Attributes!))).WithName("GetNodeAttributes")
            .ProducesProblem(StatusCodes.Status404NotFound);

        nodes.MapPatch("/{name}/attributes", async (string name, Dictionary<string, string?> body, ConfigWriter writer, HttpContext http) =>
        {
            if (body.Count == 0)
                throw new RequestValidationException(new Dictionary<string, string[]> { ["$"] = ["give at least one attribute, e.g. {\"rack\": \"r1\"}"] });
            await writer.SubmitAsync(http, new SetNodeAttributes(name, body.ToImmutableSortedDictionary(StringComparer.Ordinal)), name);
            return TypedResults.Ok(new Dictionary<string, string>(Find(writer, name).ToDto().Attributes!));
        }).WithName("SetNodeAttributes").WithSummary("Set permanent node attributes; null deletes one")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound);

        MapFlag(nodes, "standby", Node.StandbyAttribute, "true", "Put the node in standby: its resources move away");
        MapFlag(nodes, "unstandby", Node.StandbyAttribute, null, "Take the node out of standby");
        MapFlag(nodes, "maintenance", Node.MaintenanceAttribute, "true", "Put the node in maintenance: its resources are left alone, unmonitored");
        MapFlag(nodes, "unmaintenance", Node.MaintenanceAttribute, null, "Take the node out of maintenance");
    }

    private static void MapFlag(RouteGroupBuilder nodes, string verb, string attribute, string? value, string summary) =>
        nodes.MapPost($"/{{name}}/{verb}", async (string name, ConfigWriter writer, HttpContext http) =>
        {
            Find(writer, name);
            var change = ImmutableSortedDictionary<string, string?>.Empty.Add(attribute, value);
            await writer.SubmitAsync(http, new SetNodeAttributes(name, change), name);
            return TypedResults.Ok(Find(writer, name).ToDto());
        }).WithName($"Node{char.ToUpperInvariant(verb[0])}{verb[1..]}").WithSummary(summary).ProducesProblem(StatusCodes.Status404NotFound);

    private static Node Find(ConfigWriter writer, string name) =>
        writer.Current.FindNode(name) ?? throw new NotFoundException($"no node '{name}' is configured");
}
