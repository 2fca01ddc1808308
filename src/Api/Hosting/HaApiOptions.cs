namespace HaApi.Api.Hosting;

/// <summary>
/// Node settings, from (lowest to highest priority) appsettings.json, the file named by HAAPI_CONFIG
/// (/etc/haapi/haapi.json by convention), HAAPI_* environment variables and --HaApi:Key=value arguments.
/// Validated once at start-up.
/// </summary>
public sealed class HaApiOptions
{
    public const string Section = "HaApi";
    public const int DefaultPort = 7480;

    /// <summary>This node's name (default: the host name). Must match corosync's nodelist name.</summary>
    public string? NodeName { get; set; }
    /// <summary>Where the configuration, tokens and state live. Default /var/lib/haapi as root, else ~/.local/share/haapi.</summary>
    public string? DataDirectory { get; set; }
    /// <summary>Listen URLs, ';'-separated. Default http://127.0.0.1:7480.</summary>
    public string Urls { get; set; } = $"http://127.0.0.1:{DefaultPort}";
    /// <summary>local (a single-node cluster) or corosync.</summary>
    public string Transport { get; set; } = "local";
    /// <summary>Token file (hashed tokens). Default: DataDirectory/tokens.json.</summary>
    public string? TokenFile { get; set; }
    /// <summary>Allow GET requests without a token (default false: configuration is sensitive).</summary>
    public bool AllowAnonymousReads { get; set; }
    /// <summary>PEM certificate and key; when set, https:// URLs use them.</summary>
    public string? TlsCertificateFile { get; set; }
    public string? TlsKeyFile { get; set; }
    /// <summary>
    /// Extra listen URLs for /metrics, ';'-separated; default http://0.0.0.0:9664, where ha_cluster_exporter listens,
    /// so existing Prometheus scrape configurations keep working. "none" disables them (/metrics stays on Urls).
    /// </summary>
    public string MetricsUrls { get; set; } = "http://0.0.0.0:9664";

    public IEnumerable<string> MetricsUrlList => MetricsUrls.Trim() is "" or "none"
        ? [] : MetricsUrls.Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The pm_logconv-format log (default /var/log/pm_logconv.out as root); "none" turns it off.</summary>
    public string? PmLogconvPath { get; set; }

    /// <summary>Largest accepted request body in bytes (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    public string ResolvedNodeName => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName!;

    public string ResolvedDataDirectory => !string.IsNullOrWhiteSpace(DataDirectory) ? DataDirectory!
        : Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" ? "/var/lib/haapi"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "haapi");

    public string ResolvedTokenFile => TokenFile ?? Path.Combine(ResolvedDataDirectory, "tokens.json");

    /// <summary>Problems with the settings, each naming the setting and the fix; empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (Transport is not ("local" or "corosync"))
            yield return $"HaApi:Transport '{Transport}' is not supported: use local or corosync";
        if (MaxRequestBodyBytes is < 1024 or > 256L << 20)
            yield return "HaApi:MaxRequestBodyBytes must be between 1024 and 268435456";
        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
            yield return "HaApi:TlsCertificateFile and HaApi:TlsKeyFile must be set together";
        if (TlsCertificateFile is not null && !File.Exists(TlsCertificateFile))
            yield return $"HaApi:TlsCertificateFile {TlsCertificateFile} does not exist";
        if (TlsKeyFile is not null && !File.Exists(TlsKeyFile))
            yield return $"HaApi:TlsKeyFile {TlsKeyFile} does not exist";
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Concat(MetricsUrlList))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                yield return $"HaApi:Urls entry '{url}' is not an http:// or https:// URL";
            else if (u.Scheme == "https" && TlsCertificateFile is null)
                yield return $"HaApi:Urls entry '{url}' is https but no HaApi:TlsCertificateFile is configured";
        }
    }

    /// <summary>HAAPI_* environment variables (as the cluster script and systemd unit set them) to settings keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment()
    {
        var map = new Dictionary<string, string>
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
        };
        foreach (var (env, key) in map)
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } value)
                yield return new($"{Section}:{key}", value);
    }
}
