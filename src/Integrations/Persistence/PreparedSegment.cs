namespace HaApi.Integrations.Persistence;

/// <summary>
/// The next journal segment, zero-filled and synced in the background before the current one is full.
///
/// An append that grows a file makes every fdatasync commit the file system's metadata journal too (the new size);
/// overwriting blocks that were already written (not merely fallocated: unwritten extents need a metadata change on
/// their first write) flushes only the data. So segments are written with zeros once, off the write path, and records
/// then overwrite them in place, as PostgreSQL does with its WAL segments.
///
/// The file waits under a name that is not a journal's (<see cref="FileName"/>), so a crash leaves at worst a
/// leftover (perhaps cut short) that loading ignores and the next preparation replaces: only a file this process has
/// finished preparing is taken over, by a rename when a journal is started (<see cref="CommandJournal.Create"/>). That
/// rename is not synced on its own, so a crash may also leave a journal under this name, with records: loading takes it
/// back (<see cref="CommandJournal.TakeBackUnrenamed"/>).
/// </summary>
internal sealed class PreparedSegment(string directory) : IDisposable
{
    public const string FileName = "config.journal-prepared";
    private const int ChunkBytes = 64 << 10;

    private readonly string path = System.IO.Path.Combine(directory, FileName);
    private Task? preparing;

    /// <summary>Starts preparing a segment of the given size in the background, unless one is ready or in progress.</summary>
    public void Start(long bytes)
    {
        // A failed preparation (a full disk, say) is retried: the journal itself works without one.
        if (preparing is { IsFaulted: false }) return;
        preparing = Task.Run(() => Write(path, bytes));
    }

    /// <summary>The prepared file, if it is complete and durable; the caller takes it over (renames it).</summary>
    public string? Take()
    {
        if (preparing is not { IsCompletedSuccessfully: true }) return null;
        preparing = null;
        return path;
    }

    /// <summary>Waits for a preparation in progress; throws if it failed.</summary>
    public void Wait() => preparing?.Wait();

    /// <summary>Waits for a preparation in progress; a failed one only costs the speed-up, never a record.</summary>
    public void Dispose()
    {
        try
        {
            Wait();
        }
        catch (AggregateException)
        {
        }
    }

    private static void Write(string path, long bytes)
    {
        File.Delete(path);
        // Created 0600 from the first byte: it becomes a journal, and commands carry fence and SNMP secrets.
        using (var file = new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            var zeros = new byte[ChunkBytes];
            // In one piece: written back 64 KiB at a time (as snapshots are), the segment held up more journal syncs,
            // not fewer (ReplicationBench, bench/README.md).
            for (long written = 0; written < bytes; written += ChunkBytes)
                file.Write(zeros, 0, (int)Math.Min(ChunkBytes, bytes - written));
            // Size and blocks durable now, so the journal's own fdatasyncs never have metadata to commit.
            file.Flush(flushToDisk: true);
        }
        DirectorySync.Fsync(System.IO.Path.GetDirectoryName(path)!);
    }
}
