using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Persistence;

namespace HaApi.Integrations.Tests.Persistence;

public sealed class FileConfigStoreTests : IDisposable
{
    private readonly StoreDirectory directory = new("haapi-store-");

    public void Dispose() => directory.Dispose();

    private static StoredConfig Sample()
    {
        var config = ClusterConfig.Empty with
        {
            Version = new ConfigVersion(1, 7, 0),
            Nodes = [new Node("node1", 1, ["198.18.0.1"], Attributes.From([new("standby", "true")]))],
            Primitives = [new Primitive("vip", ResourceClass.Ocf, "heartbeat", "IPaddr2", Attributes.From([new("ip", "192.0.2.1")]),
                Attributes.Empty, [new Operation("monitor", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), OnFail.Restart)])],
            Locations = [new LocationConstraint("l", "vip", "node1", Score.MinusInfinity, [])],
        };
        return new StoredConfig(config, [new ChangeRecord(config.Version, "admin", DateTimeOffset.UnixEpoch, "node1", "create primitive vip")]);
    }

    [Fact]
    public void Nothing_saved_loads_as_null() => Assert.Null(directory.Open().Load());

    [Fact]
    public void Saved_state_loads_back_equal()
    {
        var store = directory.Open();
        var saved = Sample();
        store.Save(saved);

        var loaded = directory.Open().Load()!;

        Assert.Equal(saved.Config.Version, loaded.Config.Version);
        Assert.Equal(saved.Config.Nodes.Single().Attributes, loaded.Config.Nodes.Single().Attributes);
        Assert.Equal(saved.Config.Primitives.Single().Operations.Single(), loaded.Config.Primitives.Single().Operations.Single());
        Assert.Equal(saved.Config.Locations.Single().Score, loaded.Config.Locations.Single().Score);
        Assert.Equal(saved.History, loaded.History);
    }

    [Fact]
    public void A_damaged_file_is_refused_with_the_path_and_the_fix()
    {
        var store = directory.Open();
        store.Save(Sample());
        var bytes = File.ReadAllBytes(store.FilePath);
        bytes[^10] ^= 0x20;
        File.WriteAllBytes(store.FilePath, bytes);

        var e = Assert.Throws<ConfigStoreException>(() => store.Load());
        Assert.Contains(store.FilePath, e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void A_leftover_temporary_file_from_a_crash_is_ignored()
    {
        var store = directory.Open();
        store.Save(Sample());
        File.WriteAllText(store.FilePath + ".tmp", "{ half written");

        Assert.Equal(new ConfigVersion(1, 7, 0), store.Load()!.Config.Version);
    }

    [Fact]
    public void The_file_is_readable_by_its_owner_only()
    {
        var store = directory.Open();
        store.Save(Sample());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }
}
