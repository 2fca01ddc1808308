using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Engine.Cib;
using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Api.Endpoints;

/// <summary>Migration from Pacemaker (CIB import) and what-if scheduling.</summary>
internal static class SchedulerApi
{
    public static void MapSchedulerApi(this RouteGroupBuilder api)
    {
        api.MapPost("/config/import", async (HttpContext http, ConfigWriter writer, bool? dryRun) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var xml = await reader.ReadToEndAsync(http.RequestAborted);
            if (string.IsNullOrWhiteSpace(xml))
                throw new RequestValidationException(new Dictionary<string, string[]> { ["$"] = ["send the CIB XML (cibadmin --query) as the request body"] });
            var document = CibImporter.Import(xml);
            var config = document.Config;
            var result = new ImportResultDto(dryRun == true, null, config.Nodes.Length, config.Primitives.Length + config.Groups.Length + config.Clones.Length,
                config.Locations.Length + config.Colocations.Length + config.Orders.Length, config.FenceDevices.Length);
            if (dryRun == true)
            {
                var errors = ConfigValidator.Validate(config);
                if (errors.Count > 0) throw new ConfigRejectedException(new ConfigError(ConfigErrorKind.Invalid, $"the imported configuration is invalid: {errors[0]}", errors));
                return TypedResults.Ok(result);
            }
            var change = await writer.SubmitAsync(http, new ReplaceConfiguration(config, "Pacemaker CIB import"));
            return TypedResults.Ok(result with { Version = change.Version.ToString() });
        }).WithTags("Configuration").WithName("ImportCib")
          .WithSummary("Replace the configuration with a Pacemaker CIB (cibadmin --query output); ?dryRun=true only checks it")
          .Accepts<string>("application/xml", "text/xml")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/simulate", (SimulateRequestDto body, ConfigurationReplica replica) =>
        {
            var state = replica.State;
            var input = new SchedulerInput(state.Config, LiveStatus(state), state.Quorate, DateTimeOffset.UtcNow);
            var whatIf = new WhatIf(body.NodeFailures ?? [], body.NodeUp ?? [],
                [.. (body.Standby ?? []).Select(n => (n, Node.StandbyAttribute, (string?)"true")),
                 .. (body.NodeAttributes ?? []).Select(a => (a.Node, a.Name, a.Value))]);
            try
            {
                input = whatIf.ApplyTo(input);
            }
            catch (ArgumentException e)
            {
                throw new RequestValidationException(new Dictionary<string, string[]> { ["nodes"] = [e.Message.Split(" (Parameter")[0]] });
            }
            var transition = Scheduler.Schedule(input);
            var after = transition.Orderings.GroupBy(o => o.Then).ToDictionary(g => g.Key, g => g.Select(o => o.First).Order().ToList());
            return TypedResults.Ok(new SimulateResultDto(state.Config.Version.ToString(), [.. TransitionSummary.Format(transition).Select(l => l.Trim())],
                [.. transition.Actions.Select(a => new SimulatedActionDto(a.Id, a.Task, a.Resource, a.Node,
                    a.Interval > TimeSpan.Zero ? Duration.Format(a.Interval) : null, a.Runnable, after.GetValueOrDefault(a.Id) ?? []))]));
        }).WithTags("Scheduler").WithName("Simulate")
          .WithSummary("The transition that would follow hypothetical node failures, standby or attribute changes; nothing is committed")
          .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The status the scheduler sees: every configured node, online when it is in the current view.</summary>
    private static ClusterStatus LiveStatus(ConfigurationReplica.Snapshot state) => new([..
        state.Config.Nodes.Select(n =>
        {
            var online = state.IsMember(n.Name);
            return new NodeState(n.Id.ToString(), n.Name, online, online, online ? "member" : "down", online ? "member" : "down",
                state.TransientAttributes.GetValueOrDefault(n.Name) ?? Attributes.Empty, ImmutableArray<ResourceHistory>.Empty);
        })]);
}
