namespace HaApi.Engine.Scheduler;

/// <summary>
/// The orderings of a run indexed by action, built once all of them are known: for each action the orderings into
/// it and out of it, each in the order they were added. Per direction two int arrays (offsets by action id, then
/// positions in the ordering list grouped by action) instead of a list per action: a large cluster has tens of
/// thousands of actions, and a list each was as many objects kept alive for the rest of the run.
/// </summary>
internal sealed class OrderGraph
{
    private readonly List<OrderEdge> orderings;
    private readonly int[] inStart;
    private readonly int[] inEdges;
    private readonly int[] outStart;
    private readonly int[] outEdges;

    /// <param name="actionCount">Action ids run from 1 to this (WorkingSet.NewAction numbers them so).</param>
    public OrderGraph(List<OrderEdge> orderings, int actionCount)
    {
        this.orderings = orderings;
        (inStart, inEdges) = Group(orderings, actionCount, e => e.Then.Id);
        (outStart, outEdges) = Group(orderings, actionCount, e => e.First.Id);
    }

    /// <summary>The orderings whose Then is the action, oldest first.</summary>
    public Edges Into(ActionNode action) => new(orderings, inEdges.AsSpan(inStart[action.Id - 1]..inStart[action.Id]));

    /// <summary>The orderings whose First is the action, oldest first.</summary>
    public Edges OutOf(ActionNode action) => new(orderings, outEdges.AsSpan(outStart[action.Id - 1]..outStart[action.Id]));

    /// <summary>Some of the orderings, by their positions in the run's ordering list.</summary>
    public readonly ref struct Edges(List<OrderEdge> orderings, ReadOnlySpan<int> positions)
    {
        private readonly ReadOnlySpan<int> positions = positions;

        public int Count => positions.Length;
        public OrderEdge this[int index] => orderings[positions[index]];

        public Enumerator GetEnumerator() => new(this);

        public ref struct Enumerator(Edges edges)
        {
            private readonly Edges edges = edges;
            private int index = -1;
            public readonly OrderEdge Current => edges[index];
            public bool MoveNext() => ++index < edges.Count;
        }
    }

    /// <summary>A counting sort of the edge positions by action id: stable, so each action's edges keep the order they
    /// were added in.</summary>
    private static (int[] Start, int[] Positions) Group(List<OrderEdge> orderings, int actionCount, Func<OrderEdge, int> actionId)
    {
        var start = new int[actionCount + 1];
        foreach (var e in orderings) start[actionId(e)]++;
        // Prefix sums: the edges of action id go to [start[id - 1], start[id]).
        for (var id = 1; id <= actionCount; id++) start[id] += start[id - 1];
        var positions = new int[orderings.Count];
        var next = start[..actionCount];
        for (var i = 0; i < orderings.Count; i++) positions[next[actionId(orderings[i]) - 1]++] = i;
        return (start, positions);
    }
}
