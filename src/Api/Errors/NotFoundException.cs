namespace HaApi.Api.Errors;

/// <summary>The URL names something that does not exist. HTTP 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
