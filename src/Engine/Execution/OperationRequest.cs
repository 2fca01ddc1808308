using System.Collections.Immutable;
using HaApi.Engine.Model;

namespace HaApi.Engine.Execution;

/// <summary>One action for a resource agent: the resource's definition, the action and its interval/timeout.</summary>
public sealed record OperationRequest(
    string ResourceId,
    Primitive Resource,
    string Action,
    TimeSpan Interval,
    TimeSpan Timeout,
    string NodeName,
    ImmutableSortedDictionary<string, string> ExtraMeta)
{
    public string Key => $"{ResourceId}_{Action}_{(long)Interval.TotalMilliseconds}";

    /// <summary>A probe is a one-shot monitor (interval 0) that discovers the resource's state on a node.</summary>
    public bool IsProbe => Action == OperationNames.Monitor && Interval == TimeSpan.Zero;
}
