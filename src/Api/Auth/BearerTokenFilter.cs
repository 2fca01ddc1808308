namespace HaApi.Api.Auth;

/// <summary>
/// Requires a valid bearer token for every mutation, and for reads unless anonymous reads are allowed.
/// The token's name becomes the author recorded in the configuration history.
/// </summary>
internal sealed class BearerTokenFilter(TokenStore tokens, bool allowAnonymousReads) : IEndpointFilter
{
    public const string PrincipalKey = "haapi.principal";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var name = tokens.Authenticate(header["Bearer ".Length..].Trim());
            if (name is null) throw new AuthenticationRequiredException("the bearer token is not valid");
            http.Items[PrincipalKey] = name;
        }
        else if (!(isRead && allowAnonymousReads))
        {
            throw new AuthenticationRequiredException(
                "this request needs 'Authorization: Bearer <token>'; tokens are listed (hashed) in the node's token file, and the first one is generated at first start");
        }
        return next(context);
    }

    public static string Author(HttpContext http) => http.Items[PrincipalKey] as string ?? "anonymous";
}
