using HaApi.Integrations.Persistence;

namespace HaApi.Integrations.Tests.Persistence;

/// <summary>A temporary data directory and the stores opened on it. A store prepares journal segments in the
/// background, so every store is disposed (which waits for that) before the directory is removed.</summary>
public sealed class StoreDirectory(string prefix) : IDisposable
{
    private readonly List<FileConfigStore> stores = [];

    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public FileConfigStore Open(int compactAfter = 1000, long minSegmentBytes = 1 << 20, Action<string>? compactionStep = null)
    {
        var store = new FileConfigStore(Path, compactAfter, minSegmentBytes) { CompactionStep = compactionStep };
        lock (stores) stores.Add(store);
        return store;
    }

    /// <summary>The journal files, oldest first (not a prepared segment: it is no journal until it is renamed).</summary>
    public List<string> Journals() => [.. Directory.GetFiles(Path, "config.journal.*").Order()];

    public void Dispose()
    {
        lock (stores)
            foreach (var store in stores) store.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}
