using HaApi.Api.Errors;
using HaApi.Engine.Model;

namespace HaApi.Api.Mapping;

/// <summary>Field parsers that record a precise error instead of throwing, so one response lists every problem.</summary>
internal static class Parse
{
    public static string Required(FieldErrors e, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) e.Add(field, "is required");
        return value?.Trim() ?? "";
    }

    public static Score? Score(FieldErrors e, string field, string? value, bool required)
    {
        if (value is null)
        {
            if (required) e.Add(field, "is required (an integer, INFINITY or -INFINITY)");
            return null;
        }
        if (Engine.Model.Score.TryParse(value, out var s)) return s;
        e.Add(field, $"'{value}' is not a score: use an integer, INFINITY or -INFINITY");
        return null;
    }

    public static TimeSpan? Duration(FieldErrors e, string field, string? value)
    {
        if (value is null) return null;
        if (Engine.Model.Duration.TryParse(value, out var d)) return d;
        e.Add(field, $"'{value}' is not a duration: use e.g. 30s, 500ms, 5min, 1h or ISO 8601 (PT30S)");
        return null;
    }

    public static Role? Role(FieldErrors e, string field, string? value)
    {
        if (value is null) return null;
        if (RoleNames.TryParse(value, out var r) && r != Engine.Model.Role.Unknown) return r;
        e.Add(field, $"'{value}' is not a role: use Started, Stopped, Promoted or Unpromoted");
        return null;
    }

    /// <summary>Parses an enum by name, accepting kebab-case and snake_case (static-list, not_defined).</summary>
    public static T Enum<T>(FieldErrors e, string field, string? value, T fallback) where T : struct, System.Enum
    {
        if (value is null) return fallback;
        var normalized = value.Replace("-", "").Replace("_", "");
        if (System.Enum.TryParse<T>(normalized, ignoreCase: true, out var result) && System.Enum.IsDefined(result)) return result;
        e.Add(field, $"'{value}' is not one of: {string.Join(", ", System.Enum.GetNames<T>().Select(Wire))}");
        return fallback;
    }

    /// <summary>An enum value as the API shows it: kebab-case lower (StaticList -> static-list).</summary>
    public static string Wire<T>(T value) where T : struct, System.Enum => Wire(value.ToString());

    private static string Wire(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
