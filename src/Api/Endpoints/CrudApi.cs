using HaApi.Api.Errors;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Api.Endpoints;

/// <summary>
/// The list / get / create / replace / delete endpoints every configuration collection shares, so each
/// collection states only how its items map to the model.
/// </summary>
internal static class CrudApi
{
    public sealed record Collection<TDto>(
        string Path,
        string Noun,
        string Singular,
        Func<ClusterConfig, IEnumerable<TDto>> List,
        Func<ClusterConfig, string, TDto?> Find,
        Func<TDto, string?, PutMode, ConfigCommand> Command,
        Func<TDto, string?> IdOf,
        ItemKind Kind) where TDto : class;

    public static void MapCollection<TDto>(this RouteGroupBuilder api, Collection<TDto> c) where TDto : class
    {
        var group = api.MapGroup(c.Path).WithTags(c.Noun);

        group.MapGet("/", (ConfigWriter writer, HttpContext http) =>
        {
            var config = writer.Current;
            ConfigWriter.SetETag(http, config.Version);
            return TypedResults.Ok(c.List(config).ToList());
        }).WithName($"List{c.Noun}").WithSummary($"List {c.Noun.ToLowerInvariant()}");

        group.MapGet("/{id}", (string id, ConfigWriter writer, HttpContext http) =>
        {
            var config = writer.Current;
            ConfigWriter.SetETag(http, config.Version);
            return TypedResults.Ok(c.Find(config, id) ?? throw new NotFoundException($"no {c.Singular} '{id}' exists"));
        }).WithName($"Get{c.Noun}").ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", async (TDto body, ConfigWriter writer, HttpContext http) =>
        {
            var command = c.Command(body, null, PutMode.Create);
            var id = c.IdOf(body)!;
            await writer.SubmitAsync(http, command, id);
            return TypedResults.Created($"{http.Request.PathBase}/api/v1{c.Path}/{Uri.EscapeDataString(id)}", c.Find(writer.Current, id));
        }).WithName($"Create{c.Noun}").ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
          .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id}", async (string id, TDto body, ConfigWriter writer, HttpContext http) =>
        {
            await writer.SubmitAsync(http, c.Command(body, id, PutMode.Upsert), id);
            return TypedResults.Ok(c.Find(writer.Current, id));
        }).WithName($"Replace{c.Noun}").WithSummary($"Create or replace a {c.Singular}")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict)
          .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id}", async (string id, ConfigWriter writer, HttpContext http) =>
        {
            await writer.SubmitAsync(http, new DeleteItem(c.Kind, id), id);
            return TypedResults.NoContent();
        }).WithName($"Delete{c.Noun}").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

}
