using System.Net.Http.Headers;

namespace HaApi.Integrations.Aws;

/// <summary>
/// IMDSv2: a session token from PUT /latest/api/token, then GETs carrying it. Used for this node's own instance id
/// (the self-fence race check) and region. Short timeouts: off EC2 there is no metadata service and we must say so fast.
/// </summary>
public sealed class ImdsClient(HttpClient http, Uri? endpoint = null, TimeSpan? timeout = null)
{
    public static readonly Uri DefaultEndpoint = new("http://169.254.169.254/");
    private readonly Uri _endpoint = endpoint ?? DefaultEndpoint;
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(2);

    public Task<string> GetInstanceIdAsync(CancellationToken cancellationToken) => GetAsync("latest/meta-data/instance-id", cancellationToken);

    public Task<string> GetRegionAsync(CancellationToken cancellationToken) => GetAsync("latest/meta-data/placement/region", cancellationToken);

    public async Task<string> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, new Uri(_endpoint, "latest/api/token"));
            tokenRequest.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
            using var tokenResponse = await http.SendAsync(tokenRequest, deadline.Token);
            tokenResponse.EnsureSuccessStatusCode();
            var token = (await tokenResponse.Content.ReadAsStringAsync(deadline.Token)).Trim();

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_endpoint, path));
            request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
            using var response = await http.SendAsync(request, deadline.Token);
            response.EnsureSuccessStatusCode();
            var value = (await response.Content.ReadAsStringAsync(deadline.Token)).Trim();
            if (value.Length == 0 || value.Length > 256) throw new InvalidDataException($"IMDS {path} returned {value.Length} bytes");
            return value;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new Ec2Exception("ImdsUnavailable", $"instance metadata {_endpoint.GetLeftPart(UriPartial.Authority)}/{path} unavailable ({ex.GetType().Name}: {ex.Message})", 0, null, ex);
        }
    }
}
