using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using Microsoft.Win32.SafeHandles;

namespace HaApi.Integrations.Persistence;

/// <summary>One applied command as journaled: replayed on the configuration of Sequence - 1, it must give Version.</summary>
internal sealed record JournalEntry(long Sequence, long Term, ConfigVersion Version, CommandEnvelope Envelope);

/// <summary>
/// An append-only file of applied commands, one framed record each (length, SHA-256 of the payload, JSON payload),
/// made durable by one fdatasync per append or per group of appends. Appending a small record replaces rewriting and syncing the whole
/// configuration (and its directory) for every change. A crash mid-append leaves at most a torn last record,
/// which was never acknowledged and is cut off when the journal is opened again.
/// </summary>
internal sealed class CommandJournal : IDisposable
{
    private const string Prefix = "config.journal.";
    private const int FrameHeader = 4 + 32;
    private const int MaxRecordBytes = 64 << 20;

    private readonly SafeFileHandle handle;
    private long length;
    private bool unsynced;

    private CommandJournal(string path, SafeFileHandle handle, long length, long firstSequence)
    {
        Path = path;
        this.handle = handle;
        this.length = length;
        FirstSequence = firstSequence;
    }

    public string Path { get; }
    public long FirstSequence { get; }
    public int Appended { get; private set; }

    /// <summary>The journal files of a directory, oldest first, with the sequence of their first record.</summary>
    public static List<(string Path, long FirstSequence)> Files(string directory) =>
        [.. Directory.EnumerateFiles(directory, Prefix + "*")
            .Select(p => (Path: p, Ok: long.TryParse(System.IO.Path.GetFileName(p)[Prefix.Length..], out var s), First: s))
            .Where(f => f.Ok)
            .Select(f => (f.Path, f.First))
            .OrderBy(f => f.First)];

    /// <summary>Starts a new journal whose first record will be firstSequence; its directory entry is made durable
    /// before any record is acknowledged from it.</summary>
    public static CommandJournal Create(string directory, long firstSequence)
    {
        var path = System.IO.Path.Combine(directory, $"{Prefix}{firstSequence:D19}");
        // Created 0600 from the first byte: commands carry fence and SNMP secrets.
        new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }).Dispose();
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        DirectorySync.Fsync(directory);
        return new CommandJournal(path, handle, 0, firstSequence);
    }

    /// <summary>Reopens an existing journal for appending after its last valid record, cutting off a torn tail.</summary>
    public static CommandJournal Reopen(string path, long firstSequence, long validLength)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (RandomAccess.GetLength(handle) != validLength)
        {
            RandomAccess.SetLength(handle, validLength);
            DirectorySync.DataSync(handle);
        }
        return new CommandJournal(path, handle, validLength, firstSequence);
    }

    /// <summary>Appends a record; it is on stable storage once <see cref="Sync"/> has returned.</summary>
    public void Append(JournalEntry entry)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(entry, ConfigJson.Options);
        var frame = new byte[FrameHeader + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        SHA256.HashData(payload, frame.AsSpan(4, 32));
        payload.CopyTo(frame.AsSpan(FrameHeader));
        RandomAccess.Write(handle, frame, length);
        length += frame.Length;
        Appended++;
        unsynced = true;
    }

    /// <summary>One fdatasync for every record appended since the last one (group commit).</summary>
    public void Sync()
    {
        if (!unsynced) return;
        DirectorySync.DataSync(handle);
        unsynced = false;
    }

    /// <summary>
    /// Reads the records of a journal file. A record that is incomplete or fails its checksum ends the journal when
    /// tornTailAllowed (the newest file, which a crash may have cut mid-append); anywhere else it is corruption.
    /// </summary>
    public static List<JournalEntry> Read(string path, bool tornTailAllowed, out long validLength)
    {
        var bytes = File.ReadAllBytes(path);
        var entries = new List<JournalEntry>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var problem = TryReadRecord(bytes, offset, out var entry, out var next);
            if (problem is not null)
            {
                if (!tornTailAllowed)
                    throw new InvalidDataException($"record at byte {offset}: {problem}");
                break;
            }
            entries.Add(entry!);
            offset = next;
        }
        validLength = offset;
        return entries;
    }

    private static string? TryReadRecord(byte[] bytes, int offset, out JournalEntry? entry, out int next)
    {
        entry = null;
        next = offset;
        if (bytes.Length - offset < FrameHeader) return "truncated header";
        var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
        if (size <= 0 || size > MaxRecordBytes) return $"impossible length {size}";
        if (bytes.Length - offset - FrameHeader < size) return "truncated record";
        var payload = bytes.AsSpan(offset + FrameHeader, size);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(offset + 4, 32))) return "checksum mismatch";
        try
        {
            entry = JsonSerializer.Deserialize<JournalEntry>(payload, ConfigJson.Options);
        }
        catch (JsonException e)
        {
            return $"unreadable record ({e.Message})";
        }
        if (entry is null) return "empty record";
        next = offset + FrameHeader + size;
        return null;
    }

    public void Dispose() => handle.Dispose();
}
