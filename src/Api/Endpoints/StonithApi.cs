using HaApi.Api.Errors;
using HaApi.Api.Hosting;
using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Fencing;

namespace HaApi.Api.Endpoints;

/// <summary>
/// Fencing by hand (pcs stonith fence / confirm / history). A successful off or reboot is recorded for the whole
/// cluster, as a fencing the DC ordered would be, so recovery that waited on that node proceeds.
/// </summary>
internal static class StonithApi
{
    public static void MapStonithApi(this RouteGroupBuilder api)
    {
        var stonith = api.MapGroup("/stonith").WithTags("Stonith");

        stonith.MapPost("/fence/{node}", async (string node, FenceRequestDto? body, ConfigurationReplica replica, FencingWiring fencing,
                ClusterController controller, HttpContext http) =>
            {
                RequireNode(replica, node);
                var action = (body?.Action ?? "reboot") switch
                {
                    "reboot" => FenceAction.Reboot,
                    "off" => FenceAction.Off,
                    "on" => FenceAction.On,
                    var other => throw RequestValidationException.For("action", $"'{other}' is not a fencing action; use reboot, off or on"),
                };
                if (node == replica.Local.Name && action != FenceAction.On)
                    throw RequestValidationException.For("node", $"{node} is the node answering this request; ask another node to fence it");
                var fencer = fencing.Current ?? throw new TimeoutException("this node has not joined the cluster yet; retry in a moment");
                var outcome = await fencer.FenceManuallyAsync(node, action, replica.Local.Name, http.RequestAborted);
                if (outcome.Success && action != FenceAction.On) await controller.ConfirmFencedAsync(node, http.RequestAborted);
                return outcome.Success
                    ? Results.Ok(outcome)
                    : Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Fencing failed",
                        detail: $"{action.ToString().ToLowerInvariant()} of {node} failed: {outcome.Reason}",
                        extensions: new Dictionary<string, object?> { ["outcome"] = outcome });
            })
            .WithName("FenceNode").WithSummary("Fence a node now through its fencing topology (reboot, off or on)")
            .Produces<FencingOutcome>().ProducesProblem(StatusCodes.Status502BadGateway).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        stonith.MapPost("/confirm/{node}", async (string node, ConfigurationReplica replica, ClusterController controller, HttpContext http) =>
            {
                RequireNode(replica, node);
                if (replica.State.IsMember(node))
                    throw RequestValidationException.For("node", $"{node} is a member of the cluster right now; confirm only a node you know is powered off or isolated");
                await controller.ConfirmFencedAsync(node, http.RequestAborted);
                return TypedResults.Ok(new ConfirmedDto(node, $"{node} is recorded as fenced; its resources may now be recovered elsewhere"));
            })
            .WithName("ConfirmFenced").WithSummary("Confirm a node is down (pcs stonith confirm): recovery stops waiting for its fencing")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound);

        stonith.MapGet("/history", (string? node, FencingWiring fencing) => TypedResults.Ok(fencing.History.Snapshot(node)))
            .WithName("StonithHistory").WithSummary("Fencing operations this node carried out, newest last (secrets masked)");
    }

    private static void RequireNode(ConfigurationReplica replica, string node)
    {
        if (replica.Config.FindNode(node) is null) throw new NotFoundException($"no node '{node}' is configured");
    }
}

/// <param name="Action">reboot (default), off or on.</param>
public sealed record FenceRequestDto(string? Action);

public sealed record ConfirmedDto(string Node, string Summary);
