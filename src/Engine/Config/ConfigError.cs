namespace HaApi.Engine.Config;

public enum ConfigErrorKind
{
    /// <summary>The change refers to an item that does not exist (HTTP 404).</summary>
    NotFound,
    /// <summary>The id is taken, or the change conflicts with the current configuration (HTTP 409).</summary>
    Conflict,
    /// <summary>The resulting configuration would be invalid (HTTP 422).</summary>
    Invalid,
    /// <summary>The client's expected version (If-Match) is not the current one (HTTP 412).</summary>
    VersionMismatch,
    /// <summary>The cluster is re-forming (a view change is being synchronised); retry shortly (HTTP 503).</summary>
    Unavailable,
}

/// <summary>Why a configuration change was refused. Errors name the item and field.</summary>
public sealed record ConfigError(ConfigErrorKind Kind, string Message, IReadOnlyList<ValidationError> Errors)
{
    public static ConfigError NotFound(string message) => new(ConfigErrorKind.NotFound, message, []);
    public static ConfigError Conflict(string message) => new(ConfigErrorKind.Conflict, message, []);
}

/// <summary>A refused change as an exception, for callers that submit and await.</summary>
public sealed class ConfigRejectedException(ConfigError error) : Exception(error.Message)
{
    public ConfigError Error { get; } = error;
}
