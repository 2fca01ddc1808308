using HaApi.Engine.Model;

namespace HaApi.Engine.Ports;

/// <summary>Durable storage of the configuration and its recent change history.</summary>
public interface IConfigStore
{
    /// <summary>The last saved state, or null when nothing was ever saved. Throws ConfigStoreException when the file is corrupt.</summary>
    StoredConfig? Load();

    /// <summary>Saves atomically: after return, a crash at any point leaves either the old or the new state.</summary>
    void Save(StoredConfig state);
}

public sealed record StoredConfig(ClusterConfig Config, IReadOnlyList<ChangeRecord> History);

public sealed class ConfigStoreException(string message, Exception? inner = null) : Exception(message, inner);
