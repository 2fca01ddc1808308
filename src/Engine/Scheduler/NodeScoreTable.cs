using System.Collections;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// A resource's node scores (Pacemaker's allowed_nodes): nodes in the order they were added, each with a score; a
/// node absent from the table may not run the resource. Used like a dictionary by node, but kept as two small arrays
/// (keys in insertion order, and scores by node index): every resource has one, colocations copy them
/// several times per resource, and hash tables of 32 nodes made the garbage collector a large part of a run.
/// Entries are never removed, so enumeration order is insertion order, as a dictionary's is without removals.
/// </summary>
internal sealed class NodeScoreTable : IEnumerable<KeyValuePair<NodeInfo, int>>
{
    // Marks a node absent from scores: no score arithmetic ever gives it (they saturate at ±INFINITY).
    private const int Absent = int.MinValue;

    // keys[0..count) in insertion order; scores[node.Index] is the node's score, or Absent. One int per node rather
    // than a position and a score: every running resource's table gets its own copy of this array (stickiness).
    private NodeInfo[] keys;
    private int[] scores;
    private int count;

    public NodeScoreTable(int capacity = 0)
    {
        keys = capacity == 0 ? [] : new NodeInfo[capacity];
        scores = capacity == 0 ? [] : NewScores(capacity);
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
        scores = other.scores;
        count = other.count;
        keysShared = other.keysShared = true;
        scoresShared = other.scoresShared = true;
    }

    private static int[] NewScores(int length)
    {
        var array = new int[length];
        Array.Fill(array, Absent);
        return array;
    }

    private void UnshareScores()
    {
        if (!scoresShared) return;
        scores = (int[])scores.Clone();
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
            ArgumentOutOfRangeException.ThrowIfEqual(value, Absent);
            if (!ContainsKey(node)) Add(node, value);
            else if (scores[node.Index] != value)
            {
                UnshareScores();
                scores[node.Index] = value;
            }
        }
    }

    public bool ContainsKey(NodeInfo node) => node.Index < scores.Length && scores[node.Index] != Absent;

    public bool TryGetValue(NodeInfo node, out int score)
    {
        if (ContainsKey(node))
        {
            score = scores[node.Index];
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
        ArgumentOutOfRangeException.ThrowIfEqual(score, Absent);
        UnshareKeys();
        UnshareScores();
        if (node.Index >= scores.Length)
        {
            var grown = NewScores(Math.Max(node.Index + 1, scores.Length * 2));
            scores.CopyTo(grown, 0);
            scores = grown;
        }
        if (count == keys.Length) Array.Resize(ref keys, Math.Max(4, keys.Length * 2));
        keys[count++] = node;
        scores[node.Index] = score;
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
            Current = new(node, table.scores[node.Index]);
            return true;
        }

        public void Reset() => next = 0;

        public readonly void Dispose()
        {
        }
    }
}
