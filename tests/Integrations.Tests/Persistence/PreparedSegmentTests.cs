using System.Buffers.Binary;
using HaApi.Engine.Ports;
using HaApi.Integrations.Persistence;

namespace HaApi.Integrations.Tests.Persistence;

/// <summary>The journal over zero-filled segments prepared in the background: records overwrite the zeros in place,
/// the zeros end the records, a torn record inside a segment is cut off, and a crash at any step of a compaction loses
/// no acknowledged command.</summary>
public sealed class PreparedSegmentTests : IDisposable
{
    private const int SegmentBytes = 64 << 10;
    private static readonly StoredConfig Empty = StoredChanges.Empty;
    private readonly StoreDirectory data = new("haapi-segment-");
    private readonly StoreDirectory crashes = new("haapi-crash-");

    public void Dispose()
    {
        data.Dispose();
        crashes.Dispose();
    }

    /// <summary>A store whose first journal will be a prepared segment: opening it starts the preparation.</summary>
    private FileConfigStore OpenPrepared(int compactAfter = 1000, Action<string>? compactionStep = null)
    {
        var store = data.Open(compactAfter, SegmentBytes, compactionStep);
        store.Load();
        store.WaitForBackgroundWork();
        return store;
    }

    [Fact]
    public void Records_overwrite_the_prepared_segment_without_growing_it_and_load_back()
    {
        var store = OpenPrepared();
        var states = StoredChanges.Append(store, Empty, 3);

        var journal = data.Journals().Single();
        Assert.Equal(SegmentBytes, new FileInfo(journal).Length);
        Assert.False(File.Exists(Path.Combine(data.Path, PreparedSegment.FileName)), "the prepared segment became the journal");
        Assert.InRange(StoredChanges.RecordsEnd(journal), 1, SegmentBytes / 2);
        StoredChanges.AssertSame(states[^1], data.Open().Load());
    }

    [Fact]
    public void A_record_larger_than_the_rest_of_the_segment_grows_the_file_and_loads_back()
    {
        var store = data.Open(minSegmentBytes: 512);
        store.Load();
        store.WaitForBackgroundWork();
        var states = StoredChanges.Append(store, Empty, 4);

        Assert.True(new FileInfo(data.Journals().Single()).Length > 512);
        StoredChanges.AssertSame(states[^1], data.Open().Load());
    }

    [Fact]
    public void When_a_journal_fills_up_the_next_one_is_started_from_the_prepared_segment_before_the_next_append()
    {
        var store = OpenPrepared(compactAfter: 2);
        // The first command of two starts preparing the next segment; it is ready when the second fills the journal.
        var states = StoredChanges.Append(store, Empty, 1);
        store.WaitForBackgroundWork();
        states.AddRange(StoredChanges.Append(store, states[^1], 1));
        store.WaitForBackgroundWork();

        var started = Path.Combine(data.Path, "config.journal.0000000000000000003");
        Assert.Equal([started], data.Journals());
        Assert.Equal(SegmentBytes, new FileInfo(started).Length);
        Assert.Equal(0, StoredChanges.RecordsEnd(started));
        states.AddRange(StoredChanges.Append(store, states[^1], 1));
        StoredChanges.AssertSame(states[^1], data.Open().Load());
    }

    [Fact]
    public void A_journal_whose_rename_from_the_prepared_segment_did_not_reach_the_disk_is_taken_back()
    {
        var store = OpenPrepared(compactAfter: 2);
        var states = StoredChanges.Append(store, Empty, 1);
        store.WaitForBackgroundWork();
        // The second command fills the first journal; the third is the first record of the next, started in the segment.
        states.AddRange(StoredChanges.Append(store, states[^1], 2));
        store.Dispose();
        var newest = data.Journals()[^1];
        Assert.True(StoredChanges.RecordsEnd(newest) > 0);
        // What a crash leaves when the rename was not yet durable: the records under the prepared name, and no later
        // segment (file-system metadata reaches the disk in order, so the next preparation's file is not there either).
        File.Move(newest, Path.Combine(data.Path, PreparedSegment.FileName), overwrite: true);

        var reopened = data.Open(compactAfter: 2, minSegmentBytes: SegmentBytes);
        StoredChanges.AssertSame(states[^1], reopened.Load());
        Assert.Equal(newest, data.Journals()[^1]);
        var more = StoredChanges.Append(reopened, states[^1], 3);
        reopened.WaitForBackgroundWork();
        StoredChanges.AssertSame(more[^1], data.Open().Load());
    }

    [Fact]
    public void A_torn_longer_record_inside_a_segment_is_cut_off_and_its_bytes_do_not_outlive_a_shorter_one()
    {
        var store = OpenPrepared();
        var states = StoredChanges.Append(store, Empty, 2);
        var journal = data.Journals().Single();
        // The first 4,000 bytes of a 5,000-byte record (the crash came before the rest reached the disk): longer than
        // the record written in its place after the restart.
        var torn = new byte[4000];
        BinaryPrimitives.WriteInt32LittleEndian(torn, 5000);
        torn.AsSpan(4).Fill(0xAB);
        using (var file = File.OpenHandle(journal, FileMode.Open, FileAccess.Write))
            RandomAccess.Write(file, torn, StoredChanges.RecordsEnd(journal));

        var reopened = data.Open();
        StoredChanges.AssertSame(states[^1], reopened.Load());
        var more = StoredChanges.Append(reopened, states[^1], 1);

        // Read as an older journal is (no torn tail allowed): the torn bytes past the new record must be gone.
        Assert.Equal(3, CommandJournal.Read(journal, tornTailAllowed: false).Entries.Count);
        StoredChanges.AssertSame(more[^1], data.Open().Load());
    }

    [Fact]
    public void A_torn_last_record_inside_a_segment_is_cut_off()
    {
        StoredChanges.AssertTornLastRecordIsCutOff(OpenPrepared(), data);
    }

    [Fact]
    public void Non_zero_bytes_after_the_records_of_an_older_journal_are_corruption()
    {
        var store = OpenPrepared();
        StoredChanges.Append(store, Empty, 2);
        var journal = data.Journals().Single();
        using (var file = File.OpenHandle(journal, FileMode.Open, FileAccess.Write))
            RandomAccess.Write(file, [0x7F], SegmentBytes - 1);

        var e = Assert.Throws<InvalidDataException>(() => CommandJournal.Read(journal, tornTailAllowed: false));
        Assert.Contains("non-zero bytes after the last record", e.Message);
        Assert.Equal(2, CommandJournal.Read(journal, tornTailAllowed: true).Entries.Count);
    }

    [Fact]
    public void A_segment_left_half_prepared_by_a_crash_is_ignored_and_replaced()
    {
        var store = OpenPrepared();
        var states = StoredChanges.Append(store, Empty, 2);
        store.Dispose();
        var leftover = Path.Combine(data.Path, PreparedSegment.FileName);
        File.WriteAllBytes(leftover, new byte[100]);

        var reopened = data.Open(compactAfter: 2, minSegmentBytes: SegmentBytes);
        StoredChanges.AssertSame(states[^1], reopened.Load());
        // Two more fill this journal (the first starts preparing the next segment) and start a new one in a segment
        // this process prepared, not in the leftover.
        var more = StoredChanges.Append(reopened, states[^1], 1);
        reopened.WaitForBackgroundWork();
        more.AddRange(StoredChanges.Append(reopened, more[^1], 2));

        Assert.Equal(SegmentBytes, new FileInfo(data.Journals()[^1]).Length);
        StoredChanges.AssertSame(more[^1], data.Open().Load());
    }

    [Fact]
    public void A_crash_at_any_step_of_a_compaction_loses_no_acknowledged_command()
    {
        var copies = new List<(string Step, string Path)>();
        using var appendedMore = new ManualResetEventSlim();
        void CrashHere(string step)
        {
            // The first step waits until commands were acknowledged from the new journal, as they are in production
            // while the snapshot is written.
            if (copies.Count == 0) Assert.True(appendedMore.Wait(TimeSpan.FromSeconds(30)), "the test did not append");
            var copy = Directory.CreateDirectory(Path.Combine(crashes.Path, $"{copies.Count}")).FullName;
            foreach (var file in Directory.GetFiles(data.Path)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            copies.Add((step, copy));
        }

        var store = OpenPrepared(compactAfter: 3, compactionStep: CrashHere);
        var states = StoredChanges.Append(store, Empty, 3);
        states.AddRange(StoredChanges.Append(store, states[^1], 2));
        appendedMore.Set();
        store.WaitForBackgroundWork();

        Assert.Equal(["journal closed", "snapshot written, not yet renamed", "snapshot durable", "old journals deleted"],
            copies.Select(c => c.Step));
        foreach (var (step, copy) in copies)
        {
            using var reopened = new FileConfigStore(copy, compactAfter: 3, minSegmentBytes: SegmentBytes);
            var loaded = reopened.Load();
            Assert.True(loaded?.Config.Version == states[^1].Config.Version, $"after a crash at '{step}': {loaded?.Config.Version}");
            StoredChanges.AssertSame(states[^1], loaded);
            var more = StoredChanges.Append(reopened, states[^1], 2);
            reopened.WaitForBackgroundWork();
            using var again = new FileConfigStore(copy);
            StoredChanges.AssertSame(more[^1], again.Load());
        }
    }
}
