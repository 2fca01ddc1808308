using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace HaApi.Integrations.Aws;

/// <summary>
/// A minimal EC2 Query API client (API 2016-11-15): form-encoded POST /, SigV4-signed, XML responses, the error XML
/// Response/Errors/Error/{Code,Message}. Throttling and transient failures are retried with bounded, jittered backoff;
/// every other error surfaces at once as an Ec2Exception.
/// </summary>
public sealed class Ec2Client
{
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private const int MaxPages = 20;

    private readonly HttpClient _http;
    private readonly Ec2ClientOptions _options;
    private readonly IAwsCredentialProvider _credentials;
    private readonly TimeProvider _time;
    private readonly Random _jitter;
    private readonly Uri _endpoint;

    public Ec2Client(HttpClient http, Ec2ClientOptions options, IAwsCredentialProvider credentials, TimeProvider? time = null, Random? jitter = null)
    {
        _http = http;
        _options = options;
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        _jitter = jitter ?? Random.Shared;
        _endpoint = options.ResolveEndpoint();
    }

    public Uri Endpoint => _endpoint;

    /// <summary>Calls retried because of throttling or transient errors, since creation (for metrics and tests).</summary>
    public int RetriedCalls => _retried;
    private int _retried;

    /// <summary>The instance's current state, or null when EC2 does not know it (the filter matched nothing).</summary>
    public async Task<Ec2Instance?> DescribeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        var found = await DescribeInstancesAsync([("instance-id", [instanceId])], cancellationToken);
        return found.FirstOrDefault(i => i.InstanceId == instanceId);
    }

    public async Task<IReadOnlyList<Ec2Instance>> DescribeInstancesAsync(IEnumerable<(string Name, string[] Values)> filters, CancellationToken cancellationToken)
    {
        var filterParams = Ec2QueryEncoding.Filters(filters).ToList();
        var result = new List<Ec2Instance>();
        string? next = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var p = new List<KeyValuePair<string, string>>(filterParams);
            if (next is not null) p.Add(new("NextToken", next));
            var xml = await CallAsync("DescribeInstances", p, cancellationToken);
            foreach (var instance in Descendants(xml, "instancesSet").SelectMany(s => Children(s, "item")))
            {
                var state = Child(instance, "instanceState");
                var name = Children(Child(instance, "tagSet"), "item")
                    .FirstOrDefault(t => Value(t, "key") == "Name") is { } tag ? Value(tag, "value") : null;
                result.Add(new Ec2Instance(Value(instance, "instanceId") ?? "", StateCode(state), Value(state, "name") ?? "unknown", name));
            }
            next = Value(xml, "nextToken");
            if (string.IsNullOrEmpty(next)) return result;
        }
        return result;
    }

    /// <summary>StopInstances with Force (and SkipOsShutdown: fencing must not wait for a graceful OS shutdown). Returns the new state name.</summary>
    public async Task<string> StopInstanceAsync(string instanceId, bool force, bool skipOsShutdown, CancellationToken cancellationToken)
    {
        var p = new List<KeyValuePair<string, string>> { new("InstanceId.1", instanceId) };
        if (force) p.Add(new("Force", "true"));
        if (skipOsShutdown) p.Add(new("SkipOsShutdown", "true"));
        return CurrentState(await CallAsync("StopInstances", p, cancellationToken), instanceId);
    }

    public async Task<string> StartInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        CurrentState(await CallAsync("StartInstances", [new("InstanceId.1", instanceId)], cancellationToken), instanceId);

    /// <summary>One EC2 call with retries; returns the response document's root element.</summary>
    public async Task<XElement> CallAsync(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var body = Ec2QueryEncoding.Body(action, parameters);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(body, cancellationToken);
            }
            catch (Ec2Exception ex) when (ex.IsRetryable && attempt < _options.MaxAttempts)
            {
                Interlocked.Increment(ref _retried);
                var baseDelay = ex.Kind == Ec2ErrorKind.Throttling ? _options.ThrottleBaseDelay : _options.TransientBaseDelay;
                var cap = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxBackoff.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromMilliseconds(_jitter.NextDouble() * cap), _time, cancellationToken);
            }
        }
    }

    private async Task<XElement> SendOnceAsync(string body, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCredentialsAsync(cancellationToken);
        var signed = SigV4Signer.Sign("POST", _endpoint, ContentType, body, _options.Region, "ec2", credentials, _time.GetUtcNow().UtcDateTime);

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        request.Content = content;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signed.AmzDate);
        request.Headers.TryAddWithoutValidation("Authorization", signed.Authorization);
        if (signed.SecurityToken is not null) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", signed.SecurityToken);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("HaApi", "1.0"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            text = await ReadBoundedAsync(response, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Ec2Exception("RequestTimeout", $"no answer from {_endpoint.Host} within {_options.RequestTimeout.TotalSeconds:0.#}s", 0, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new Ec2Exception("ConnectionError", $"cannot reach {_endpoint.GetLeftPart(UriPartial.Authority)}: {ex.Message}", 0, null, ex);
        }

        using (response)
        {
            XElement root;
            try
            {
                root = XElement.Parse(text);
            }
            catch (XmlException)
            {
                var status = (int)response.StatusCode;
                throw new Ec2Exception(status >= 500 ? "InternalError" : "InvalidResponse",
                    $"HTTP {status} with a body that is not EC2 XML", status, null);
            }
            if (response.IsSuccessStatusCode && root.Name.LocalName != "Response") return root;
            var error = Descendants(root, "Error").FirstOrDefault();
            throw new Ec2Exception(Value(error, "Code") ?? $"Http{(int)response.StatusCode}", Value(error, "Message") ?? "no message",
                (int)response.StatusCode, Value(root, "RequestID") ?? Value(root, "RequestId"));
        }
    }

    private async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > _options.MaxResponseBytes)
                throw new Ec2Exception("InvalidResponse", $"response larger than {_options.MaxResponseBytes} bytes", (int)response.StatusCode, null);
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string CurrentState(XElement root, string instanceId)
    {
        var item = Descendants(root, "item").FirstOrDefault(i => Value(i, "instanceId") == instanceId);
        return Value(Child(item, "currentState"), "name") ?? "unknown";
    }

    // EC2 responses carry a namespace that changes with the API version; match on local names only.
    private static IEnumerable<XElement> Descendants(XElement? e, string name) => e?.Descendants().Where(d => d.Name.LocalName == name) ?? [];
    private static IEnumerable<XElement> Children(XElement? e, string name) => e?.Elements().Where(d => d.Name.LocalName == name) ?? [];
    private static XElement? Child(XElement? e, string name) => Children(e, name).FirstOrDefault();
    private static string? Value(XElement? e, string name) => Child(e, name)?.Value;

    private static int StateCode(XElement? state) =>
        int.TryParse(Value(state, "code"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code & 0xff : -1;
}
