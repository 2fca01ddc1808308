using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace HaApi.Api.Tests;

public class TlsTests
{
    [Fact]
    public async Task With_a_certificate_configured_the_api_speaks_https_with_that_certificate()
    {
        var data = Directory.CreateTempSubdirectory("haapi-tls-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=haapi-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certFile = Path.Combine(data, "cert.pem");
            var keyFile = Path.Combine(data, "key.pem");
            await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem());

            // Trust exactly this certificate, and remember what the server presented.
            string? presented = null;
            HttpMessageHandler Trusting() => new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert?.Thumbprint;
                    return cert?.Thumbprint == certificate.Thumbprint;
                },
            };
            using var node = await HaApiProcess.StartAsync(data, "tls1", "https",
                new Dictionary<string, string> { ["HAAPI_TLS_CERT"] = certFile, ["HAAPI_TLS_KEY"] = keyFile }, Trusting);
            using var client = node.Client();

            var config = await client.GetFromJsonAsync<JsonObject>("/api/v1/config");
            Assert.NotNull(config!["version"]);
            Assert.Equal(certificate.Thumbprint, presented);

            using var plain = new HttpClient { BaseAddress = new Uri(node.BaseAddress.ToString().Replace("https://", "http://")) };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync("/api/v1/health"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
