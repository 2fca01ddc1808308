using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaApi.Api.Hosting;
using Microsoft.Extensions.Configuration;

namespace HaApi.Api.Tests.Deployment;

/// <summary>Start-up validation of the settings: each mistake is refused with the setting's name and the fix.</summary>
public class HaApiOptionsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("haapi-options-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_example_configuration_file_is_valid()
    {
        var options = HaApiOptions.Load(new ConfigurationBuilder().AddJsonFile(RepositoryFiles.PathOf("deploy/haapi.json")).Build());

        Assert.Empty(options.Problems());
        Assert.Equal("corosync", options.Transport);
        Assert.Equal("/var/lib/haapi", options.DataDirectory);
        Assert.Null(options.TlsCertificateFile);
    }

    [Fact]
    public void Settings_without_values_are_valid_and_keep_the_defaults()
    {
        var options = Load();
        Assert.Empty(options.Problems());
        Assert.Equal("local", options.Transport);
        Assert.Equal(1 << 20, options.MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("Urls", "http://0.0.0.0:70000", "HaApi:Urls entry 'http://0.0.0.0:70000' has port 70000, out of range: use a port between 1 and 65535")]
    [InlineData("Urls", "http://0.0.0.0:0", "HaApi:Urls entry 'http://0.0.0.0:0' has port 0, out of range")]
    [InlineData("Urls", "ftp://0.0.0.0:7480", "HaApi:Urls entry 'ftp://0.0.0.0:7480' is not an http:// or https:// URL")]
    [InlineData("Urls", "http://0.0.0.0:7480/api", "HaApi:Urls entry 'http://0.0.0.0:7480/api' has a path")]
    [InlineData("Urls", "https://0.0.0.0:7480", "HaApi:Urls entry 'https://0.0.0.0:7480' is https but no HaApi:TlsCertificateFile is configured")]
    [InlineData("Urls", " ", "HaApi:Urls is empty: remove it to get the default (http://127.0.0.1:7480) or give a value")]
    [InlineData("MetricsUrls", "http://127.0.0.1:7480", "HaApi:MetricsUrls entry 'http://127.0.0.1:7480' needs port 7480 on 127.0.0.1, which HaApi:Urls already takes")]
    [InlineData("MetricsUrls", "http://0.0.0.0:99999", "HaApi:MetricsUrls entry 'http://0.0.0.0:99999' has port 99999, out of range")]
    [InlineData("Transport", "udpu", "HaApi:Transport 'udpu' is not supported: use local (one node) or corosync")]
    [InlineData("DataDirectory", ".data", "HaApi:DataDirectory '.data' is relative, so it would depend on the working directory: give an absolute path such as /var/lib/haapi")]
    [InlineData("TokenFile", "tokens.json", "HaApi:TokenFile 'tokens.json' is relative")]
    [InlineData("PmLogconvPath", "pm_logconv.out", "HaApi:PmLogconvPath 'pm_logconv.out' is relative")]
    [InlineData("PmLogconvPath", "/nonexistent-haapi-dir/pm_logconv.out", "HaApi:PmLogconvPath /nonexistent-haapi-dir/pm_logconv.out: the directory /nonexistent-haapi-dir does not exist")]
    [InlineData("MaxRequestBodyBytes", "100", "HaApi:MaxRequestBodyBytes 100 is out of range: give between 1024 and 268435456")]
    [InlineData("MaxRequestBodyBytes", "1MB", "HaApi:MaxRequestBodyBytes '1MB' is not a whole number")]
    [InlineData("AllowAnonymousReads", "yes", "HaApi:AllowAnonymousReads 'yes' is not a boolean: use true or false")]
    [InlineData("NodeName", "node 1", "HaApi:NodeName 'node 1' is not a host name")]
    [InlineData("Transprot", "corosync", "HaApi:Transprot is not a setting (misspelt?): the settings are NodeName, DataDirectory, Urls, Transport,")]
    [InlineData("TlsKeyFile", "/etc/haapi/key.pem", "HaApi:TlsKeyFile is set without HaApi:TlsCertificateFile: set both (PEM files) or neither")]
    public void A_bad_value_is_refused_naming_the_setting_and_the_fix(string key, string value, string expected)
    {
        var problem = Assert.Single(Load((key, value)).Problems());
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void A_data_directory_that_is_a_file_is_refused()
    {
        var file = Path.Combine(directory, "not-a-directory");
        File.WriteAllText(file, "");
        Assert.Equal($"HaApi:DataDirectory {file} is a file: give a directory", Assert.Single(Load(("DataDirectory", file)).Problems()));
    }

    [Fact]
    public void A_certificate_without_its_key_is_refused()
    {
        var (cert, _) = WriteCertificate();
        Assert.StartsWith("HaApi:TlsCertificateFile is set without HaApi:TlsKeyFile",
            Assert.Single(Load(("TlsCertificateFile", cert), ("Urls", "https://127.0.0.1:7480")).Problems()));
    }

    [Fact]
    public void A_missing_key_file_is_refused()
    {
        var (cert, _) = WriteCertificate();
        var missing = Path.Combine(directory, "missing.pem");
        Assert.Equal($"HaApi:TlsKeyFile {missing} does not exist (or is not readable by this user): give the path of a PEM file",
            Assert.Single(Load(("TlsCertificateFile", cert), ("TlsKeyFile", missing), ("Urls", "https://127.0.0.1:7480")).Problems()));
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_is_refused()
    {
        var (cert, _) = WriteCertificate();
        var (_, otherKey) = WriteCertificate();
        Assert.StartsWith($"HaApi:TlsCertificateFile {cert} and HaApi:TlsKeyFile {otherKey} are not a usable PEM certificate and its private key",
            Assert.Single(Load(("TlsCertificateFile", cert), ("TlsKeyFile", otherKey), ("Urls", "https://127.0.0.1:7480")).Problems()));
    }

    [Fact]
    public void A_certificate_with_only_plain_http_urls_is_refused()
    {
        var (cert, key) = WriteCertificate();
        Assert.StartsWith("HaApi:TlsCertificateFile is set but no HaApi:Urls entry is https://",
            Assert.Single(Load(("TlsCertificateFile", cert), ("TlsKeyFile", key)).Problems()));
    }

    [Fact]
    public void A_matching_certificate_and_key_with_an_https_url_are_valid()
    {
        var (cert, key) = WriteCertificate();
        Assert.Empty(Load(("TlsCertificateFile", cert), ("TlsKeyFile", key), ("Urls", "https://127.0.0.1:7480")).Problems());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Load(("Transport", "udpu"), ("AllowAnonymousReads", "yes"), ("Urls", "http://0.0.0.0:70000")).Problems().ToList();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("HaApi:Transport", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("HaApi:AllowAnonymousReads", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("HaApi:Urls", StringComparison.Ordinal));
    }

    [Fact]
    public void Optional_settings_given_as_empty_are_unset()
    {
        var options = Load(("NodeName", ""), ("TlsCertificateFile", ""), ("TlsKeyFile", ""));
        Assert.Empty(options.Problems());
        Assert.Null(options.NodeName);
        Assert.Null(options.TlsCertificateFile);
    }

    /// <summary>Settings with an absolute data directory and no pm_logconv file (nothing outside the test's directory), plus the given ones.</summary>
    private HaApiOptions Load(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["HaApi:DataDirectory"] = directory,
            ["HaApi:PmLogconvPath"] = "none",
        };
        foreach (var (key, value) in settings) values[$"HaApi:{key}"] = value;
        return HaApiOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    private (string Certificate, string Key) WriteCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=haapi-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var name = Guid.NewGuid().ToString("N");
        var certFile = Path.Combine(directory, $"{name}.crt.pem");
        var keyFile = Path.Combine(directory, $"{name}.key.pem");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }
}
