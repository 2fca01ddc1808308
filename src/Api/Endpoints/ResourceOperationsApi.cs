using System.Collections.Immutable;
using HaApi.Api.Auth;
using HaApi.Api.Errors;
using HaApi.Api.Hosting;
using HaApi.Engine.Config;
using HaApi.Engine.Controller;
using HaApi.Engine.Model;

namespace HaApi.Api.Endpoints;

/// <summary>
/// What operators do to running resources (pcs resource enable/disable/move/ban/clear/cleanup/restart). Each is a
/// replicated change (a meta attribute, a cli-* location constraint, a cleanup record); with `wait` the answer comes
/// once the cluster has carried it out, or 504 naming what is still pending.
/// </summary>
internal static class ResourceOperationsApi
{
    public static void MapResourceOperationsApi(this RouteGroupBuilder api)
    {
        var resources = api.MapGroup("/resources").WithTags("Resource operations");

        resources.MapPost("/{id}/enable", (string id, string? wait, ConfigWriter writer, ClusterWaiter waiter, HttpContext http) =>
                SetTargetRole(id, null, wait, writer, waiter, http))
            .WithName("EnableResource").WithSummary("Allow the resource to run (removes target-role=Stopped)");
        resources.MapPost("/{id}/disable", (string id, string? wait, ConfigWriter writer, ClusterWaiter waiter, HttpContext http) =>
                SetTargetRole(id, "Stopped", wait, writer, waiter, http))
            .WithName("DisableResource").WithSummary("Stop the resource everywhere (target-role=Stopped)");

        resources.MapPost("/{id}/move", async (string id, string? wait, MoveRequest? body, ConfigWriter writer, ClusterWaiter waiter,
                TimeProvider time, HttpContext http) =>
            {
                RequireResource(writer, id);
                var node = RequireNode(writer, body?.Node, "node", "the node to move the resource to, e.g. {\"node\": \"node2\"}");
                DateTimeOffset? until = null;
                if (body?.Lifetime is { } lifetime)
                {
                    if (!Duration.TryParse(lifetime, out var span) || span <= TimeSpan.Zero)
                        throw RequestValidationException.For("lifetime", $"'{lifetime}' is not a positive duration; use ISO 8601 (\"PT1H\") or Pacemaker's form (\"1h\")");
                    until = time.GetUtcNow() + span;
                }
                var constraint = new LocationConstraint($"cli-prefer-{id}", id, node, Score.Infinity, [], Lifetime: until);
                return await Finish(writer, waiter, http, new PutLocation(constraint, PutMode.Upsert), id, wait);
            })
            .WithName("MoveResource").WithSummary("Prefer a node for the resource (creates the location constraint cli-prefer-<id>, like pcs resource move)");

        resources.MapPost("/{id}/ban", async (string id, string? wait, BanRequest? body, ConfigWriter writer, ClusterWaiter waiter, HttpContext http) =>
            {
                RequireResource(writer, id);
                var node = RequireNode(writer, body?.Node, "node", "the node the resource must leave, e.g. {\"node\": \"node1\"}");
                var constraint = new LocationConstraint($"cli-ban-{id}-on-{node}", id, node, Score.MinusInfinity, []);
                return await Finish(writer, waiter, http, new PutLocation(constraint, PutMode.Upsert), id, wait);
            })
            .WithName("BanResource").WithSummary("Keep the resource off a node (creates cli-ban-<id>-on-<node>, like pcs resource ban)");

        resources.MapPost("/{id}/clear", async (string id, string? wait, BanRequest? body, ConfigWriter writer, ClusterWaiter waiter, HttpContext http) =>
            {
                RequireResource(writer, id);
                var ids = writer.Current.Locations
                    .Where(l => l.Resource == id && (l.Id == $"cli-prefer-{id}" || l.Id.StartsWith($"cli-ban-{id}-on-", StringComparison.Ordinal)))
                    .Where(l => body?.Node is null || l.Node == body.Node)
                    .Select(l => l.Id).ToList();
                ChangeRecord? last = null;
                foreach (var constraint in ids) last = await writer.SubmitAsync(http, new DeleteItem(ItemKind.Constraint, constraint), id);
                await WaitOrThrow(waiter, wait, http);
                return TypedResults.Ok(new ResourceOperationResult(id, last?.Version.ToString() ?? writer.Current.Version.ToString(),
                    ids.Count == 0 ? "no move or ban constraints to clear" : $"removed {string.Join(", ", ids)}", waiter.Pending()));
            })
            .WithName("ClearResource").WithSummary("Remove the constraints move and ban created (pcs resource clear)");

        resources.MapPost("/{id}/cleanup", async (string id, string? wait, BanRequest? body, ConfigWriter writer, ClusterWaiter waiter,
                ClusterController controller, HttpContext http) =>
            {
                RequireResource(writer, id);
                if (body?.Node is { } n) RequireNode(writer, n, "node", "");
                await controller.CleanupAsync(id, body?.Node, BearerTokenFilter.Author(http), http.RequestAborted);
                await WaitOrThrow(waiter, wait, http);
                return TypedResults.Ok(new ResourceOperationResult(id, writer.Current.Version.ToString(),
                    $"fail counts and history of {id} cleared on {body?.Node ?? "every node"}; it is probed again", waiter.Pending()));
            })
            .WithName("CleanupResource").WithSummary("Forget the resource's failures and re-probe it (pcs resource cleanup)");

        resources.MapPost("/{id}/restart", async (string id, string? wait, ConfigWriter writer, ClusterWaiter waiter, HttpContext http) =>
            {
                RequireResource(writer, id);
                // A restart must see the stop through before starting again, so it always waits (60s unless told).
                var budget = ParseWait(wait) ?? TimeSpan.FromSeconds(60);
                var role = TargetRoleOf(writer.Current, id);
                await writer.SubmitAsync(http, WithTargetRole(writer.Current, id, "Stopped"), id);
                var pending = await waiter.WaitAsync(budget, http.RequestAborted);
                var change = await writer.SubmitAsync(http, WithTargetRole(writer.Current, id, role), id);
                if (pending.Count > 0) throw new NotSettledException(budget, pending);
                await WaitOrThrow(waiter, wait ?? "60", http);
                return TypedResults.Ok(new ResourceOperationResult(id, change.Version.ToString(), $"{id} stopped and started again", waiter.Pending()));
            })
            .WithName("RestartResource").WithSummary("Stop the resource and start it again where it was allowed to run");
    }

    private static async Task<IResult> SetTargetRole(string id, string? role, string? wait, ConfigWriter writer, ClusterWaiter waiter, HttpContext http)
    {
        RequireResource(writer, id);
        if (TargetRoleOf(writer.Current, id) != role)
            return await Finish(writer, waiter, http, WithTargetRole(writer.Current, id, role), id, wait);
        // Already so: no change to replicate (which would only abort the transition under way).
        await WaitOrThrow(waiter, wait, http);
        return TypedResults.Ok(new ResourceOperationResult(id, writer.Current.Version.ToString(),
            role is null ? $"{id} was already enabled" : $"{id} already had target-role={role}", waiter.Pending()));
    }

    private static async Task<IResult> Finish(ConfigWriter writer, ClusterWaiter waiter, HttpContext http, ConfigCommand command, string id, string? wait)
    {
        var change = await writer.SubmitAsync(http, command, id);
        await WaitOrThrow(waiter, wait, http);
        return TypedResults.Ok(new ResourceOperationResult(id, change.Version.ToString(), change.Summary, waiter.Pending()));
    }

    private static async Task WaitOrThrow(ClusterWaiter waiter, string? wait, HttpContext http)
    {
        if (ParseWait(wait) is not { } timeout) return;
        var pending = await waiter.WaitAsync(timeout, http.RequestAborted);
        if (pending.Count > 0) throw new NotSettledException(timeout, pending);
    }

    /// <summary>`wait` in seconds ("30") or as a duration ("30s", "PT2M"); absent means answer at once.</summary>
    private static TimeSpan? ParseWait(string? wait)
    {
        if (wait is null) return null;
        if (Duration.TryParse(wait, out var t) && t >= TimeSpan.Zero && t <= TimeSpan.FromHours(1)) return t;
        throw RequestValidationException.For("wait", $"'{wait}' is not a timeout between 0 and 1 hour; give seconds (\"30\") or a duration (\"2min\", \"PT2M\")");
    }

    private static string? TargetRoleOf(ClusterConfig config, string id) =>
        (config.FindPrimitive(id)?.Meta ?? config.FindGroup(id)?.Meta ?? config.FindClone(id)?.Meta)?.Get(MetaNames.TargetRole);

    /// <summary>The command that sets (or, with null, removes) target-role on a primitive, group or clone.</summary>
    private static ConfigCommand WithTargetRole(ClusterConfig config, string id, string? role)
    {
        ImmutableSortedDictionary<string, string> Set(ImmutableSortedDictionary<string, string> meta) =>
            role is null ? meta.Remove(MetaNames.TargetRole) : meta.SetItem(MetaNames.TargetRole, role);
        if (config.FindPrimitive(id) is { } p) return new PutPrimitive(p with { Meta = Set(p.Meta) }, PutMode.Replace);
        if (config.FindGroup(id) is { } g) return new PutGroup(g with { Meta = Set(g.Meta) }, PutMode.Replace);
        if (config.FindClone(id) is { } c) return new PutClone(c with { Meta = Set(c.Meta) }, PutMode.Replace);
        throw new NotFoundException($"no resource, group or clone '{id}' exists");
    }

    private static void RequireResource(ConfigWriter writer, string id)
    {
        if (!writer.Current.IsResource(id)) throw new NotFoundException($"no resource, group or clone '{id}' exists");
    }

    private static string RequireNode(ConfigWriter writer, string? node, string field, string hint)
    {
        if (string.IsNullOrWhiteSpace(node)) throw RequestValidationException.For(field, $"required: {hint}");
        if (writer.Current.FindNode(node) is null)
            throw RequestValidationException.For(field, $"no node '{node}' is configured; configured nodes: {string.Join(", ", writer.Current.Nodes.Select(n => n.Name))}");
        return node;
    }
}

/// <param name="Node">Where to move the resource.</param>
/// <param name="Lifetime">How long the preference lasts (ISO 8601 or Pacemaker duration); forever when absent.</param>
public sealed record MoveRequest(string? Node, string? Lifetime);

/// <param name="Node">The node concerned.</param>
public sealed record BanRequest(string? Node);

/// <param name="Pending">What the cluster still has to do (empty once settled).</param>
public sealed record ResourceOperationResult(string Resource, string ConfigVersion, string Summary, IReadOnlyList<string> Pending);
