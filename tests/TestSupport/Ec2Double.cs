using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace HaApi.TestSupport;

/// <summary>
/// An EC2 + IMDSv2 test double speaking the real wire protocol: form-encoded POST /, API 2016-11-15 XML responses, the
/// EC2 error XML, SigV4 verification against <see cref="AccessKey"/>/<see cref="SecretKey"/> (its own implementation,
/// independent of the code under test) and an instance state machine running -> stopping -> stopped -> pending ->
/// running with configurable delays. Faults: per-action error injection (e.g. RequestLimitExceeded twice), denied
/// actions (UnauthorizedOperation) and instances whose stop never completes.
/// <para>
/// Shared source (tests/TestSupport, compiled into Integrations.Tests and Cluster.Tests). It listens on loopback by
/// default; the cluster tests give the bridge address their network namespaces reach, and learn through
/// <see cref="InstanceStopped"/> when to kill the processes of the node whose instance was just stopped. IMDS answers
/// instance-id per caller address (<see cref="MapCaller"/>), so each namespaced node sees its own instance.
/// </para>
/// </summary>
public sealed class Ec2Double : IDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";

    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, Instance> _instances = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _injected = new();
    private readonly ConcurrentDictionary<string, byte> _denied = new();
    private readonly ConcurrentDictionary<string, byte> _imdsTokens = new();
    private readonly ConcurrentDictionary<IPAddress, string> _callers = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _clockStartedAt = DateTimeOffset.UtcNow;
    private readonly CancellationTokenSource _stop = new();

    /// <param name="listenAddress">Where to listen (default 127.0.0.1); a specific address, not Any, so that
    /// <see cref="Endpoint"/> is an address clients can use.</param>
    public Ec2Double(IPAddress? listenAddress = null)
    {
        ListenAddress = listenAddress ?? IPAddress.Loopback;
        if (ListenAddress.Equals(IPAddress.Any) || ListenAddress.Equals(IPAddress.IPv6Any))
            throw new ArgumentException("give the address clients will connect to (e.g. the bridge address), not Any", nameof(listenAddress));
        (_listener, Port) = Listen(ListenAddress);
        _ = Task.Run(ServeAsync);
    }

    public IPAddress ListenAddress { get; }
    public int Port { get; }
    public Uri Endpoint => new($"http://{Host(ListenAddress)}:{Port}/");
    public TimeSpan StopDelay { get; set; } = TimeSpan.FromMilliseconds(300);
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMilliseconds(300);
    /// <summary>What IMDS answers as instance-id to callers not mapped with <see cref="MapCaller"/>.</summary>
    public string? SelfInstanceId { get; set; }

    /// <summary>
    /// Raised once each time an instance reaches "stopped", with its id and Name tag, StopDelay after the StopInstances
    /// call even if nobody polls. Runs on a pool thread; an exception from a handler is kept in <see cref="HandlerErrors"/>.
    /// </summary>
    public event Action<string, string>? InstanceStopped;

    public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

    /// <summary>IMDS tells a caller at this source address that it is this instance (one haapi node per namespace).</summary>
    public void MapCaller(IPAddress caller, string instanceId) => _callers[caller] = instanceId;

    /// <summary>Every EC2 call received, in order: (Action, parameters).</summary>
    public ConcurrentQueue<(string Action, IReadOnlyDictionary<string, string> Parameters)> Calls { get; } = new();

    public IEnumerable<string> Actions => Calls.Select(c => c.Action);

    public void AddInstance(string id, string name, string state = "running") =>
        _instances[id] = new Instance(id, name, state, _clock.Elapsed);

    public string StateOf(string id) => _instances[id].Current(this);

    /// <summary>
    /// The instance's state and when (wall clock) it entered it. A delayed transition counts from the moment it took
    /// effect (e.g. StopInstances + StopDelay), not from when someone next looked: nobody could have seen the new state
    /// earlier, so cluster tests can order what happened after it.
    /// </summary>
    public (string State, DateTimeOffset Since) StateSince(string id)
    {
        var instance = _instances[id];
        lock (instance)
        {
            var state = instance.Current(this);
            return (state, _clockStartedAt + instance.Since);
        }
    }

    /// <summary>The states the instance went through, in order, starting with its initial state.</summary>
    public IReadOnlyList<string> HistoryOf(string id) => _instances[id].History.ToList();

    public void NeverStop(string id) => _instances[id].NeverStops = true;

    /// <summary>Waits until the instance is in state (the state machine advances on its own), or throws TimeoutException.</summary>
    public async Task WaitForStateAsync(string id, string state, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (StateOf(id) != state)
        {
            if (_clock.Elapsed > deadline)
                throw new TimeoutException($"instance {id} is still {StateOf(id)} after {timeout.TotalSeconds:0.#}s, not {state}; states: {string.Join(" -> ", HistoryOf(id))}");
            await Task.Delay(20);
        }
    }

    public void Inject(string action, string code, int times)
    {
        var q = _injected.GetOrAdd(action, _ => new ConcurrentQueue<string>());
        for (var i = 0; i < times; i++) q.Enqueue(code);
    }

    public void Deny(string action) => _denied[action] = 0;

    public void Dispose()
    {
        _stop.Cancel();
        // Close alone: the managed HttpListener's Stop already unbinds the port, and a Close after it looks the
        // endpoint up again, binding the port anew, which throws "Address already in use" when a parallel test has
        // just taken that port.
        _listener.Close();
    }

    private static string Host(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static (HttpListener, int) Listen(IPAddress address)
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(address, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://{Host(address)}:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                // Start has already released what it bound; Close would bind the contested port again.
                try { listener.Close(); } catch (HttpListenerException) { }
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var (status, contentType, body) = (500, "text/plain", "double failed");
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var requestBody = await reader.ReadToEndAsync();
            (status, contentType, body) = context.Request.Url!.AbsolutePath.StartsWith("/latest/", StringComparison.Ordinal)
                ? Imds(context.Request)
                : Ec2(context.Request, requestBody);
        }
        catch (Exception ex)
        {
            body = ex.ToString();
        }
        try
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception) { /* client went away */ }
    }

    private (int, string, string) Imds(HttpListenerRequest request)
    {
        if (request.HttpMethod == "PUT" && request.Url!.AbsolutePath == "/latest/api/token")
        {
            if (request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] is null) return (400, "text/plain", "missing ttl");
            var token = "tok-" + Guid.NewGuid().ToString("N");
            _imdsTokens[token] = 0;
            return (200, "text/plain", token);
        }
        if (request.HttpMethod != "GET") return (405, "text/plain", "");
        if (request.Headers["X-aws-ec2-metadata-token"] is not { } t || !_imdsTokens.ContainsKey(t)) return (401, "text/plain", "");
        return request.Url!.AbsolutePath switch
        {
            "/latest/meta-data/instance-id" when _callers.TryGetValue(request.RemoteEndPoint.Address, out var mapped) => (200, "text/plain", mapped),
            "/latest/meta-data/instance-id" when SelfInstanceId is not null => (200, "text/plain", SelfInstanceId),
            "/latest/meta-data/placement/region" => (200, "text/plain", Region),
            _ => (404, "text/plain", ""),
        };
    }

    private (int, string, string) Ec2(HttpListenerRequest request, string body)
    {
        if (request.HttpMethod != "POST") return Error(400, "InvalidAction", "use POST");
        if (!(request.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
            return Error(400, "InvalidParameterValue", "form-encoded body expected");
        var form = ParseForm(body);
        var action = form.GetValueOrDefault("Action") ?? "";
        Calls.Enqueue((action, form));

        var auth = VerifySignature(request, body);
        if (auth is not null) return auth.Value;
        if (form.GetValueOrDefault("Version") != "2016-11-15") return Error(400, "InvalidParameterValue", "unsupported Version");
        if (_injected.TryGetValue(action, out var q) && q.TryDequeue(out var code))
            return Error(code == "RequestLimitExceeded" ? 503 : code.StartsWith("Unauthorized", StringComparison.Ordinal) ? 403 : 500, code, $"injected {code}");
        if (_denied.ContainsKey(action))
            return Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: AbCdEf0123");

        return action switch
        {
            "DescribeInstances" => DescribeInstances(form),
            "StopInstances" => Transition(form, "StopInstances"),
            "StartInstances" => Transition(form, "StartInstances"),
            _ => Error(400, "InvalidAction", $"The action {action} is not valid for this web service."),
        };
    }

    private (int, string, string) DescribeInstances(Dictionary<string, string> form)
    {
        var ids = form.Where(p => p.Key.StartsWith("InstanceId.", StringComparison.Ordinal)).Select(p => p.Value).ToList();
        foreach (var id in ids)
            if (!_instances.ContainsKey(id)) return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

        var filters = new List<(string Name, List<string> Values)>();
        for (var n = 1; form.TryGetValue($"Filter.{n}.Name", out var name); n++)
        {
            var values = new List<string>();
            for (var m = 1; form.TryGetValue($"Filter.{n}.Value.{m}", out var v); m++) values.Add(v);
            filters.Add((name, values));
        }

        var matching = _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).Where(i =>
            (ids.Count == 0 || ids.Contains(i.Id)) && filters.All(f => f.Values.Contains(f.Name switch
            {
                "instance-id" => i.Id,
                "instance-state-name" => i.Current(this),
                "tag:Name" => i.Name,
                _ => "\0unsupported",
            })));

        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">");
        sb.Append($"<requestId>{Guid.NewGuid()}</requestId><reservationSet>");
        foreach (var i in matching)
        {
            var state = i.Current(this);
            sb.Append("<item><reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>");
            sb.Append($"<instanceId>{i.Id}</instanceId><imageId>ami-0123456789abcdef0</imageId>");
            sb.Append($"<instanceState><code>{Code(state)}</code><name>{state}</name></instanceState>");
            sb.Append("<privateDnsName>ip-172-31-1-12.ec2.internal</privateDnsName><instanceType>t3.micro</instanceType>");
            sb.Append("<placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>");
            sb.Append($"<tagSet><item><key>Name</key><value>{SecurityElement.Escape(i.Name)}</value></item></tagSet>");
            sb.Append("</item></instancesSet></item>");
        }
        sb.Append("</reservationSet></DescribeInstancesResponse>");
        return (200, "text/xml;charset=UTF-8", sb.ToString());
    }

    private (int, string, string) Transition(Dictionary<string, string> form, string action)
    {
        var id = form.GetValueOrDefault("InstanceId.1");
        if (id is null) return Error(400, "MissingParameter", "The request must contain the parameter InstanceId");
        if (!_instances.TryGetValue(id, out var instance)) return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
        var stop = action == "StopInstances";
        if (stop && form.GetValueOrDefault("Force") != "true") return Error(400, "InvalidParameterValue", "this double only models forced stops");

        string previous, current;
        lock (instance)
        {
            previous = instance.Current(this);
            if (stop && previous is "pending") return Error(400, "IncorrectInstanceState", $"The instance '{id}' is not in a state from which it can be stopped.");
            if (!stop && previous is "stopping") return Error(400, "IncorrectInstanceState", $"The instance '{id}' is not in a state from which it can be started.");
            if (stop && previous == "running")
            {
                instance.Set("stopping", _clock.Elapsed);
                // Nobody may poll (the fencer could be the node that is going down): advance the state on a timer too.
                _ = Task.Delay(StopDelay, _stop.Token).ContinueWith(_ => instance.Current(this), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
            if (!stop && previous == "stopped") instance.Set("pending", _clock.Elapsed);
            current = instance.Current(this);
        }
        var root = stop ? "StopInstancesResponse" : "StartInstancesResponse";
        return (200, "text/xml;charset=UTF-8",
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>{Guid.NewGuid()}</requestId>"
            + $"<instancesSet><item><instanceId>{id}</instanceId><currentState><code>{Code(current)}</code><name>{current}</name></currentState>"
            + $"<previousState><code>{Code(previous)}</code><name>{previous}</name></previousState></item></instancesSet></{root}>");
    }

    /// <summary>Null when the request is signed with the double's credentials, else the error EC2 returns.</summary>
    private (int, string, string)? VerifySignature(HttpListenerRequest request, string body)
    {
        var authorization = request.Headers["Authorization"];
        var amzDate = request.Headers["X-Amz-Date"];
        if (authorization is null || amzDate is null) return Error(401, "MissingAuthenticationToken", "Request is missing Authentication Token");
        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal)) return Error(400, "IncompleteSignature", "unsupported algorithm");
        var fields = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders)
            || !fields.TryGetValue("Signature", out var signature))
            return Error(400, "IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "ec2" || scope[4] != "aws4_request") return Error(400, "IncompleteSignature", "bad credential scope");
        if (scope[0] != AccessKey) return Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        if (!DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when)
            || Math.Abs((DateTime.UtcNow - when).TotalMinutes) > 15)
            return Error(400, "RequestExpired", "Request has expired");
        if (!signedHeaders.Split(';').Contains("host")) return Error(400, "IncompleteSignature", "host must be signed");

        var canonical = new StringBuilder();
        canonical.Append(request.HttpMethod).Append('\n').Append(request.Url!.AbsolutePath).Append('\n').Append('\n');
        foreach (var name in signedHeaders.Split(';'))
            canonical.Append(name).Append(':').Append(string.Join(' ', (request.Headers[name] ?? "").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{scope[2]}/ec2/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), scope[1]);
        key = Hmac(Hmac(Hmac(key, scope[2]), "ec2"), "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static (int, string, string) Error(int status, string code, string message) =>
        (status, "text/xml;charset=UTF-8",
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>");

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            form[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return form;
    }

    private static int Code(string state) => state switch
    {
        "pending" => 0, "running" => 16, "shutting-down" => 32, "terminated" => 48, "stopping" => 64, "stopped" => 80, _ => -1,
    };

    private sealed class Instance(string id, string name, string state, TimeSpan since)
    {
        private string _state = state;
        private TimeSpan _since = since;
        public TimeSpan Since => _since;
        public string Id { get; } = id;
        public string Name { get; } = name;
        public bool NeverStops { get; set; }
        public ConcurrentQueue<string> History { get; } = new([state]);

        public void Set(string state, TimeSpan now)
        {
            _state = state;
            _since = now;
            History.Enqueue(state);
        }

        /// <summary>Advances transitional states whose delay has passed, then returns the state.</summary>
        public string Current(Ec2Double owner)
        {
            bool stoppedNow;
            string state;
            lock (this)
            {
                var now = owner._clock.Elapsed;
                stoppedNow = _state == "stopping" && !NeverStops && now - _since >= owner.StopDelay;
                if (stoppedNow) Set("stopped", _since + owner.StopDelay);
                if (_state == "pending" && now - _since >= owner.StartDelay) Set("running", _since + owner.StartDelay);
                state = _state;
            }
            // Outside the lock: a handler may call back into the double (StateOf, HistoryOf).
            if (stoppedNow) owner.RaiseStopped(Id, Name);
            return state;
        }
    }

    private void RaiseStopped(string id, string name)
    {
        var handlers = InstanceStopped;
        if (handlers is null) return;
        _ = Task.Run(() =>
        {
            try { handlers(id, name); }
            catch (Exception ex) { HandlerErrors.Enqueue(ex); }
        });
    }
}
