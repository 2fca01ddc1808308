namespace HaApi.Integrations.Prometheus;

/// <summary>
/// The series (name plus labels) already written in one family. A large cluster writes some 15,000 series per
/// scrape; keeping their text in one reused buffer instead of a string apiece keeps the duplicate check from
/// allocating per series.
/// </summary>
internal sealed class SeriesKeySet
{
    private char[] _text = new char[4096];
    private int _used;
    private (int Start, int Length, int Hash, int Next)[] _entries = new (int, int, int, int)[256];
    private int _count;
    // 1-based index into _entries of each chain's head; 0 marks an empty bucket.
    private int[] _buckets = new int[256];

    /// <summary>Memory held for keys and their index, kept across Clear.</summary>
    public long RetainedBytes => (long)_text.Length * sizeof(char) + (long)_entries.Length * 16 + (long)_buckets.Length * sizeof(int);

    /// <summary>Adds the key; false when it was already there.</summary>
    public bool Add(ReadOnlySpan<char> key)
    {
        var hash = Hash(key);
        for (var i = _buckets[Bucket(hash, _buckets.Length)]; i != 0; i = _entries[i - 1].Next)
        {
            var e = _entries[i - 1];
            if (e.Hash == hash && _text.AsSpan(e.Start, e.Length).SequenceEqual(key)) return false;
        }
        if (_count == _entries.Length) Grow();
        if (_used + key.Length > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _used + key.Length));
        key.CopyTo(_text.AsSpan(_used));
        var bucket = Bucket(hash, _buckets.Length);
        _entries[_count] = (_used, key.Length, hash, _buckets[bucket]);
        _buckets[bucket] = ++_count;
        _used += key.Length;
        return true;
    }

    public void Clear()
    {
        if (_count == 0) return;
        Array.Clear(_buckets);
        _count = 0;
        _used = 0;
    }

    private void Grow()
    {
        Array.Resize(ref _entries, _entries.Length * 2);
        _buckets = new int[_entries.Length];
        for (var i = 0; i < _count; i++)
        {
            var bucket = Bucket(_entries[i].Hash, _buckets.Length);
            _entries[i].Next = _buckets[bucket];
            _buckets[bucket] = i + 1;
        }
    }

    /// <summary>
    /// A multiply-rotate hash over eight bytes at a time: several times faster than the randomised string hash on
    /// keys of a hundred characters and more, and flooding is no concern for keys built from the cluster's own
    /// configuration.
    /// </summary>
    private static int Hash(ReadOnlySpan<char> key)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ulong>(key);
        var h = (ulong)key.Length;
        foreach (var w in words) h = System.Numerics.BitOperations.RotateLeft((h ^ w) * 0x9E3779B97F4A7C15UL, 31);
        for (var i = words.Length * 4; i < key.Length; i++) h = (h ^ key[i]) * 0x9E3779B97F4A7C15UL;
        h ^= h >> 32;
        return (int)h;
    }

    private static int Bucket(int hash, int length) => (int)((uint)hash % (uint)length);
}
