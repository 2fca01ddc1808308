using System.Collections;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// A resource's node scores (Pacemaker's allowed_nodes): nodes in the order they were added, each with a score; a
/// node absent from the table may not run the resource. Used like a dictionary by node, but kept as two small arrays
/// (keys in insertion order, and position + score by node index): every resource has one, colocations copy them
/// several times per resource, and hash tables of 32 nodes made the garbage collector a large part of a run.
/// Entries are never removed, so enumeration order is insertion order, as a dictionary's is without removals.
/// </summary>
internal sealed class NodeScoreTable : IEnumerable<KeyValuePair<NodeInfo, int>>
{
    // keys[0..count) in insertion order; byIndex[node.Index] = (position + 1, score), position 0 meaning absent.
    private NodeInfo[] keys;
    private (int Position, int Score)[] byIndex;
    private int count;

    public NodeScoreTable(int capacity = 0)
    {
        keys = capacity == 0 ? [] : new NodeInfo[capacity];
        byIndex = capacity == 0 ? [] : new (int, int)[capacity];
    }

    // Copy on write: a copy shares the arrays until either table changes, each array separately (stickiness changes
    // one score of nearly every resource's table but adds no node, so the key array stays shared). Every resource
    // starts as a copy of the same all-zero table, colocation merges copy tables that are mostly only read, and a
    // run's tables live until its end (every garbage collection during the run copies them).
    private bool keysShared;
    private bool scoresShared;

    /// <summary>A copy, with the same nodes in the same order.</summary>
    public NodeScoreTable(NodeScoreTable other)
    {
        keys = other.keys;
        byIndex = other.byIndex;
        count = other.count;
        keysShared = other.keysShared = true;
        scoresShared = other.scoresShared = true;
    }

    private void UnshareScores()
    {
        if (!scoresShared) return;
        byIndex = ((int, int)[])byIndex.Clone();
        scoresShared = false;
    }

    private void UnshareKeys()
    {
        if (!keysShared) return;
        keys = (NodeInfo[])keys.Clone();
        keysShared = false;
    }

    public int Count => count;

    /// <summary>The nodes, in the order they were added.</summary>
    public ArraySegment<NodeInfo> Keys => new(keys, 0, count);

    /// <exception cref="KeyNotFoundException">Reading a node that is not in the table.</exception>
    public int this[NodeInfo node]
    {
        get => TryGetValue(node, out var score) ? score : throw new KeyNotFoundException($"node {node.Name} has no score in this table");
        set
        {
            if (!ContainsKey(node)) Add(node, value);
            else if (byIndex[node.Index].Score != value)
            {
                UnshareScores();
                byIndex[node.Index].Score = value;
            }
        }
    }

    public bool ContainsKey(NodeInfo node) => node.Index < byIndex.Length && byIndex[node.Index].Position > 0;

    public bool TryGetValue(NodeInfo node, out int score)
    {
        if (ContainsKey(node))
        {
            score = byIndex[node.Index].Score;
            return true;
        }
        score = 0;
        return false;
    }

    public int GetValueOrDefault(NodeInfo node, int fallback = 0) => TryGetValue(node, out var score) ? score : fallback;

    public bool TryAdd(NodeInfo node, int score)
    {
        if (ContainsKey(node)) return false;
        Add(node, score);
        return true;
    }

    private void Add(NodeInfo node, int score)
    {
        UnshareKeys();
        UnshareScores();
        if (node.Index >= byIndex.Length) Array.Resize(ref byIndex, Math.Max(node.Index + 1, byIndex.Length * 2));
        if (count == keys.Length) Array.Resize(ref keys, Math.Max(4, keys.Length * 2));
        keys[count++] = node;
        byIndex[node.Index] = (count, score);
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<NodeInfo, int>> IEnumerable<KeyValuePair<NodeInfo, int>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Scores may change while enumerating (as a dictionary allows); nodes must not be added.</summary>
    public struct Enumerator(NodeScoreTable table) : IEnumerator<KeyValuePair<NodeInfo, int>>
    {
        private int next;

        public KeyValuePair<NodeInfo, int> Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (next >= table.count) return false;
            var node = table.keys[next++];
            Current = new(node, table.byIndex[node.Index].Score);
            return true;
        }

        public void Reset() => next = 0;

        public readonly void Dispose()
        {
        }
    }
}
