namespace HaApi.Api.Errors;

/// <summary>A change was made but the cluster did not finish carrying it out within the caller's `wait`.</summary>
internal sealed class NotSettledException(TimeSpan waited, IReadOnlyList<string> pending)
    : Exception($"the change is in effect, but after {waited.TotalSeconds:0.#}s the cluster still has to: {string.Join("; ", pending)}")
{
    public IReadOnlyList<string> Pending { get; } = pending;
}
