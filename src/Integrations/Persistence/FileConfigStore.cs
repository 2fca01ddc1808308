using System.Security.Cryptography;
using System.Text.Json;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Persistence;

/// <summary>
/// Stores the configuration as a snapshot file plus a journal of the commands applied since.
///
/// The snapshot (config.json) is replaced atomically: write a temporary file, fsync it, rename it over the old one,
/// fsync the directory. Its first line is a header with a SHA-256 of the rest, so a torn or edited file is detected
/// at load instead of being half-read. It records the sequence number of the last journaled command it includes.
///
/// Each applied command is appended to the journal (<see cref="CommandJournal"/>) with one fdatasync: a few hundred
/// bytes instead of the whole configuration and history, and no rename or directory sync (or one fdatasync for a
/// group of commands appended with AppendUnsynced, at Flush). The records overwrite a zero-filled segment prepared
/// in the background (<see cref="PreparedSegment"/>), so that sync has no file-system metadata to commit. Loading replays the
/// journaled commands newer than the snapshot with <see cref="ConfigApplier"/>, which is deterministic (every node
/// relies on that already), and checks that each reaches the version it reached when it was applied. Once a journal
/// holds <c>compactAfter</c> commands a new one is started and the state is snapshotted on a background thread; the
/// old journal is deleted only after that snapshot is durable. A crash between any two of these steps loses nothing:
/// until the snapshot is renamed into place the old journal replays on the old snapshot, and after it the commands
/// the snapshot already holds are skipped.
/// </summary>
public sealed class FileConfigStore : IConfigStore, IDisposable
{
    private const string Format = "haapi-config/1";
    private const int DefaultCompactAfter = 1000;
    // A record is a few hundred bytes; a segment grows past its prepared size if commands are larger than foreseen.
    private const long DefaultSegmentBytes = 1 << 20;
    private const int SnapshotPieceBytes = 64 << 10;

    private readonly string directory;
    private readonly string path;
    private readonly int compactAfter;
    private readonly long minSegmentBytes;
    private readonly PreparedSegment next;
    // Appends and full saves; held only briefly, never during a background snapshot.
    private readonly object gate = new();
    // Snapshot writes (full saves and compactions), so an older snapshot never replaces a newer one.
    private readonly object snapshotGate = new();
    private bool opened;
    private CommandJournal? journal;
    private long lastSequence;
    private long snapshotSequence;
    // The state after the last appended command: what a compaction snapshots.
    private StoredConfig? latest;
    private Task compaction = Task.CompletedTask;

    public FileConfigStore(string dataDirectory, int compactAfter = DefaultCompactAfter, long minSegmentBytes = DefaultSegmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compactAfter, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minSegmentBytes);
        Directory.CreateDirectory(dataDirectory);
        directory = dataDirectory;
        path = Path.Combine(dataDirectory, "config.json");
        this.compactAfter = compactAfter;
        this.minSegmentBytes = minSegmentBytes;
        next = new PreparedSegment(dataDirectory);
    }

    /// <summary>Called after each step of a background compaction, with the step's name; tests copy the directory
    /// there to check that a crash at that point loses nothing.</summary>
    internal Action<string>? CompactionStep { get; init; }

    public string FilePath => path;

    public StoredConfig? Load()
    {
        lock (gate) return ReadAndOpen();
    }

    public void Save(StoredConfig state)
    {
        lock (gate)
        {
            Open();
            lock (snapshotGate)
            {
                WriteSnapshot(state, lastSequence);
                // Every journaled command is in the snapshot now; the next append starts a new journal.
                journal?.Dispose();
                journal = null;
                DeleteJournalsUpTo(lastSequence);
            }
        }
    }

    public void Append(StoredConfig state, CommandEnvelope applied)
    {
        lock (gate)
        {
            AppendUnsynced(state, applied);
            Flush();
        }
    }

    public void AppendUnsynced(StoredConfig state, CommandEnvelope applied)
    {
        var version = state.Config.Version;
        lock (gate)
        {
            Open();
            journal ??= CommandJournal.Create(directory, lastSequence + 1, next.Take());
            journal.Append(new JournalEntry(lastSequence + 1, state.Term, version, applied));
            lastSequence++;
            latest = state;
            PrepareNextSegmentWhenHalfFull();
        }
    }

    public void Flush()
    {
        lock (gate)
        {
            if (journal is null) return;
            journal.Sync();
            // Only a synced journal is closed: its commands must be durable before a snapshot makes it redundant.
            if (journal.Appended >= compactAfter && compaction.IsCompleted && latest is { } state)
            {
                journal.Dispose();
                var upTo = lastSequence;
                journal = CommandJournal.Create(directory, upTo + 1, next.Take());
                compaction = Task.Run(() => Compact(state, upTo));
            }
        }
    }

    /// <summary>Waits for a background snapshot or segment preparation in progress.</summary>
    public void Dispose()
    {
        try
        {
            compaction.Wait();
        }
        catch (AggregateException)
        {
            // A failed snapshot deleted nothing: its journal still holds every command.
        }
        next.Dispose();
        lock (gate) journal?.Dispose();
    }

    /// <summary>For tests: waits until a compaction and a segment preparation in progress are done.</summary>
    internal void WaitForBackgroundWork()
    {
        compaction.Wait();
        next.Wait();
    }

    /// <summary>Half way through a journal, so the preparation's writes and sync do not coincide with the
    /// compaction's. Three times the first half (the whole journal, and half again for larger commands), at least
    /// the default.</summary>
    private void PrepareNextSegmentWhenHalfFull()
    {
        if (journal!.Appended >= (compactAfter + 1) / 2)
            next.Start(Math.Max(minSegmentBytes, journal.Length * 3));
    }

    private void Compact(StoredConfig state, long upTo)
    {
        lock (snapshotGate)
        {
            if (snapshotSequence >= upTo) return;
            CompactionStep?.Invoke("journal closed");
            WriteSnapshot(state, upTo);
            CompactionStep?.Invoke("snapshot durable");
            DeleteJournalsUpTo(upTo);
            CompactionStep?.Invoke("old journals deleted");
        }
    }

    /// <summary>At the first load or write: finds the last sequence number and reopens the newest journal after its
    /// last valid record (a torn tail from a crash is cut off there, so new records never follow garbage).</summary>
    private void Open()
    {
        if (!opened) ReadAndOpen();
    }

    private StoredConfig? ReadAndOpen()
    {
        if (!opened) CommandJournal.TakeBackUnrenamed(directory);
        var stored = Read(out var last, out var tail);
        if (opened) return stored;
        lastSequence = last;
        if (tail is { } t)
        {
            journal = CommandJournal.Reopen(t.Path, t.FirstSequence, t.Contents);
            PrepareNextSegmentWhenHalfFull();
        }
        else
        {
            // Ready, with luck, before the first command arrives.
            next.Start(minSegmentBytes);
        }
        opened = true;
        return stored;
    }

    private StoredConfig? Read(out long last, out (string Path, long FirstSequence, JournalContents Contents)? tail)
    {
        var snapshot = ReadSnapshot();
        var config = snapshot?.Config ?? ClusterConfig.Empty;
        var history = snapshot?.History ?? [];
        var term = snapshot?.Term ?? 0;
        last = snapshot?.Sequence ?? 0;
        snapshotSequence = last;
        tail = null;
        var replayed = 0;
        var files = CommandJournal.Files(directory);
        for (var i = 0; i < files.Count; i++)
        {
            var (file, first) = files[i];
            var newest = i == files.Count - 1;
            JournalContents contents;
            try
            {
                contents = CommandJournal.Read(file, tornTailAllowed: newest);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(file, e.Message);
            }
            foreach (var entry in contents.Entries.Where(e => e.Sequence > snapshotSequence))
            {
                if (entry.Sequence != last + 1)
                    throw Corrupt(file, $"command {entry.Sequence} follows command {last}; the commands in between are missing");
                var outcome = ConfigApplier.Apply(config, entry.Envelope);
                if (!outcome.Succeeded || outcome.Config!.Version != entry.Version)
                    throw Corrupt(file, $"command {entry.Sequence} ({entry.Envelope.Command.Describe()}) replays to " +
                                        $"{outcome.Config?.Version.ToString() ?? outcome.Error!.Message}, not version {entry.Version}");
                config = outcome.Config;
                history = [.. history, outcome.Change!];
                term = entry.Term;
                last = entry.Sequence;
                replayed++;
            }
            if (newest) tail = (file, first, contents);
        }
        return snapshot is null && replayed == 0 ? null : new StoredConfig(config, history, term);
    }

    private State? ReadSnapshot()
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0) throw Corrupt(path, "no header line");
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(0, newline), ConfigJson.Options);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"unreadable header ({e.Message})");
        }
        if (header?.Format != Format) throw Corrupt(path, $"format '{header?.Format}' is not {Format}");
        var body = bytes.AsSpan(newline + 1);
        if (!Convert.ToHexStringLower(SHA256.HashData(body)).Equals(header.Sha256, StringComparison.Ordinal))
            throw Corrupt(path, "checksum mismatch (the file was truncated or edited)");
        try
        {
            return JsonSerializer.Deserialize<State>(body, ConfigJson.Options) ?? throw Corrupt(path, "empty body");
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"unreadable configuration ({e.Message})");
        }
    }

    private void WriteSnapshot(StoredConfig state, long sequence)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new State(state.Config, state.History.ToList(), state.Term, sequence), ConfigJson.Options);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(Format, Convert.ToHexStringLower(SHA256.HashData(body)), state.Config.Version.ToString()), ConfigJson.Options);
        var temp = path + ".tmp";
        // Created 0600 from the first byte: the file holds fence and SNMP secrets.
        File.Delete(temp);
        using (var file = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            file.Write(header);
            file.WriteByte((byte)'\n');
            // To the disk 64 KiB at a time, so that a journal sync issued meanwhile (on this node, or on another node
            // sharing the disk) waits behind a piece rather than the whole snapshot (ReplicationBench, bench/README.md).
            for (var at = 0; at < body.Length; at += SnapshotPieceBytes)
            {
                file.Write(body, at, Math.Min(SnapshotPieceBytes, body.Length - at));
                file.Flush();
                DirectorySync.WriteBack(file.SafeFileHandle);
            }
            file.Flush(flushToDisk: true);
        }
        CompactionStep?.Invoke("snapshot written, not yet renamed");
        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(directory);
        snapshotSequence = sequence;
    }

    /// <summary>Deletes the journals whose every command is in the snapshot, except the one being appended to (after a
    /// restart that may be an old one). One that survives a crash is harmless: loading skips commands the snapshot
    /// already holds.</summary>
    private void DeleteJournalsUpTo(long sequence)
    {
        foreach (var (file, first) in CommandJournal.Files(directory))
            if (first <= sequence && file != journal?.Path) File.Delete(file);
    }

    private ConfigStoreException Corrupt(string file, string why) => new(
        $"configuration file {file} cannot be loaded: {why}. HaApi will not start on a damaged configuration; " +
        $"restore {path} from a backup or another node's copy (GET /api/v1/config) and remove the journal files " +
        $"({directory}/config.journal.*), or move them all away to start empty");

    private sealed record Header(string Format, string Sha256, string Version);

    /// <summary>Sequence: the last journaled command this snapshot includes (0 in files written before the journal).</summary>
    private sealed record State(ClusterConfig Config, List<ChangeRecord> History, long Term, long Sequence = 0);
}
