namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>One traced command of a bash -x run and what it printed up to the next trace.</summary>
public sealed record TracedStep(string Command, string Output);

/// <summary>
/// A bash -x transcript with PS4=$'\n+ ' and stderr merged into stdout: every trace starts on a line of its own
/// ("+ command"), so each command is followed by its own output. A command substitution's trace has no output (it is
/// captured); the parts of a pipeline are traced in no fixed order, so their output is looked up by its content.
/// </summary>
public sealed class Transcript
{
    private Transcript(IReadOnlyList<TracedStep> steps) => Steps = steps;

    public IReadOnlyList<TracedStep> Steps { get; }

    public static Transcript Parse(string text)
    {
        var steps = new List<TracedStep>();
        string? command = null;
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("+ ", StringComparison.Ordinal))
            {
                if (command is not null) steps.Add(new TracedStep(command, string.Join('\n', lines).Trim('\n')));
                (command, lines) = (line[2..], []);
            }
            else
            {
                lines.Add(line);
            }
        }
        if (command is not null) steps.Add(new TracedStep(command, string.Join('\n', lines).Trim('\n')));
        return new Transcript(steps);
    }

    /// <summary>The outputs of the commands that start with the prefix, in order.</summary>
    public IEnumerable<string> OutputsOf(string commandPrefix) =>
        Steps.Where(s => s.Command.StartsWith(commandPrefix, StringComparison.Ordinal)).Select(s => s.Output);

    /// <summary>What the first traced assignment "NAME=value" (given as "NAME=" or "export NAME=") set.</summary>
    public string Value(string assignment) =>
        Steps.Select(s => s.Command).FirstOrDefault(c => c.StartsWith(assignment, StringComparison.Ordinal)) is { } found
            ? found[assignment.Length..]
            : throw new InvalidOperationException($"the transcript has no '{assignment}...'");
}
