using System.Text.Json;
using HaApi.Api.Auth;
using HaApi.Engine.Cib;
using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace HaApi.Api.Errors;

/// <summary>The one place where failures become RFC 7807 problem details.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    /// <summary>Set by endpoints to the id of the item a request changes, so its errors are named by field alone.</summary>
    public const string ItemKey = "haapi.item";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(http, exception);
        if (problem.Status >= 500 && exception is not NotQuorateException)
            log.LogError(exception, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails ToProblem(HttpContext http, Exception exception) => exception switch
    {
        RequestValidationException v => new ValidationProblemDetails(v.Errors.ToDictionary())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request is invalid",
            Detail = v.Message,
        },
        ConfigRejectedException r => Rejected(http, r.Error),
        CibImportException c => new ValidationProblemDetails(c.Problems
            .GroupBy(p => $"line {p.Line}: <{p.Element}{(p.Id is null ? "" : $" id=\"{p.Id}\"")}>")
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The CIB cannot be imported",
            Detail = c.Message,
        },
        NotSettledException w => new ProblemDetails
        {
            Status = StatusCodes.Status504GatewayTimeout,
            Title = "The cluster has not settled yet",
            Detail = w.Message,
            Extensions = { ["pending"] = w.Pending },
        },
        NotFoundException n => Problem(StatusCodes.Status404NotFound, "Not found", n.Message),
        NotQuorateException q => Problem(StatusCodes.Status503ServiceUnavailable, "No quorum", q.Message),
        AuthenticationRequiredException u => Problem(StatusCodes.Status401Unauthorized, "Authentication required", u.Message),
        BadHttpRequestException b when b.InnerException is JsonException j => new ValidationProblemDetails(
            new Dictionary<string, string[]> { [JsonField(j)] = [JsonReason(j)] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this operation",
            Detail = $"{JsonField(j)}: {JsonReason(j)}",
        },
        BadHttpRequestException b => Problem(b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", b.Message),
        TimeoutException t => Problem(StatusCodes.Status503ServiceUnavailable, "The cluster did not answer in time", t.Message),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", "the request failed unexpectedly; the node's log has the details"),
    };

    private static ProblemDetails Rejected(HttpContext http, ConfigError error)
    {
        var status = error.Kind switch
        {
            ConfigErrorKind.NotFound => StatusCodes.Status404NotFound,
            ConfigErrorKind.Conflict => StatusCodes.Status409Conflict,
            ConfigErrorKind.VersionMismatch => StatusCodes.Status412PreconditionFailed,
            ConfigErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        if (error.Errors.Count == 0) return Problem(status, Title(error.Kind), error.Message);
        var item = http.Items[ItemKey] as string;
        var fields = error.Errors
            .GroupBy(e => e.Item == item ? e.Field : $"{e.Item}.{e.Field}")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return new ValidationProblemDetails(fields) { Status = status, Title = Title(error.Kind), Detail = error.Message };
    }

    private static string Title(ConfigErrorKind kind) => kind switch
    {
        ConfigErrorKind.NotFound => "Not found",
        ConfigErrorKind.Conflict => "Conflict",
        ConfigErrorKind.VersionMismatch => "The configuration changed since it was read",
        ConfigErrorKind.Unavailable => "The cluster is re-forming",
        _ => "The change would make the configuration invalid",
    };

    private static string JsonField(JsonException j) => string.IsNullOrEmpty(j.Path) || j.Path == "$" ? "$" : j.Path.TrimStart('$', '.');

    private static string JsonReason(JsonException j) =>
        j.Message.Split(" Path:")[0].Split(". LineNumber")[0];

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
