using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Engine.Ports;

/// <summary>Durable storage of the configuration and its recent change history.</summary>
public interface IConfigStore
{
    /// <summary>The last saved state, or null when nothing was ever saved. Throws ConfigStoreException when the file is corrupt.</summary>
    StoredConfig? Load();

    /// <summary>Saves atomically: after return, a crash at any point leaves either the old or the new state.</summary>
    void Save(StoredConfig state);

    /// <summary>
    /// Records that applying <paramref name="applied"/> to the previously stored state gave <paramref name="state"/>.
    /// Durable on return, like Save; a store may keep just the command (a journal) instead of the whole state.
    /// </summary>
    void Append(StoredConfig state, CommandEnvelope applied) => Save(state);

    /// <summary>Group commit: like Append, but durable only once <see cref="Flush"/> has returned, so that one sync
    /// covers several commands. A crash before it may lose them (none was acknowledged).</summary>
    void AppendUnsynced(StoredConfig state, CommandEnvelope applied) => Append(state, applied);

    /// <summary>Makes every AppendUnsynced so far durable.</summary>
    void Flush()
    {
    }
}

/// <summary>What a node persists. Term counts the synchronised majority views this configuration has lived through:
/// it orders configurations from different partitions the way a Raft term does.</summary>
public sealed record StoredConfig(ClusterConfig Config, IReadOnlyList<ChangeRecord> History, long Term = 0);

public sealed class ConfigStoreException(string message, Exception? inner = null) : Exception(message, inner);
