using System.Collections.Immutable;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Persistence;

namespace HaApi.Integrations.Tests.Persistence;

/// <summary>The store's command journal: appended commands come back by replay, across compactions, torn tails and
/// full saves, and damage that is not a torn tail is refused.</summary>
public sealed class ConfigJournalTests : IDisposable
{
    private static readonly StoredConfig Empty = StoredChanges.Empty;
    private readonly StoreDirectory data = new("haapi-journal-");

    public void Dispose() => data.Dispose();

    [Fact]
    public void Appended_commands_load_back_by_replay_without_rewriting_the_snapshot()
    {
        var store = data.Open();
        var states = StoredChanges.Append(store, Empty, 5);

        Assert.False(File.Exists(store.FilePath), "an append must not rewrite the whole configuration");
        StoredChanges.AssertSame(states[^1], data.Open().Load());
    }

    [Fact]
    public void A_full_journal_is_compacted_into_the_snapshot_and_deleted()
    {
        var states = new List<StoredConfig>();
        using (var store = data.Open(compactAfter: 4))
            states = StoredChanges.Append(store, Empty, 10);

        Assert.True(File.Exists(Path.Combine(data.Path, "config.json")));
        // 10 commands with compaction after every 4 (or more, while a snapshot is still being written): at most the
        // journal after the last snapshot remains.
        Assert.True(data.Journals().Count <= 1, string.Join(", ", data.Journals()));
        StoredChanges.AssertSame(states[^1], data.Open().Load());
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_and_appending_continues_after_the_last_whole_one()
    {
        StoredChanges.AssertTornLastRecordIsCutOff(data.Open(), data);
    }

    [Fact]
    public void A_damaged_record_before_the_newest_journal_is_refused_with_the_fix()
    {
        using (var store = data.Open(compactAfter: 3))
            StoredChanges.Append(store, Empty, 4);
        // Keep the older journal (as a crash before its deletion would) and damage a record in it.
        var newest = data.Journals().Single();
        var older = Path.Combine(data.Path, "config.journal.0000000000000000001");
        File.WriteAllBytes(older, [1, 0, 0, 0, .. new byte[40]]);
        File.Delete(Path.Combine(data.Path, "config.json"));

        var e = Assert.Throws<ConfigStoreException>(() => data.Open().Load());
        Assert.Contains(older, e.Message);
        Assert.Contains("checksum", e.Message);
        Assert.Contains("restore", e.Message);
        Assert.NotEqual(older, newest);
    }

    [Fact]
    public void A_journal_whose_commands_do_not_follow_the_snapshot_is_refused()
    {
        using (var store = data.Open(compactAfter: 3))
            StoredChanges.Append(store, Empty, 5);
        File.Delete(Path.Combine(data.Path, "config.json"));

        var e = Assert.Throws<ConfigStoreException>(() => data.Open().Load());
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_full_save_supersedes_the_journal_and_later_appends_replay_on_top_of_it()
    {
        var store = data.Open();
        var states = StoredChanges.Append(store, Empty, 3);
        var newTerm = states[^1] with { Term = 7 };
        store.Save(newTerm);
        Assert.Empty(data.Journals());

        var more = StoredChanges.Append(store, newTerm, 2, term: 7);
        StoredChanges.AssertSame(more[^1], data.Open().Load());
    }

    [Fact]
    public void Commands_appended_as_a_group_load_back_once_flushed()
    {
        var store = data.Open();
        var first = StoredChanges.Append(store, Empty, 1);
        var grouped = new List<StoredConfig>();
        var current = first[^1];
        foreach (var i in Enumerable.Range(0, 3))
        {
            var envelope = new CommandEnvelope(Guid.NewGuid(), "admin", "node1", DateTimeOffset.UnixEpoch, null,
                new SetNodeAttributes("node1", ImmutableSortedDictionary<string, string?>.Empty.Add("group", $"g{i}")));
            var outcome = ConfigApplier.Apply(current.Config, envelope);
            current = new StoredConfig(outcome.Config!, [.. current.History, outcome.Change!], 1);
            store.AppendUnsynced(current, envelope);
            grouped.Add(current);
        }
        store.Flush();

        StoredChanges.AssertSame(grouped[^1], data.Open().Load());
    }

    [Fact]
    public void The_journal_is_readable_by_its_owner_only()
    {
        StoredChanges.Append(data.Open(), Empty, 1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Journals().Single()));
    }
}
