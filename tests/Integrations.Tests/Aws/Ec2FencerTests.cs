using System.Collections.Immutable;
using System.Diagnostics;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Integrations.Aws;
using Xunit.Abstractions;
using HaApi.TestSupport;

namespace HaApi.Integrations.Tests.Aws;

public class Ec2FencerTests(ITestOutputHelper output)
{
    private const string Self = "i-0aaaaaaaaaaaaaaa1";
    private const string Peer = "i-0bbbbbbbbbbbbbbb2";
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static Ec2Double TwoNodes()
    {
        var ec2 = new Ec2Double { StopDelay = TimeSpan.FromMilliseconds(300), StartDelay = TimeSpan.FromMilliseconds(300), SelfInstanceId = Self };
        ec2.AddInstance(Self, "node1");
        ec2.AddInstance(Peer, "node2");
        return ec2;
    }

    /// <summary>A haapi:ec2 device for the double; the race check learns our own id from the double's IMDS.</summary>
    private static FenceDevice Device(Ec2Double ec2, string secret = Ec2Double.SecretKey, params (string, string)[] extra)
    {
        var p = new Dictionary<string, string>
        {
            ["region"] = Ec2Double.Region,
            ["endpoint"] = ec2.Endpoint.ToString(),
            ["imds_endpoint"] = ec2.Endpoint.ToString(),
            ["access_key"] = Ec2Double.AccessKey,
            ["secret_key"] = secret,
            ["power_timeout"] = "5s",
            ["poll_interval"] = "100ms",
        };
        foreach (var (k, v) in extra) p[k] = v;
        return new FenceDevice("ec2", FenceDevice.Ec2Agent, Attributes.From(p), HostMapSyntax.Parse($"node1:{Self};node2:{Peer}"),
            ImmutableArray<string>.Empty);
    }

    private static Ec2Fencer Fencer(Ec2Double ec2) =>
        new(Http, new StaticAwsCredentialProvider(new AwsCredentials("AKIDUNUSED", "unused-secret")),
            new Ec2FencerOptions { ThrottleBaseDelay = TimeSpan.FromMilliseconds(20), ImdsEndpoint = ec2.Endpoint });

    private static FenceRequest Request(FenceAction action, double timeoutSeconds = 10) => new("node2", action, "node1", TimeSpan.FromSeconds(timeoutSeconds));

    [Fact]
    public async Task Off_force_stops_the_mapped_instance_and_succeeds_only_once_it_is_stopped()
    {
        using var ec2 = TwoNodes();
        var clock = Stopwatch.StartNew();

        var result = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);

        output.WriteLine($"off latency against the double (stop delay 300ms, poll 100ms): {clock.Elapsed.TotalMilliseconds:0}ms");
        Assert.True(result.Success, result.Reason);
        Assert.Equal("stopped", ec2.StateOf(Peer));
        Assert.Equal(["running", "stopping", "stopped"], ec2.HistoryOf(Peer));
        Assert.Equal(["running"], ec2.HistoryOf(Self));
        var stop = ec2.Calls.Single(c => c.Action == "StopInstances").Parameters;
        Assert.Equal(Peer, stop["InstanceId.1"]);
        Assert.Equal("true", stop["Force"]);
        Assert.Equal("true", stop["SkipOsShutdown"]);
        // The race check looked at our own instance before anything was stopped.
        var calls = ec2.Calls.ToList();
        Assert.Equal(Self, calls[0].Parameters["Filter.1.Value.1"]);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 3);
    }

    [Fact]
    public async Task On_starts_a_stopped_instance_and_reboot_is_off_then_on()
    {
        using var ec2 = TwoNodes();
        var fencer = Fencer(ec2);

        var reboot = await fencer.FenceAsync(Device(ec2), Request(FenceAction.Reboot), CancellationToken.None);
        Assert.True(reboot.Success, reboot.Reason);
        Assert.Equal(["running", "stopping", "stopped", "pending", "running"], ec2.HistoryOf(Peer));
        Assert.DoesNotContain("RebootInstances", ec2.Actions);

        var off = await fencer.FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);
        Assert.True(off.Success, off.Reason);
        var status = await fencer.FenceAsync(Device(ec2), Request(FenceAction.Status), CancellationToken.None);
        Assert.Equal(2, status.ExitCode);

        var on = await fencer.FenceAsync(Device(ec2), Request(FenceAction.On), CancellationToken.None);
        Assert.True(on.Success, on.Reason);
        Assert.Equal("running", ec2.StateOf(Peer));
        Assert.Equal(0, (await fencer.FenceAsync(Device(ec2), Request(FenceAction.Status), CancellationToken.None)).ExitCode);

        var again = await fencer.FenceAsync(Device(ec2), Request(FenceAction.On), CancellationToken.None);
        Assert.Contains("already running", again.Reason);
    }

    [Fact]
    public async Task Bad_credentials_fail_clearly_without_leaking_the_secret_or_stopping_anything()
    {
        using var ec2 = TwoNodes();
        const string wrong = "NotTheRightSecretKeyAtAll/000000000000000";

        var result = await Fencer(ec2).FenceAsync(Device(ec2, wrong), Request(FenceAction.Off), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("AuthFailure", result.Reason);
        Assert.Contains("check the access key", result.Reason);
        Assert.DoesNotContain(wrong, result.Reason + result.Output);
        Assert.DoesNotContain("StopInstances", ec2.Actions);
        Assert.Equal("running", ec2.StateOf(Peer));
    }

    [Fact]
    public async Task Denied_StopInstances_fails_at_once_instead_of_polling_until_the_power_timeout()
    {
        using var ec2 = TwoNodes();
        ec2.Deny("StopInstances");
        var clock = Stopwatch.StartNew();

        var result = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("UnauthorizedOperation", result.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task RequestLimitExceeded_is_backed_off_and_retried_until_the_stop_goes_through()
    {
        using var ec2 = TwoNodes();
        ec2.Inject("StopInstances", "RequestLimitExceeded", 2);
        ec2.Inject("DescribeInstances", "RequestLimitExceeded", 1);

        var result = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);

        Assert.True(result.Success, result.Reason);
        Assert.Equal(3, ec2.Actions.Count(a => a == "StopInstances"));
        Assert.Equal("stopped", ec2.StateOf(Peer));
    }

    [Fact]
    public async Task A_stop_that_never_completes_fails_at_the_power_timeout()
    {
        using var ec2 = TwoNodes();
        ec2.NeverStop(Peer);
        var clock = Stopwatch.StartNew();

        var result = await Fencer(ec2).FenceAsync(Device(ec2, extra: ("power_timeout", "1s")), Request(FenceAction.Off), CancellationToken.None);

        Assert.False(result.Success);
        Assert.False(result.TimedOut);
        Assert.Equal($"{Peer} (node2) still stopping after power_timeout 1s (waiting for stopped)", result.Reason);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 2.5);
    }

    [Fact]
    public async Task The_request_deadline_bounds_the_whole_operation()
    {
        using var ec2 = TwoNodes();
        ec2.NeverStop(Peer);

        var result = await Fencer(ec2).FenceAsync(Device(ec2, extra: ("power_timeout", "60s")), Request(FenceAction.Off, timeoutSeconds: 0.8), CancellationToken.None);

        Assert.False(result.Success);
        Assert.True(result.TimedOut);
        Assert.Contains("timed out after 800ms", result.Reason);
    }

    [Fact]
    public async Task Refuses_to_fence_while_its_own_instance_is_not_running()
    {
        using var ec2 = TwoNodes();
        // Our own instance is being stopped by the peer: the self-fence race. (Set directly: stopping it through a
        // fencer with a tiny budget made the state depend on how fast a loaded machine got the Stop call out.)
        ec2.AddInstance(Self, "node1", state: "stopping");
        ec2.NeverStop(Self);
        var before = ec2.Actions.Count(a => a == "StopInstances");

        var result = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains($"this node's own instance {Self} is stopping, not running", result.Reason);
        Assert.Equal(before, ec2.Actions.Count(a => a == "StopInstances"));
        Assert.Equal("running", ec2.StateOf(Peer));

        var skipped = await Fencer(ec2).FenceAsync(Device(ec2, extra: ("skip_race_check", "true")), Request(FenceAction.Off), CancellationToken.None);
        Assert.True(skipped.Success, skipped.Reason);
    }

    [Fact]
    public async Task Without_instance_metadata_the_race_check_refuses_with_the_parameters_to_set()
    {
        using var ec2 = TwoNodes();
        ec2.SelfInstanceId = null; // IMDS answers 404 for instance-id

        var refused = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Off), CancellationToken.None);
        Assert.False(refused.Success);
        Assert.Contains("set self_instance_id or skip_race_check=true", refused.Reason);

        var configured = await Fencer(ec2).FenceAsync(Device(ec2, extra: ("self_instance_id", Self)), Request(FenceAction.Off), CancellationToken.None);
        Assert.True(configured.Success, configured.Reason);
    }

    [Fact]
    public async Task Unknown_or_unmapped_targets_and_bad_parameters_fail_with_specific_reasons()
    {
        using var ec2 = TwoNodes();
        var fencer = Fencer(ec2);

        var unmapped = await fencer.FenceAsync(Device(ec2), new FenceRequest("node3", FenceAction.Off, "node1", TimeSpan.FromSeconds(5)), CancellationToken.None);
        Assert.Contains("not an EC2 instance id", unmapped.Reason);

        var missing = await fencer.FenceAsync(Device(ec2, extra: ("port", "i-0nonexistent00000")), Request(FenceAction.Off), CancellationToken.None);
        Assert.Contains("does not exist", missing.Reason);

        var badTimeout = await fencer.FenceAsync(Device(ec2, extra: ("power_timeout", "soon")), Request(FenceAction.Off), CancellationToken.None);
        Assert.Contains("power_timeout must be a positive duration", badTimeout.Reason);
    }

    [Fact]
    public async Task List_prints_instance_and_name_like_fence_aws_and_monitor_checks_mapped_instances()
    {
        using var ec2 = TwoNodes();
        var list = await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.List), CancellationToken.None);
        Assert.Equal($"{Self},node1\n{Peer},node2\n", list.Output);
        Assert.True(DeviceTargeting.ListNames(Device(ec2), "node2", list.Output));
        Assert.True((await Fencer(ec2).FenceAsync(Device(ec2), Request(FenceAction.Monitor), CancellationToken.None)).Success);
    }

    [Fact]
    public async Task Engine_fencer_fences_through_the_ec2_runner_end_to_end()
    {
        using var ec2 = TwoNodes();
        var device = Device(ec2) with { HostCheck = HostCheck.StaticList, Timeout = TimeSpan.FromSeconds(10) };
        var engine = new Fencer([Fencer(ec2)], new FencerOptions("node1"), TimeProvider.System, new Random(1), new FencingHistory());
        var clock = Stopwatch.StartNew();

        var outcome = await engine.FenceAsync(ClusterConfig.Empty with { FenceDevices = [device] }, "node2", FenceAction.Off, "node1", CancellationToken.None);

        output.WriteLine($"engine fence latency via haapi:ec2 against the double: {clock.Elapsed.TotalMilliseconds:0}ms");
        Assert.True(outcome.Success, outcome.Reason);
        Assert.Equal("node2 fenced (off) by ec2", outcome.Reason);
        Assert.Equal("stopped", ec2.StateOf(Peer));
    }
}

public class Ec2FencerTransitionTests
{
    private const string Peer = "i-0bbbbbbbbbbbbbbb2";
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static FenceDevice Device(Ec2Double ec2) =>
        new("ec2", FenceDevice.Ec2Agent,
            Attributes.From([new("region", Ec2Double.Region), new("endpoint", ec2.Endpoint.ToString()), new("access_key", Ec2Double.AccessKey),
                             new("secret_key", Ec2Double.SecretKey), new("skip_race_check", "true"), new("poll_interval", "50ms"), new("power_timeout", "15s")]),
            HostMapSyntax.Parse($"node2:{Peer}"), ImmutableArray<string>.Empty);

    private static Ec2Client Client(Ec2Double ec2) =>
        new(Http, new Ec2ClientOptions(Ec2Double.Region) { Endpoint = ec2.Endpoint },
            new StaticAwsCredentialProvider(new AwsCredentials(Ec2Double.AccessKey, Ec2Double.SecretKey)));

    private static Task<FenceResult> Fence(Ec2Double ec2, FenceAction action, double timeoutSeconds = 10) =>
        new Ec2Fencer(Http).FenceAsync(Device(ec2), new FenceRequest("node2", action, "node1", TimeSpan.FromSeconds(timeoutSeconds)), CancellationToken.None);

    [Fact]
    public async Task On_while_the_instance_is_still_stopping_waits_for_stopped_then_starts_it()
    {
        // A margin the first HTTPS round trip on a loaded machine cannot eat (see the test below).
        using var ec2 = new Ec2Double { StopDelay = TimeSpan.FromSeconds(6), StartDelay = TimeSpan.FromMilliseconds(100) };
        ec2.AddInstance(Peer, "node2");
        await Client(ec2).StopInstanceAsync(Peer, force: true, skipOsShutdown: true, CancellationToken.None);
        Assert.Equal("stopping", ec2.StateOf(Peer));

        var on = await Fence(ec2, FenceAction.On, timeoutSeconds: 30);

        Assert.True(on.Success, on.Reason);
        Assert.Equal(["running", "stopping", "stopped", "pending", "running"], ec2.HistoryOf(Peer));
        Assert.Equal(1, ec2.Actions.Count(a => a == "StartInstances"));
    }

    [Fact]
    public async Task Off_while_the_instance_is_still_starting_waits_for_running_then_stops_it()
    {
        // The start takes long enough that the instance is surely still pending when the fence begins, even on a loaded machine.
        // (The double dates the pending -> running change from the StartInstances call, so a slow first HTTPS round
        // trip on a loaded machine eats into this margin: 6 s leaves room.)
        using var ec2 = new Ec2Double { StopDelay = TimeSpan.FromMilliseconds(100), StartDelay = TimeSpan.FromSeconds(6) };
        ec2.AddInstance(Peer, "node2", "stopped");
        await Client(ec2).StartInstanceAsync(Peer, CancellationToken.None);
        Assert.Equal("pending", ec2.StateOf(Peer));

        var off = await Fence(ec2, FenceAction.Off, timeoutSeconds: 30);

        Assert.True(off.Success, off.Reason);
        Assert.Equal("stopped", ec2.StateOf(Peer));
        Assert.Equal(1, ec2.Actions.Count(a => a == "StopInstances"));
    }
}
