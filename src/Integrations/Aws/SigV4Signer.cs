using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace HaApi.Integrations.Aws;

/// <summary>The headers a signed request must carry.</summary>
public sealed record SignedHeaders(string AmzDate, string Authorization, string? SecurityToken);

/// <summary>
/// AWS Signature Version 4 for EC2 Query requests (POST /, form body, no query string). We build the canonical request
/// ourselves (it is small and fixed for this protocol) and let AWSSDK.Core's AWS4Signer derive the signing key and
/// signature, so the HMAC chain is the SDK's. Signed headers are content-type;host;x-amz-date (plus
/// x-amz-security-token with temporary credentials), as botocore signs them.
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static SignedHeaders Sign(string method, Uri endpoint, string contentType, string body, string region, string service,
        AwsCredentials credentials, DateTime utcNow)
    {
        var amzDate = utcNow.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType,
            ["host"] = HostHeader(endpoint),
            ["x-amz-date"] = amzDate,
        };
        if (credentials.SessionToken is not null) headers["x-amz-security-token"] = credentials.SessionToken;
        if (contentType.Length == 0) headers.Remove("content-type");

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = CanonicalRequest(method, endpoint.AbsolutePath, "", headers, signedHeaders, body);
        var result = AWS4Signer.ComputeSignature(credentials.AccessKeyId, credentials.SecretAccessKey, region,
            utcNow.ToUniversalTime(), service, signedHeaders, canonical);
        return new SignedHeaders(amzDate, result.ForAuthorizationHeader, credentials.SessionToken);
    }

    /// <summary>METHOD \n path \n query \n name:value lines \n signed-headers \n hex(sha256(body)).</summary>
    public static string CanonicalRequest(string method, string path, string canonicalQuery, IReadOnlyDictionary<string, string> headers,
        string signedHeaders, string body)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append('\n').Append(path.Length == 0 ? "/" : path).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            sb.Append(name).Append(':').Append(CollapseSpaces(value.Trim())).Append('\n');
        sb.Append('\n').Append(signedHeaders).Append('\n').Append(HexSha256(body));
        return sb.ToString();
    }

    public static string HexSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The Host header HttpClient will send: the port appears only when it is not the scheme's default.</summary>
    public static string HostHeader(Uri endpoint) => endpoint.IsDefaultPort ? endpoint.IdnHost : $"{endpoint.IdnHost}:{endpoint.Port}";

    private static string CollapseSpaces(string value)
    {
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c == ' ') { if (!space) sb.Append(c); space = true; }
            else { sb.Append(c); space = false; }
        }
        return sb.ToString();
    }
}
