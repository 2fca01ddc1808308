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
}
