namespace HaApi.Api.Auth;

/// <summary>
/// The request has no valid bearer token (HTTP 401). Its own type, so that a file permission error
/// (UnauthorizedAccessException) inside the node is never reported to a client as a login problem.
/// </summary>
public sealed class AuthenticationRequiredException(string message) : Exception(message);
