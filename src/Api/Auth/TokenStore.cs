using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HaApi.Api.Auth;

/// <summary>
/// API bearer tokens, stored as SHA-256 hashes in a JSON file ([{"name": "...", "sha256": "..."}]) so the file
/// alone does not grant access. On first start without a file, one token is generated, its hash stored, and the
/// token itself written once to a 0600 file beside it for the operator to pick up.
/// </summary>
public sealed class TokenStore
{
    private readonly Dictionary<string, string> hashToName;

    private TokenStore(Dictionary<string, string> hashToName) => this.hashToName = hashToName;

    public sealed record TokenEntry(string Name, string Sha256);

    /// <summary>Loads tokens from tokensFile; creates it (and initialTokenFile) when it does not exist.</summary>
    public static TokenStore LoadOrCreate(string tokensFile, string initialTokenFile, ILogger log)
    {
        if (!File.Exists(tokensFile))
        {
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tokensFile))!);
            WritePrivate(initialTokenFile, token + "\n");
            WritePrivate(tokensFile, JsonSerializer.Serialize(new[] { new TokenEntry("admin", Hash(token)) }, JsonSerializerOptions.Web));
            log.LogWarning("No API token file existed: generated token 'admin'; it is in {TokenFile} (mode 0600). " +
                           "Send it as 'Authorization: Bearer <token>'", initialTokenFile);
        }
        List<TokenEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<TokenEntry>>(File.ReadAllText(tokensFile), JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"token file {tokensFile} is not valid JSON ({e.Message}); expected [{{\"name\": \"admin\", \"sha256\": \"<hex>\"}}]");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.Sha256 is not { Length: 64 })
                throw new InvalidOperationException($"token file {tokensFile}: every entry needs a name and a 64-hex-digit sha256");
            map[entry.Sha256.ToLowerInvariant()] = entry.Name;
        }
        return new TokenStore(map);
    }

    /// <summary>The name of the token's owner, or null when the token is unknown. Compares hashes in constant time.</summary>
    public string? Authenticate(string token)
    {
        var hash = Encoding.ASCII.GetBytes(Hash(token));
        string? found = null;
        foreach (var (known, name) in hashToName)
            if (CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(known))) found = name;
        return found;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static void WritePrivate(string path, string content)
    {
        // A leftover from an earlier token file (deleted to regenerate) must not stop the node from starting.
        File.Delete(path);
        using (var f = new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            f.Write(Encoding.UTF8.GetBytes(content));
        }
    }
}
