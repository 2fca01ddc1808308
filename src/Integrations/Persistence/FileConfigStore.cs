using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaApi.Engine.Config;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Persistence;

/// <summary>
/// Stores the configuration in one file, replaced atomically: write a temporary file, fsync it, rename it over
/// the old one, fsync the directory. The first line is a header with a SHA-256 of the rest, so a torn or
/// edited file is detected at load instead of being half-read.
/// </summary>
public sealed class FileConfigStore : IConfigStore
{
    private const string Format = "haapi-config/1";
    private readonly string path;

    public FileConfigStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        path = Path.Combine(dataDirectory, "config.json");
    }

    public string FilePath => path;

    public StoredConfig? Load()
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0) throw Corrupt("no header line");
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(0, newline), ConfigJson.Options);
        }
        catch (JsonException e)
        {
            throw Corrupt($"unreadable header ({e.Message})");
        }
        if (header?.Format != Format) throw Corrupt($"format '{header?.Format}' is not {Format}");
        var body = bytes.AsSpan(newline + 1);
        if (!Convert.ToHexStringLower(SHA256.HashData(body)).Equals(header.Sha256, StringComparison.Ordinal))
            throw Corrupt("checksum mismatch (the file was truncated or edited)");
        try
        {
            var state = JsonSerializer.Deserialize<State>(body, ConfigJson.Options) ?? throw Corrupt("empty body");
            return new StoredConfig(state.Config, state.History, state.Term);
        }
        catch (JsonException e)
        {
            throw Corrupt($"unreadable configuration ({e.Message})");
        }
    }

    public void Save(StoredConfig state)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new State(state.Config, state.History.ToList(), state.Term), ConfigJson.Options);
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
            file.Write(body);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(Path.GetDirectoryName(path)!);
    }

    private ConfigStoreException Corrupt(string why) => new(
        $"configuration file {path} cannot be loaded: {why}. HaApi will not start on a damaged configuration; " +
        "restore it from a backup or another node's copy (GET /api/v1/config), or move it away to start empty");

    private sealed record Header(string Format, string Sha256, string Version);

    private sealed record State(ClusterConfig Config, List<ChangeRecord> History, long Term);
}
