using HaApi.Api.Auth;
using HaApi.Api.Errors;
using HaApi.Engine.Cluster;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using Microsoft.Net.Http.Headers;

namespace HaApi.Api.Endpoints;

/// <summary>Submits a change on behalf of an HTTP request: author from the token, If-Match as the expected version.</summary>
internal sealed class ConfigWriter(ConfigurationReplica replica)
{
    public ClusterConfig Current => replica.Config;

    public async Task<ChangeRecord> SubmitAsync(HttpContext http, ConfigCommand command, string? item = null)
    {
        if (item is not null) http.Items[ProblemExceptionHandler.ItemKey] = item;
        var change = await replica.SubmitAsync(command, BearerTokenFilter.Author(http), ExpectedVersion(http.Request), http.RequestAborted);
        SetETag(http, change.Version);
        return change;
    }

    public static void SetETag(HttpContext http, ConfigVersion version) => http.Response.Headers.ETag = $"\"{version}\"";

    private static ConfigVersion? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.IfMatch].ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        if (ConfigVersion.TryParse(header.Trim().TrimStart('W', '/'), out var v)) return v;
        throw new RequestValidationException(new Dictionary<string, string[]>
        {
            ["If-Match"] = [$"'{header}' is not a configuration version; use the ETag of a previous response, e.g. \"0.12.0\""],
        });
    }
}
