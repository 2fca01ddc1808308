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
    private readonly string directory = Directory.CreateTempSubdirectory("haapi-journal-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Applies commands the way the replica does and appends each to the store; returns the state after each.</summary>
    private static List<StoredConfig> AppendChanges(IConfigStore store, StoredConfig from, int count, long term = 1)
    {
        var states = new List<StoredConfig>();
        var current = from;
        for (var i = 0; i < count; i++)
        {
            ConfigCommand command = current.Config.FindNode("node1") is null
                ? new PutNode(new Node("node1", 1, ["198.18.0.1"], Attributes.Empty), PutMode.Create)
                : new SetNodeAttributes("node1", ImmutableSortedDictionary<string, string?>.Empty.Add("rack", $"r{i}"));
            var envelope = new CommandEnvelope(Guid.NewGuid(), "admin", "node1", DateTimeOffset.UnixEpoch.AddSeconds(i), null, command);
            var outcome = ConfigApplier.Apply(current.Config, envelope);
            Assert.True(outcome.Succeeded, outcome.Error?.Message);
            current = new StoredConfig(outcome.Config!, [.. current.History, outcome.Change!], term);
            store.Append(current, envelope);
            states.Add(current);
        }
        return states;
    }

    private static readonly StoredConfig Empty = new(ClusterConfig.Empty, []);

    private static void AssertSame(StoredConfig expected, StoredConfig? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Config.Version, actual.Config.Version);
        Assert.Equal(expected.Config.Nodes.Single().Attributes, actual.Config.Nodes.Single().Attributes);
        Assert.Equal(expected.History, actual.History);
        Assert.Equal(expected.Term, actual.Term);
    }

    private List<string> Journals() => [.. Directory.GetFiles(directory, "config.journal.*").Order()];

    [Fact]
    public void Appended_commands_load_back_by_replay_without_rewriting_the_snapshot()
    {
        var store = new FileConfigStore(directory);
        var states = AppendChanges(store, Empty, 5);

        Assert.False(File.Exists(store.FilePath), "an append must not rewrite the whole configuration");
        AssertSame(states[^1], new FileConfigStore(directory).Load());
    }

    [Fact]
    public void A_full_journal_is_compacted_into_the_snapshot_and_deleted()
    {
        var states = new List<StoredConfig>();
        using (var store = new FileConfigStore(directory, compactAfter: 4))
            states = AppendChanges(store, Empty, 10);

        Assert.True(File.Exists(Path.Combine(directory, "config.json")));
        // 10 commands with compaction after every 4 (or more, while a snapshot is still being written): at most the
        // journal after the last snapshot remains.
        Assert.True(Journals().Count <= 1, string.Join(", ", Journals()));
        AssertSame(states[^1], new FileConfigStore(directory).Load());
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_and_appending_continues_after_the_last_whole_one()
    {
        var store = new FileConfigStore(directory);
        var states = AppendChanges(store, Empty, 3);
        var journal = Journals().Single();
        var length = new FileInfo(journal).Length;
        using (var f = new FileStream(journal, FileMode.Open)) f.SetLength(length - 5);

        var reopened = new FileConfigStore(directory);
        AssertSame(states[1], reopened.Load());
        var more = AppendChanges(reopened, states[1], 2);
        AssertSame(more[^1], new FileConfigStore(directory).Load());
    }

    [Fact]
    public void A_damaged_record_before_the_newest_journal_is_refused_with_the_fix()
    {
        using (var store = new FileConfigStore(directory, compactAfter: 3))
            AppendChanges(store, Empty, 4);
        // Keep the older journal (as a crash before its deletion would) and damage a record in it.
        var newest = Journals().Single();
        var older = Path.Combine(directory, "config.journal.0000000000000000001");
        File.WriteAllBytes(older, [1, 0, 0, 0, .. new byte[40]]);
        File.Delete(Path.Combine(directory, "config.json"));

        var e = Assert.Throws<ConfigStoreException>(() => new FileConfigStore(directory).Load());
        Assert.Contains(older, e.Message);
        Assert.Contains("checksum", e.Message);
        Assert.Contains("restore", e.Message);
        Assert.NotEqual(older, newest);
    }

    [Fact]
    public void A_journal_whose_commands_do_not_follow_the_snapshot_is_refused()
    {
        using (var store = new FileConfigStore(directory, compactAfter: 3))
            AppendChanges(store, Empty, 5);
        File.Delete(Path.Combine(directory, "config.json"));

        var e = Assert.Throws<ConfigStoreException>(() => new FileConfigStore(directory).Load());
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_full_save_supersedes_the_journal_and_later_appends_replay_on_top_of_it()
    {
        var store = new FileConfigStore(directory);
        var states = AppendChanges(store, Empty, 3);
        var newTerm = states[^1] with { Term = 7 };
        store.Save(newTerm);
        Assert.Empty(Journals());

        var more = AppendChanges(store, newTerm, 2, term: 7);
        AssertSame(more[^1], new FileConfigStore(directory).Load());
    }

    [Fact]
    public void Commands_appended_as_a_group_load_back_once_flushed()
    {
        var store = new FileConfigStore(directory);
        var first = AppendChanges(store, Empty, 1);
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

        AssertSame(grouped[^1], new FileConfigStore(directory).Load());
    }

    [Fact]
    public void The_journal_is_readable_by_its_owner_only()
    {
        AppendChanges(new FileConfigStore(directory), Empty, 1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Journals().Single()));
    }
}
