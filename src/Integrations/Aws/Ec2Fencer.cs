using System.Diagnostics;
using System.Text;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Aws;

/// <summary>
/// The built-in EC2 fencer ("haapi:ec2"), equivalent to fence_aws but stricter: off = StopInstances(Force,
/// SkipOsShutdown) then DescribeInstances until "stopped"; on = StartInstances then until "running"; reboot = off then
/// on (success once off succeeded, as with fence agents). Success is only ever decided from the polled state, never
/// from the Stop/Start response. Any API error from Stop/Start fails at once (fence_aws 4.12 kept polling until its
/// power_timeout). Before off, it refuses to fence when its own instance is not running: in a two-node split, the node
/// that is itself being stopped must not take its peer down with it.
/// <para>Device parameters read (parsed in <see cref="Ec2DeviceParameters"/>; names follow fence_aws):</para>
/// <list type="bullet">
/// <item>hostMap (pcmk_host_map) "node1:i-0abc;node2:i-0def": node to instance id; without an entry the node name
/// itself must be an instance id. <c>port</c> / <c>plug</c>: one fixed instance id for every target.</item>
/// <item><c>region</c>: else AWS_REGION / AWS_DEFAULT_REGION, else the instance metadata's region.</item>
/// <item><c>endpoint</c>: overrides https://ec2.REGION.amazonaws.com/ (VPC endpoint, FIPS, the tests' EC2 double);
/// <c>imds_endpoint</c>: overrides http://169.254.169.254/ (else Ec2FencerOptions.ImdsEndpoint).</item>
/// <item><c>access_key</c> + <c>secret_key</c> (+ <c>session_token</c>): both or neither; neither means the SDK's
/// default chain (environment, shared profile, container, instance role). All three are secrets: masked everywhere.</item>
/// <item><c>self_instance_id</c>: this node's instance for the race check, else asked from IMDS;
/// <c>skip_race_check</c> (false): skip it. <c>skip_os_shutdown</c> (true): StopInstances SkipOsShutdown.</item>
/// <item><c>power_timeout</c> (60s): how long to wait for stopped/running; <c>poll_interval</c> (1s).</item>
/// </list>
/// Retries of throttled calls and per-call timeouts are process-wide (<see cref="Ec2FencerOptions"/>); the request's
/// timeout bounds everything.
/// </summary>
public sealed class Ec2Fencer : IFenceDeviceRunner
{
    private readonly HttpClient _http;
    private readonly IAwsCredentialProvider _defaultCredentials;
    private readonly Ec2FencerOptions _options;
    private readonly TimeProvider _time;

    public Ec2Fencer(HttpClient http, IAwsCredentialProvider? defaultCredentials = null, Ec2FencerOptions? options = null, TimeProvider? time = null)
    {
        _http = http;
        _defaultCredentials = defaultCredentials ?? new SdkAwsCredentialProvider();
        _options = options ?? new Ec2FencerOptions();
        _time = time ?? TimeProvider.System;
    }

    public bool Handles(FenceDevice device) => device.Agent == FenceDevice.Ec2Agent;

    public async Task<FenceResult> FenceAsync(FenceDevice device, FenceRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        try
        {
            var p = Ec2DeviceParameters.Parse(device);
            var imds = new ImdsClient(_http, p.ImdsEndpoint ?? _options.ImdsEndpoint);
            var region = await ResolveRegionAsync(p, imds, deadline.Token);
            var client = new Ec2Client(_http,
                new Ec2ClientOptions(region)
                {
                    Endpoint = p.Endpoint,
                    MaxAttempts = _options.ApiMaxAttempts,
                    ThrottleBaseDelay = _options.ThrottleBaseDelay,
                    RequestTimeout = _options.ApiRequestTimeout,
                },
                p.Credentials is null ? _defaultCredentials : new StaticAwsCredentialProvider(p.Credentials), _time);
            var run = new Run(this, device, request, p, client, imds, clock, deadline.Token);
            return request.Action switch
            {
                FenceAction.Off => await run.OffAsync(),
                FenceAction.On => await run.OnAsync(),
                FenceAction.Reboot => await run.RebootAsync(),
                FenceAction.Status => await run.StatusAsync(),
                FenceAction.List => await run.ListAsync(),
                FenceAction.Monitor => await run.MonitorAsync(),
                _ => Result(device, false, $"haapi:ec2 does not support {request.Action}", clock),
            };
        }
        catch (ArgumentException ex)
        {
            return Result(device, false, ex.Message, clock);
        }
        catch (Ec2Exception ex)
        {
            var hint = ex.Kind == Ec2ErrorKind.Auth
                ? " (check the access key, secret key and IAM permissions ec2:DescribeInstances, ec2:StopInstances, ec2:StartInstances)"
                : "";
            return Result(device, false, $"{request.Action.ToAgentName()} {request.Target}: {ex.Message}{hint}", clock);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FenceResult(false, device.Id,
                $"{request.Action.ToAgentName()} {request.Target}: timed out after {Duration.Format(request.Timeout)}", clock.Elapsed, TimedOut: true);
        }
    }

    private static async Task<string> ResolveRegionAsync(Ec2DeviceParameters p, ImdsClient imds, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(p.Region)) return p.Region;
        var env = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        try
        {
            return await imds.GetRegionAsync(ct);
        }
        catch (Ec2Exception)
        {
            throw new ArgumentException("haapi:ec2: no region: set the device parameter 'region' (or AWS_REGION); instance metadata is not reachable");
        }
    }

    private static FenceResult Result(FenceDevice device, bool success, string reason, Stopwatch clock, int? exitCode = null, string? output = null) =>
        new(success, device.Id, reason, clock.Elapsed, exitCode ?? (success ? 0 : 1), Output: output);

    /// <summary>One fencing request: its parameters, client and deadline.</summary>
    private sealed class Run(Ec2Fencer owner, FenceDevice device, FenceRequest request, Ec2DeviceParameters p, Ec2Client client,
        ImdsClient imds, Stopwatch clock, CancellationToken ct)
    {
        private string InstanceId
        {
            get
            {
                var id = p.FixedInstanceId ?? DeviceTargeting.PortFor(device, request.Target);
                if (!id.StartsWith("i-", StringComparison.Ordinal))
                    throw new ArgumentException($"haapi:ec2 device {device.Id}: node {request.Target} maps to '{id}', which is not an EC2 instance id;"
                                                + " map it with pcmk_host_map, e.g. node1:i-0123456789abcdef0");
                return id;
            }
        }

        public async Task<FenceResult> OffAsync()
        {
            var id = InstanceId;
            var refusal = await RaceCheckAsync();
            if (refusal is not null) return Result(device, false, refusal, clock);
            return await PowerAsync(id, Ec2Instance.Stopped);
        }

        public async Task<FenceResult> OnAsync() => await PowerAsync(InstanceId, Ec2Instance.Running);

        public async Task<FenceResult> RebootAsync()
        {
            var off = await OffAsync();
            if (!off.Success) return off;
            var on = await PowerAsync(InstanceId, Ec2Instance.Running);
            return on.Success
                ? Result(device, true, $"{InstanceId} ({request.Target}) rebooted: stopped and started in {clock.Elapsed.TotalSeconds:0.0}s", clock)
                : Result(device, true, $"{InstanceId} ({request.Target}) stopped; start failed: {on.Reason}", clock);
        }

        public async Task<FenceResult> StatusAsync()
        {
            var id = InstanceId;
            var instance = await client.DescribeInstanceAsync(id, ct);
            return instance?.StateName switch
            {
                Ec2Instance.Running => Result(device, true, "Status: ON", clock, 0),
                Ec2Instance.Stopped => Result(device, true, "Status: OFF", clock, 2),
                null => Result(device, false, $"instance {id} ({request.Target}) not found in {client.Endpoint.Host}", clock, 1),
                var other => Result(device, false, $"instance {id} ({request.Target}) is {other}, neither on nor off", clock, 1),
            };
        }

        public async Task<FenceResult> ListAsync()
        {
            var instances = await client.DescribeInstancesAsync([], ct);
            var output = new StringBuilder();
            foreach (var i in instances) output.Append(i.InstanceId).Append(',').Append(i.Name).Append('\n');
            return Result(device, true, $"{instances.Count} instances", clock, 0, output.ToString());
        }

        public async Task<FenceResult> MonitorAsync()
        {
            var mapped = device.HostMap.Values.Where(v => v.StartsWith("i-", StringComparison.Ordinal)).ToArray();
            var filters = mapped.Length == 0 ? new List<(string, string[])>() : [("instance-id", mapped)];
            var found = await client.DescribeInstancesAsync(filters, ct);
            var missing = mapped.Except(found.Select(i => i.InstanceId)).ToList();
            return missing.Count == 0
                ? Result(device, true, $"EC2 API reachable; {found.Count} mapped instances visible", clock)
                : Result(device, false, $"mapped instances not found: {string.Join(", ", missing)}", clock);
        }

        /// <summary>Null when this node may fence, else the refusal.</summary>
        private async Task<string?> RaceCheckAsync()
        {
            if (p.SkipRaceCheck) return null;
            string self;
            try
            {
                self = p.SelfInstanceId ?? await imds.GetInstanceIdAsync(ct);
            }
            catch (Ec2Exception ex)
            {
                return $"refusing to fence {request.Target}: cannot learn this node's own instance id for the self-fence race check ({ex.Message});"
                       + $" set {Ec2DeviceParameters.SelfInstanceIdName} or {Ec2DeviceParameters.SkipRaceCheckName}=true";
            }
            var own = await client.DescribeInstanceAsync(self, ct);
            return own?.StateName == Ec2Instance.Running
                ? null
                : $"refusing to fence {request.Target}: this node's own instance {self} is {own?.StateName ?? "not found"}, not running"
                  + " (self-fence race guard: a node being stopped must not fence its peer)";
        }

        /// <summary>
        /// Drives the instance to wanted ("stopped" or "running") within power_timeout. The Stop/Start call is issued
        /// only from the settled opposite state (running, resp. stopped): from a transitional state EC2 answers
        /// IncorrectInstanceState, so we wait for it to settle. The call is re-issued (bounded) if the instance is
        /// seen settled-opposite again, because DescribeInstances is eventually consistent right after a call and
        /// someone may have started the instance again behind our back.
        /// </summary>
        private async Task<FenceResult> PowerAsync(string id, string wanted)
        {
            const int maxCalls = 3;
            var started = clock.Elapsed;
            var opposite = wanted == Ec2Instance.Stopped ? Ec2Instance.Running : Ec2Instance.Stopped;
            var calls = 0;
            for (var poll = 0; ; poll++)
            {
                var instance = await client.DescribeInstanceAsync(id, ct);
                if (instance is null)
                    throw new Ec2Exception("InvalidInstanceID.NotFound", $"instance {id} ({request.Target}) does not exist in {client.Endpoint.Host}", 400, null);
                var state = instance.StateName;
                if (state == wanted || (wanted == Ec2Instance.Stopped && state == Ec2Instance.Terminated))
                    return Result(device, true, calls == 0
                        ? $"{id} ({request.Target}) already {state}"
                        : $"{id} ({request.Target}) {state} after {(clock.Elapsed - started).TotalSeconds:0.0}s", clock);

                if (state == opposite && calls < maxCalls)
                {
                    calls++;
                    try
                    {
                        if (wanted == Ec2Instance.Stopped) await client.StopInstanceAsync(id, force: true, p.SkipOsShutdown, ct);
                        else await client.StartInstanceAsync(id, ct);
                    }
                    catch (Ec2Exception ex) when (ex.Kind == Ec2ErrorKind.IncorrectState)
                    {
                        // The state moved between our read and the call: the next poll decides.
                    }
                }
                if (clock.Elapsed - started + p.PollInterval > p.PowerTimeout)
                    return Result(device, false, $"{id} ({request.Target}) still {state} after power_timeout {Duration.Format(p.PowerTimeout)} (waiting for {wanted})", clock);
                await Task.Delay(p.PollInterval, owner._time, ct);
            }
        }
    }
}
