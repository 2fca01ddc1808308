using System.Collections.Immutable;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Tests.Persistence;

/// <summary>Configuration changes made the way the replica makes them, for the store's journal tests.</summary>
internal static class StoredChanges
{
    public static readonly StoredConfig Empty = new(ClusterConfig.Empty, []);

    /// <summary>Applies commands the way the replica does and appends each to the store; returns the state after each.</summary>
    public static List<StoredConfig> Append(IConfigStore store, StoredConfig from, int count, long term = 1)
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

    public static void AssertSame(StoredConfig expected, StoredConfig? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Config.Version, actual.Config.Version);
        Assert.Equal(expected.Config.Nodes.Single().Attributes, actual.Config.Nodes.Single().Attributes);
        Assert.Equal(expected.History, actual.History);
        Assert.Equal(expected.Term, actual.Term);
    }

    /// <summary>The byte after the last record of a journal, zero-filled (prepared) or not: records end in a JSON '}'.</summary>
    public static int RecordsEnd(string journal) => Array.FindLastIndex(File.ReadAllBytes(journal), b => b != 0) + 1;

    /// <summary>As a crash mid-write leaves the last record: its final bytes never reached the disk.</summary>
    public static void TearLastRecord(string journal)
    {
        using var file = File.OpenHandle(journal, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(file, new byte[5], RecordsEnd(journal) - 5);
    }

    /// <summary>Three records in the store's only journal, the last torn by a crash: reopened, the store holds the
    /// first two and appends after them.</summary>
    public static void AssertTornLastRecordIsCutOff(IConfigStore store, StoreDirectory data)
    {
        var states = Append(store, Empty, 3);
        TearLastRecord(data.Journals().Single());

        var reopened = data.Open();
        AssertSame(states[1], reopened.Load());
        var more = Append(reopened, states[1], 2);
        AssertSame(more[^1], data.Open().Load());
    }
}
