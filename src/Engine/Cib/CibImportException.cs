using System.Collections.Immutable;

namespace HaApi.Engine.Cib;

/// <summary>One thing in a CIB that HaApi could not import: the element, its id and where it is.</summary>
public sealed record CibProblem(string Element, string? Id, int Line, string Message)
{
    public override string ToString() => $"line {Line}: <{Element}{(Id is null ? "" : $" id=\"{Id}\"")}>: {Message}";
}

/// <summary>
/// A CIB that cannot be imported faithfully: malformed XML, a dangling reference, a bad value, or a construct
/// HaApi does not support (bundles, resource sets, templates...). All problems found are listed, so an operator
/// can fix them in one pass; nothing is silently dropped.
/// </summary>
public sealed class CibImportException(ImmutableArray<CibProblem> problems)
    : Exception("The CIB cannot be imported:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public ImmutableArray<CibProblem> Problems { get; } = problems;
}
