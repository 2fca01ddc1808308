using System.Numerics;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// A set of the run's nodes, one bit per node index. Every primitive keeps such sets (where it was probed, where its
/// state is known) and they are filled once per resource and node while the history is read: a hash set each cost
/// hundreds of bytes per primitive and a hash per add, which made reading a large status memory-bound. Up to 64 nodes
/// fit in one word. A struct held in its owner's field and reached by reference (see PrimitiveNode.ProbedOn), so a
/// set is no object of its own; never copy one that may still change (a copy would share the words beyond 64).
/// </summary>
internal struct NodeSet
{
    private ulong low;
    private ulong[]? high;

    public int Count { get; private set; }

    /// <summary>Adds the node; false if it was already in the set.</summary>
    public bool Add(NodeInfo node)
    {
        var bit = 1UL << (node.Index & 63);
        if (node.Index < 64)
        {
            if ((low & bit) != 0) return false;
            low |= bit;
        }
        else
        {
            var w = (node.Index / 64) - 1;
            if (high is null || w >= high.Length) Array.Resize(ref high, w + 1);
            if ((high[w] & bit) != 0) return false;
            high[w] |= bit;
        }
        Count++;
        return true;
    }

    public readonly bool Contains(NodeInfo node)
    {
        var bit = 1UL << (node.Index & 63);
        if (node.Index < 64) return (low & bit) != 0;
        var w = (node.Index / 64) - 1;
        return high is not null && w < high.Length && (high[w] & bit) != 0;
    }

    /// <summary>The members, in node index order; <paramref name="nodes"/> are the run's nodes (by index).</summary>
    public readonly IEnumerable<NodeInfo> In(IReadOnlyList<NodeInfo> nodes) => Members(low, high, nodes);

    private static IEnumerable<NodeInfo> Members(ulong low, ulong[]? high, IReadOnlyList<NodeInfo> nodes)
    {
        for (var w = 0; w <= (high?.Length ?? 0); w++)
        {
            var bits = w == 0 ? low : high![w - 1];
            while (bits != 0)
            {
                var index = (w * 64) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                yield return nodes[index];
            }
        }
    }
}
