using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace HaApi.Api.Hosting;

/// <summary>
/// Node settings, from (lowest to highest priority) appsettings.json, the file named by HAAPI_CONFIG
/// (/etc/haapi/haapi.json by convention), HAAPI_* environment variables and --HaApi:Key=value arguments.
/// Validated once at start-up. docs/configuration.md describes every setting and deploy/haapi.json shows each one;
/// a test fails when a property here is missing from either.
/// </summary>
public sealed partial class HaApiOptions
{
    public const string Section = "HaApi";
    public const int DefaultPort = 7480;

    /// <summary>This node's name (default: the host name). Must match corosync's nodelist name.</summary>
    public string? NodeName { get; set => field = Unset(value); }
    /// <summary>Where the configuration, tokens and state live. Default /var/lib/haapi as root, else ~/.local/share/haapi.</summary>
    public string? DataDirectory { get; set => field = Unset(value); }
    /// <summary>Listen URLs, ';'-separated. Default http://127.0.0.1:7480.</summary>
    public string Urls { get; set; } = $"http://127.0.0.1:{DefaultPort}";
    /// <summary>local (a single-node cluster) or corosync.</summary>
    public string Transport { get; set; } = "local";
    /// <summary>Token file (hashed tokens). Default: DataDirectory/tokens.json.</summary>
    public string? TokenFile { get; set => field = Unset(value); }
    /// <summary>Allow GET requests without a token (default false: configuration is sensitive).</summary>
    public bool AllowAnonymousReads { get; set; }
    /// <summary>PEM certificate and key; when set, https:// URLs use them.</summary>
    public string? TlsCertificateFile { get; set => field = Unset(value); }
    public string? TlsKeyFile { get; set => field = Unset(value); }
    /// <summary>
    /// Extra listen URLs for /metrics, ';'-separated; default http://0.0.0.0:9664, where ha_cluster_exporter listens,
    /// so existing Prometheus scrape configurations keep working. "none" disables them (/metrics stays on Urls).
    /// </summary>
    public string MetricsUrls { get; set; } = "http://0.0.0.0:9664";

    public IEnumerable<string> MetricsUrlList => MetricsUrls.Trim() is "" or "none"
        ? [] : MetricsUrls.Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The pm_logconv-format log (default /var/log/pm_logconv.out as root); "none" turns it off.</summary>
    public string? PmLogconvPath { get; set => field = Unset(value); }

    /// <summary>Largest accepted request body in bytes (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    /// <summary>Run by /bin/sh when this node has been without quorum for SelfFenceAfterSeconds while it still holds
    /// resources (at once with no-quorum-policy=suicide); e.g. "systemctl reboot --force --force". Unset: never.</summary>
    public string? SelfFenceCommand { get; set => field = Unset(value); }

    /// <summary>How long a node without quorum may keep holding resources before it fences itself (default 30).</summary>
    public long SelfFenceAfterSeconds { get; set; } = 30;

    public string ResolvedNodeName => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName!;

    public string ResolvedDataDirectory => !string.IsNullOrWhiteSpace(DataDirectory) ? DataDirectory!
        : Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" ? "/var/lib/haapi"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "haapi");

    public string ResolvedTokenFile => TokenFile ?? Path.Combine(ResolvedDataDirectory, "tokens.json");

    /// <summary>The settings: every writable property (the Resolved* and list views are derived, not set).</summary>
    public static IReadOnlyList<PropertyInfo> Settings { get; } =
        [.. typeof(HaApiOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)];

    /// <summary>HAAPI_* environment variables (as the cluster script, the container and the systemd unit set them) and the setting each one sets.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>
    {
        ["HAAPI_NODE_NAME"] = nameof(NodeName),
        ["HAAPI_DATA_DIR"] = nameof(DataDirectory),
        ["HAAPI_URLS"] = nameof(Urls),
        ["HAAPI_TRANSPORT"] = nameof(Transport),
        ["HAAPI_TOKEN_FILE"] = nameof(TokenFile),
        ["HAAPI_ALLOW_ANONYMOUS_READS"] = nameof(AllowAnonymousReads),
        ["HAAPI_TLS_CERT"] = nameof(TlsCertificateFile),
        ["HAAPI_TLS_KEY"] = nameof(TlsKeyFile),
        ["HAAPI_METRICS_URLS"] = nameof(MetricsUrls),
        ["HAAPI_PM_LOGCONV"] = nameof(PmLogconvPath),
        ["HAAPI_MAX_REQUEST_BODY_BYTES"] = nameof(MaxRequestBodyBytes),
        ["HAAPI_SELF_FENCE_COMMAND"] = nameof(SelfFenceCommand),
        ["HAAPI_SELF_FENCE_AFTER_SECONDS"] = nameof(SelfFenceAfterSeconds),
    };

    /// <summary>Problems found while reading the settings (unknown keys, values of the wrong type); see <see cref="Load"/>.</summary>
    private List<string> bindingProblems = [];

    /// <summary>
    /// Reads the HaApi section. Unlike the configuration binder, which throws on the first value it cannot convert
    /// and silently ignores misspelt keys, this reports both as <see cref="Problems"/>, all at once.
    /// </summary>
    public static HaApiOptions Load(IConfiguration configuration)
    {
        var options = new HaApiOptions();
        var defaults = new HaApiOptions();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var setting = Settings.FirstOrDefault(p => string.Equals(p.Name, entry.Key, StringComparison.OrdinalIgnoreCase));
            if (setting is null)
                options.bindingProblems.Add($"{Section}:{entry.Key} is not a setting (misspelt?): the settings are {string.Join(", ", Settings.Select(p => p.Name))}");
            else if (entry.Value is null && entry.GetChildren().Any())
                options.bindingProblems.Add($"{Section}:{setting.Name} must be a single value, not an object or a list");
            else if (Convert(entry.Value, setting.PropertyType) is { } value)
                setting.SetValue(options, value);
            else if (string.IsNullOrWhiteSpace(entry.Value) && setting.GetValue(defaults) is null)
                setting.SetValue(options, null); // an optional setting given as null or "": not set
            else
                options.bindingProblems.Add(string.IsNullOrWhiteSpace(entry.Value)
                    ? $"{Section}:{setting.Name} is empty: remove it to get the default ({setting.GetValue(defaults)}) or give a value"
                    : setting.PropertyType == typeof(bool)
                        ? $"{Section}:{setting.Name} '{entry.Value}' is not a boolean: use true or false"
                        : $"{Section}:{setting.Name} '{entry.Value}' is not a whole number: give a number of bytes such as 1048576");
        }
        return options;
    }

    private static object? Convert(string? text, Type type) =>
        type == typeof(bool) ? bool.TryParse(text?.Trim(), out var b) ? b : null
        : type == typeof(long) ? long.TryParse(text?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : null
        : string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Problems with the settings, each naming the setting and the fix; empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var problem in bindingProblems) yield return problem;

        if (NodeName is not null && !NodeNamePattern().IsMatch(NodeName))
            yield return $"HaApi:NodeName '{NodeName}' is not a host name: use letters, digits, '-', '_' and '.', starting with a letter or digit, as in corosync.conf's nodelist";
        foreach (var problem in PathProblems(nameof(DataDirectory), DataDirectory, "/var/lib/haapi", mustBeDirectory: true)) yield return problem;
        foreach (var problem in PathProblems(nameof(TokenFile), TokenFile, "/var/lib/haapi/tokens.json", mustBeDirectory: false)) yield return problem;
        if (PmLogconvPath is not (null or "none"))
        {
            foreach (var problem in PathProblems(nameof(PmLogconvPath), PmLogconvPath, "/var/log/pm_logconv.out", mustBeDirectory: false)) yield return problem;
            if (Path.IsPathFullyQualified(PmLogconvPath) && Path.GetDirectoryName(PmLogconvPath) is { } logDirectory && !Directory.Exists(logDirectory))
                yield return $"HaApi:PmLogconvPath {PmLogconvPath}: the directory {logDirectory} does not exist; create it or set the path to \"none\"";
        }

        if (Transport is not ("local" or "corosync"))
            yield return $"HaApi:Transport '{Transport}' is not supported: use local (one node) or corosync";
        if (MaxRequestBodyBytes is < 1024 or > 256L << 20)
            yield return $"HaApi:MaxRequestBodyBytes {MaxRequestBodyBytes} is out of range: give between 1024 and 268435456 (256 MiB)";

        if (SelfFenceAfterSeconds is < 1 or > 3600)
            yield return $"HaApi:SelfFenceAfterSeconds {SelfFenceAfterSeconds} is out of range: give between 1 and 3600 seconds";

        foreach (var problem in TlsProblems()) yield return problem;

        var apiUrls = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (apiUrls.Length == 0)
            yield return $"HaApi:Urls is empty: give at least one listen URL, e.g. http://127.0.0.1:{DefaultPort}";
        var listening = new List<(string Setting, ListenUrl Url)>();
        foreach (var (setting, url) in apiUrls.Select(u => (nameof(Urls), u)).Concat(MetricsUrlList.Select(u => (nameof(MetricsUrls), u.Trim()))))
        {
            if (ParseUrl(url, out var listen) is { } problem)
            {
                yield return $"HaApi:{setting} entry '{url}' {problem}";
                continue;
            }
            if (listen.Https && TlsCertificateFile is null)
                yield return $"HaApi:{setting} entry '{url}' is https but no HaApi:TlsCertificateFile is configured: set HaApi:TlsCertificateFile and HaApi:TlsKeyFile, or use http://";
            if (listening.FirstOrDefault(l => l.Url.Overlaps(listen)) is { Setting: not null } taken)
                yield return $"HaApi:{setting} entry '{url}' needs port {listen.Port} on {listen.Host}, which HaApi:{taken.Setting} already takes: give one of them another port, or set HaApi:MetricsUrls to \"none\"";
            listening.Add((setting, listen));
        }
        if (TlsCertificateFile is not null && !apiUrls.Concat(MetricsUrlList).Any(u => u.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            yield return "HaApi:TlsCertificateFile is set but no HaApi:Urls entry is https://, so the API would be served unencrypted: change the URLs to https://";
    }

    private IEnumerable<string> TlsProblems()
    {
        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
        {
            yield return TlsCertificateFile is null
                ? "HaApi:TlsKeyFile is set without HaApi:TlsCertificateFile: set both (PEM files) or neither"
                : "HaApi:TlsCertificateFile is set without HaApi:TlsKeyFile: set both (PEM files) or neither";
            yield break;
        }
        if (TlsCertificateFile is null || TlsKeyFile is null) yield break;
        var missing = false;
        foreach (var (setting, file) in new[] { (nameof(TlsCertificateFile), TlsCertificateFile), (nameof(TlsKeyFile), TlsKeyFile) })
        {
            if (File.Exists(file)) continue;
            missing = true;
            yield return $"HaApi:{setting} {file} does not exist (or is not readable by this user): give the path of a PEM file";
        }
        if (missing) yield break;
        string? unusable = null;
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(TlsCertificateFile, TlsKeyFile);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            unusable = e.Message;
        }
        if (unusable is not null)
            yield return $"HaApi:TlsCertificateFile {TlsCertificateFile} and HaApi:TlsKeyFile {TlsKeyFile} are not a usable PEM certificate and its private key ({unusable})";
    }

    private static IEnumerable<string> PathProblems(string setting, string? path, string example, bool mustBeDirectory)
    {
        if (path is null) yield break;
        if (!Path.IsPathFullyQualified(path))
            yield return $"HaApi:{setting} '{path}' is relative, so it would depend on the working directory: give an absolute path such as {example}";
        else if (mustBeDirectory && File.Exists(path))
            yield return $"HaApi:{setting} {path} is a file: give a directory";
        else if (!mustBeDirectory && Directory.Exists(path))
            yield return $"HaApi:{setting} {path} is a directory: give a file path such as {example}";
    }

    private readonly record struct ListenUrl(bool Https, string Host, int Port)
    {
        private bool AnyAddress => Host is "*" or "+" or "0.0.0.0" or "[::]";

        /// <summary>Whether both cannot be bound at once: the same port on the same address, or on all addresses.</summary>
        public bool Overlaps(ListenUrl other) =>
            Port == other.Port && (AnyAddress || other.AnyAddress || string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why Kestrel could not listen on this URL, or null. Uri alone rejects a port of 70000 without saying so.</summary>
    private static string? ParseUrl(string url, out ListenUrl listen)
    {
        listen = default;
        if (UrlPattern().Match(url) is not { Success: true } m)
            return "is not an http:// or https:// URL: write it as http://HOST:PORT, e.g. http://0.0.0.0:7480";
        var https = url.StartsWith("https", StringComparison.OrdinalIgnoreCase);
        var port = https ? 443 : 80;
        if (m.Groups["port"].Success && (!int.TryParse(m.Groups["port"].Value, out port) || port is < 1 or > 65535))
            return $"has port {m.Groups["port"].Value}, out of range: use a port between 1 and 65535";
        if (m.Groups["path"].Value is not ("" or "/"))
            return "has a path: Kestrel listens on HOST:PORT only, so remove the path";
        var host = m.Groups["host"].Value;
        if (host is not ("*" or "+") && Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            return $"has an invalid host '{host}': use an IP address, a host name, * or +";
        listen = new ListenUrl(https, host, port);
        return null;
    }

    // Kestrel's listen URLs accept "*" and "+" as hosts, which Uri does not; they are checked before Uri parses them.
    [GeneratedRegex(@"^(?i:https?)://(?<host>\[[0-9A-Fa-f:.]+\]|[^/:\[\]]+)(:(?<port>\d+))?(?<path>/.*)?$")]
    private static partial Regex UrlPattern();

    // The node name rule of the configuration (ConfigValidator): a node that could not be configured must not start.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,252}$")]
    private static partial Regex NodeNamePattern();

    private static string? Unset(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>HAAPI_* environment variables to settings keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment()
    {
        foreach (var (env, key) in EnvironmentVariables)
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } value)
                yield return new($"{Section}:{key}", value);
    }
}
