namespace HaApi.Engine.Config;

/// <summary>One reason a configuration is invalid: which item (by id), which field of it, and why.</summary>
public sealed record ValidationError(string Item, string Field, string Message)
{
    public override string ToString() => $"{Item}.{Field}: {Message}";
}
