using System.Collections.Immutable;

namespace HaApi.Engine.Fencing;

/// <summary>
/// The result of fencing one target: which level (if any) succeeded, every device attempt in the order made, and a
/// sentence for humans. Device reasons come from runners, which never put credentials in them.
/// </summary>
public sealed record FencingOutcome(
    string Target,
    FenceAction Action,
    string Origin,
    bool Success,
    int? SucceededLevel,
    ImmutableArray<FenceResult> Attempts,
    string Reason,
    DateTimeOffset Started,
    TimeSpan Duration);
