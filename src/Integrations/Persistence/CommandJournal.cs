using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using Microsoft.Win32.SafeHandles;

namespace HaApi.Integrations.Persistence;

/// <summary>One applied command as journaled: replayed on the configuration of Sequence - 1, it must give Version.</summary>
internal sealed record JournalEntry(long Sequence, long Term, ConfigVersion Version, CommandEnvelope Envelope);

/// <summary>What a journal file holds: its valid records, the byte after the last one, and the byte after the last
/// non-zero byte (beyond ValidLength only when a crash tore the record being appended).</summary>
internal sealed record JournalContents(List<JournalEntry> Entries, long ValidLength, long DirtyEnd);

/// <summary>
/// An append-only file of applied commands, one framed record each (length, SHA-256 of the payload, JSON payload),
/// made durable by one fdatasync per append or per group of appends. Appending a small record replaces rewriting and
/// syncing the whole configuration (and its directory) for every change. Records are written into a zero-filled
/// <see cref="PreparedSegment"/> when one is ready, so the sync flushes data only; past its end the file grows.
/// A crash mid-append leaves at most a torn last record, which was never acknowledged and is cut off (zeroed) when
/// the journal is opened again.
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

    /// <summary>Bytes of records written: what sizes the next segment.</summary>
    public long Length => length;

    /// <summary>The journal files of a directory, oldest first, with the sequence of their first record.</summary>
    public static List<(string Path, long FirstSequence)> Files(string directory) =>
        [.. Directory.EnumerateFiles(directory, Prefix + "*")
            .Select(p => (Path: p, Ok: long.TryParse(System.IO.Path.GetFileName(p)[Prefix.Length..], out var s), First: s))
            .Where(f => f.Ok)
            .Select(f => (f.Path, f.First))
            .OrderBy(f => f.First)];

    /// <summary>
    /// Starts a new journal whose first record will be firstSequence. In the prepared (zero-filled) segment when there
    /// is one, renamed without a directory sync, which would otherwise hold up the write that starts it while the
    /// compaction's syncs run: a crash before the rename is durable leaves the records under the prepared name, where
    /// <see cref="TakeBackUnrenamed"/> finds them. Else in an empty file that grows, whose directory entry is made
    /// durable before any record is acknowledged from it.
    /// </summary>
    public static CommandJournal Create(string directory, long firstSequence, string? prepared)
    {
        var path = JournalPath(directory, firstSequence);
        if (prepared is not null)
            File.Move(prepared, path);
        else
            // Created 0600 from the first byte: commands carry fence and SNMP secrets.
            new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }).Dispose();
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (prepared is null) DirectorySync.Fsync(directory);
        return new CommandJournal(path, handle, 0, firstSequence);
    }

    /// <summary>
    /// After a crash: a prepared segment that holds records is a journal whose rename was not yet durable. It gets
    /// its journal name back (durably) before anything prepares a new segment under that name.
    /// </summary>
    public static void TakeBackUnrenamed(string directory)
    {
        var prepared = System.IO.Path.Combine(directory, PreparedSegment.FileName);
        if (!File.Exists(prepared) || Read(prepared, tornTailAllowed: true).Entries is not [var first, ..]) return;
        File.Move(prepared, JournalPath(directory, first.Sequence));
        DirectorySync.Fsync(directory);
    }

    private static string JournalPath(string directory, long firstSequence) =>
        System.IO.Path.Combine(directory, $"{Prefix}{firstSequence:D19}");

    /// <summary>Reopens an existing journal for appending after its last valid record. The bytes of a torn record
    /// after it are zeroed (not cut off: the zeros of a prepared segment stay written), so that a shorter record
    /// written there later is not followed by garbage, which would make this file corrupt once it is no longer the newest.</summary>
    public static CommandJournal Reopen(string path, long firstSequence, JournalContents contents)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (contents.DirtyEnd > contents.ValidLength)
        {
            RandomAccess.Write(handle, new byte[contents.DirtyEnd - contents.ValidLength], contents.ValidLength);
            DirectorySync.DataSync(handle);
        }
        return new CommandJournal(path, handle, contents.ValidLength, firstSequence);
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
    /// Reads the records of a journal file. They end at a zero length field (the zero-filled rest of a prepared
    /// segment) or at the end of the file. A record that is incomplete or fails its checksum ends the journal when
    /// tornTailAllowed (the newest file, which a crash may have cut mid-append); anywhere else it is corruption, and
    /// so is anything but zeros after the end of an older file's records.
    /// </summary>
    public static JournalContents Read(string path, bool tornTailAllowed)
    {
        var bytes = File.ReadAllBytes(path);
        var entries = new List<JournalEntry>();
        var offset = 0;
        while (offset < bytes.Length && !IsZero(bytes.AsSpan(offset, Math.Min(4, bytes.Length - offset))))
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
        var dirtyEnd = bytes.AsSpan(offset).LastIndexOfAnyExcept((byte)0) + 1 + offset;
        if (dirtyEnd > offset && !tornTailAllowed)
            throw new InvalidDataException($"non-zero bytes after the last record (byte {offset}), up to byte {dirtyEnd}");
        return new JournalContents(entries, offset, dirtyEnd);
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

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
