namespace HaApi.Api.Errors;

/// <summary>The request body or parameters are malformed; Errors maps each field (JSON path) to its reasons. HTTP 422.</summary>
public sealed class RequestValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("the request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>One field, one reason.</summary>
    public static RequestValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Collects field errors while mapping a request, then throws them all at once.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public bool Any => errors.Count > 0;

    public void ThrowIfAny()
    {
        if (errors.Count > 0) throw new RequestValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
