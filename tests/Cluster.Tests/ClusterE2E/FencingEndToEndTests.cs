using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HaApi.TestSupport;
using Xunit.Abstractions;

namespace HaApi.Cluster.Tests.ClusterE2E;

/// <summary>
/// Fencing on real haapi nodes over real corosync (stonith-enabled=true): a node whose link is cut is fenced before
/// anything it ran starts elsewhere. The built-in EC2 fencer stops the lost node's instance through the EC2 double
/// (the test then kills the node, as a stopped instance is); a forced-stop script that fails holds recovery back until
/// an operator confirms the node is down; a fence agent that hangs at level 1 is killed at its timeout and level 2
/// fences. node1 stays DC (the lost node is never node1), so node1 fences. Each test turns fencing on with devices of
/// its own and, in finally, turns it off again, deletes what it created and repairs the cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class FencingEndToEndTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);
    private NamespaceCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_cut_ec2_node_is_stopped_through_the_ec2_api_before_its_group_starts_on_a_survivor()
    {
        await fixture.WaitConvergedAsync();
        const string lost = "node3";
        var (device, group, a, b) = (NewId("ec2"), NewId("grp"), NewId("ga"), NewId("gb"));
        // Long enough to watch the pending fencing; the stop completes on the double's own timer.
        using var ec2 = new Ec2Double(IPAddress.Parse(Cluster.AddressInSubnet(254))) { StopDelay = TimeSpan.FromSeconds(4) };
        var instances = new Dictionary<string, string>();
        for (var i = 1; i <= ClusterFixture.Size; i++)
        {
            var id = $"i-0e2e{Random.Shared.Next(0x10000000, int.MaxValue):x8}0{i:x4}";
            instances[$"node{i}"] = id;
            ec2.AddInstance(id, $"node{i}");
            // IMDS tells each namespaced node its own instance: the fencer's self-race check asks for it.
            ec2.MapCaller(IPAddress.Parse(Cluster.AddressInSubnet(i)), id);
        }
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ec2.InstanceStopped += (id, _) => { if (id == instances[lost]) stopped.TrySetResult(); };
        try
        {
            var hostMap = string.Join(",", instances.Select(kv => $"\"{kv.Key}\":\"{kv.Value}\""));
            await CreateAsync("/api/v1/stonith/devices", $$"""
                {"id":"{{device}}","agent":"haapi:ec2","hostMap":{{{hostMap}}},
                 "params":{"region":"{{Ec2Double.Region}}","endpoint":"{{ec2.Endpoint}}","imds_endpoint":"{{ec2.Endpoint}}",
                           "access_key":"{{Ec2Double.AccessKey}}","secret_key":"{{Ec2Double.SecretKey}}","poll_interval":"200ms","power_timeout":"30s"} }
                """);
            await CreateGroupOnAsync(lost, group, a, b);
            // off: the instance stays stopped, as the killed node does.
            await SetPropertiesAsync("""{"stonith-enabled":"true","stonith-action":"off"}""");
            await WaitSettledAsync(group);
            await AssertRunsOnAsync(lost, a, b);

            await using var events = await EventStreams.OpenAsync(Cluster, 1, 2);
            var (clock, cutAt) = (Stopwatch.StartNew(), DateTimeOffset.UtcNow);
            Cluster.Run("cut", lost);

            var stopCalled = await Poll.UntilAsync(() => Task.FromResult(StopCalls(ec2).Contains(instances[lost])), Settle);
            Assert.True(stopCalled, $"no StopInstances for {lost}'s instance; EC2 calls: {string.Join(", ", ec2.Actions)}\n{Cluster.Logs(40)}");
            output.WriteLine($"StopInstances {instances[lost]} {clock.ElapsedMilliseconds} ms after the cut");

            // While EC2 stops the instance, the survivors show the fencing as pending and start nothing.
            string? pendingText = null;
            var pendingSeen = await Poll.UntilAsync(async () =>
            {
                foreach (var node in new[] { 1, 2 })
                {
                    var status = await fixture.TryStatusAsync(node);
                    if (status is null || !status["pendingFencing"]!.AsArray().Any(p => (string?)p!["target"] == lost)) continue;
                    Assert.DoesNotContain(StartedOn(status, a).Concat(StartedOn(status, b)), n => n != lost);
                    pendingText = await Cluster.Client(node).GetStringAsync("/api/v1/status?format=text");
                    return true;
                }
                return false;
            }, TimeSpan.FromSeconds(10));
            Assert.True(pendingSeen, $"no survivor showed the fencing of {lost} as pending\n{Cluster.Logs(40)}");
            Assert.Contains("Pending Fencing Actions:", pendingText);
            Assert.Contains($"turn off of {lost} pending: client=haapi, origin=node1", pendingText);

            await stopped.Task.WaitAsync(Settle);
            Cluster.Run("kill", lost); // a stopped instance runs neither corosync nor haapi
            var (state, stoppedAt) = ec2.StateSince(instances[lost]);
            Assert.Equal("stopped", state);
            output.WriteLine($"instance stopped {(stoppedAt - cutAt).TotalMilliseconds:0} ms after the cut");

            string? survivor = null;
            var moved = await Poll.UntilAsync(async () =>
            {
                var status = await fixture.TryStatusAsync(1);
                if (status is null) return false;
                var (onA, onB) = (StartedOn(status, a), StartedOn(status, b));
                survivor = onA.Count == 1 && onA.SequenceEqual(onB) && onA[0] != lost ? onA[0] : null;
                return survivor is not null;
            }, Settle);
            Assert.True(moved, $"the group did not start on a survivor\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
            output.WriteLine($"the group runs on {survivor} {clock.ElapsedMilliseconds} ms after the cut");

            // Both members started on the survivor only after EC2 had stopped the lost node's instance.
            var starts = await events.WaitForAsync("ResourceOperationStarted",
                e => (string?)e["operation"] == "start" && (string?)e["target"] == survivor && (string?)e["resource"] is { } r && (r == a || r == b), 2);
            foreach (var start in starts)
            {
                var at = DateTimeOffset.Parse((string)start["time"]!);
                Assert.True(at > stoppedAt, $"{start["resource"]} started on {survivor} at {at:O}, before the instance stopped at {stoppedAt:O}");
                output.WriteLine($"start of {start["resource"]} on {survivor} {(at - stoppedAt).TotalMilliseconds:0} ms after the instance stopped");
            }
            var fenced = Assert.Single(await events.WaitForAsync("FencingCompleted", e => (string?)e["target"] == lost && e["device"] is null, 1));
            Assert.True((bool)fenced["succeeded"]!, $"the fencing of {lost} did not succeed: {fenced["reason"]}");
            Assert.Equal("node1", (string?)fenced["node"]);

            // The DC checked its own instance (IMDS -> DescribeInstances) before stopping the lost one, and stopped nothing else.
            var calls = ec2.Calls.ToList();
            var stopAt = calls.FindIndex(c => c.Action == "StopInstances");
            Assert.Contains(calls.Take(stopAt), c => c.Action == "DescribeInstances" && c.Parameters.Values.Contains(instances["node1"]));
            Assert.Equal(new[] { instances[lost] }, StopCalls(ec2).Distinct());
            Assert.DoesNotContain("StartInstances", ec2.Actions);
            Assert.Equal("running", ec2.StateOf(instances["node1"]));
        }
        finally
        {
            await SetPropertiesAsync("""{"stonith-enabled":"false","stonith-action":null}""");
            await fixture.RestoreAsync();
            await DeleteAsync([$"/api/v1/groups/{group}", $"/api/v1/resources/{a}", $"/api/v1/resources/{b}", $"/api/v1/stonith/devices/{device}"]);
        }
    }

    [Fact]
    public async Task When_the_forced_stop_script_fails_nothing_moves_until_an_operator_confirms_the_node_is_down()
    {
        await fixture.WaitConvergedAsync();
        const string lost = "node2";
        var (device, rsc) = (NewId("stop"), NewId("svc"));
        var script = WriteExecutable($"{device}.sh", """
            #!/bin/sh
            echo "no route to the power switch of $HAAPI_DOWN_NODE" >&2
            exit 1
            """);
        try
        {
            await CreateAsync("/api/v1/stonith/devices", $$"""{"id":"{{device}}","agent":"haapi:script","params":{"script":"{{script}}"} }""");
            await CreateAsync("/api/v1/resources", Dummy(rsc));
            await CreateAsync("/api/v1/constraints/location", $$"""{"id":"{{rsc}}-on-{{lost}}","resource":"{{rsc}}","node":"{{lost}}","score":"100"}""");
            await SetPropertiesAsync("""{"stonith-enabled":"true"}""");
            await WaitSettledAsync(rsc);
            await AssertRunsOnAsync(lost, rsc);

            await using var events = await EventStreams.OpenAsync(Cluster, 1, 3);
            var clock = Stopwatch.StartNew();
            Cluster.Run("cut", lost);

            // The DC retries (stonith-max-attempts); the first failure is enough here.
            var failed = (await events.WaitForAsync("FencingCompleted", e => (string?)e["target"] == lost && e["device"] is null, 1))[0];
            output.WriteLine($"fencing of {lost} failed {clock.ElapsedMilliseconds} ms after the cut: {failed["reason"]}");
            Assert.False((bool)failed["succeeded"]!);
            Assert.Contains("exited 1", (string?)failed["reason"]);
            Assert.Contains($"no route to the power switch of {lost}", (string?)failed["reason"]);

            // Without a successful fencing the survivors must not start what ran there: it may still be running.
            var quiet = Stopwatch.StartNew();
            while (quiet.Elapsed < TimeSpan.FromSeconds(10))
            {
                foreach (var node in new[] { 1, 3 })
                {
                    if (await fixture.TryStatusAsync(node) is not { } status) continue;
                    Assert.True(!StartedOn(status, rsc).Any(n => n != lost),
                        $"{rsc} started on {string.Join(", ", StartedOn(status, rsc))} {quiet.ElapsedMilliseconds} ms after the failed fencing\n{await StatusTextAsync(node)}");
                    Assert.Equal("UNCLEAN (offline)", NodeState(status, lost));
                }
                await Task.Delay(500);
            }
            var history = await Cluster.Client(1).GetFromJsonAsync<JsonArray>($"/api/v1/stonith/history?node={lost}");
            Assert.Contains(history!, h => (string?)h!["target"] == lost && !(bool)h["success"]!);
            Assert.DoesNotContain(history!, h => (bool)h!["success"]!);

            var (confirmed, confirmAt) = (Stopwatch.StartNew(), DateTimeOffset.UtcNow);
            await SendAsync(3, HttpMethod.Post, $"/api/v1/stonith/confirm/{lost}");
            string? survivor = null;
            var recovered = await Poll.UntilAsync(async () =>
            {
                survivor = await fixture.TryStatusAsync(1) is { } status ? StartedOn(status, rsc).SingleOrDefault(n => n != lost) : null;
                return survivor is not null;
            }, Settle);
            Assert.True(recovered, $"{rsc} was not recovered after the confirmation\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
            var start = (await events.WaitForAsync("ResourceOperationStarted",
                e => (string?)e["operation"] == "start" && (string?)e["resource"] == rsc && (string?)e["target"] != lost, 1))[0];
            var startedAt = DateTimeOffset.Parse((string)start["time"]!);
            Assert.True(startedAt > confirmAt, $"{rsc} started on {start["target"]} at {startedAt:O}, before the confirmation at {confirmAt:O}");
            output.WriteLine($"{rsc} started on {survivor} {(startedAt - confirmAt).TotalMilliseconds:0} ms after the confirmation was sent"
                             + $" (seen in the status after {confirmed.ElapsedMilliseconds} ms)");
            Assert.Equal("OFFLINE", NodeState((await fixture.TryStatusAsync(1))!, lost));
        }
        finally
        {
            await SetPropertiesAsync("""{"stonith-enabled":"false"}""");
            await fixture.RestoreAsync();
            await DeleteAsync([$"/api/v1/resources/{rsc}", $"/api/v1/stonith/devices/{device}"]);
            File.Delete(script);
        }
    }

    [Fact]
    public async Task A_hanging_fence_agent_is_killed_at_its_timeout_and_the_next_level_fences()
    {
        await fixture.WaitConvergedAsync();
        const string lost = "node3";
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (hangAgent, okAgent) = ($"fence_e2e_hang_{suffix}", $"fence_e2e_ok_{suffix}");
        var (hang, ok) = ($"hang-{suffix}", $"ok-{suffix}");
        var marker = $"{3_000_000 + Random.Shared.Next(1_000_000)}";
        var dir = Cluster.FenceAgentDirectory;
        // Both speak the fence agent protocol: key=value lines on stdin, kept here to check what they were asked.
        var hangPath = WriteExecutable(hangAgent, $"#!/bin/sh\ncat >> '{dir}/{hangAgent}.stdin'\nexec sleep {marker}\n");
        var okPath = WriteExecutable(okAgent, $"#!/bin/sh\ncat >> '{dir}/{okAgent}.stdin'\necho 'Success: Powered OFF'\n");
        try
        {
            await CreateAsync("/api/v1/stonith/devices", $$"""{"id":"{{hang}}","agent":"{{hangAgent}}","hostList":["{{lost}}"],"timeout":"3s"}""");
            await CreateAsync("/api/v1/stonith/devices", $$"""{"id":"{{ok}}","agent":"{{okAgent}}","hostList":["{{lost}}"]}""");
            await CreateAsync("/api/v1/stonith/levels", $$"""{"target":"{{lost}}","index":1,"devices":["{{hang}}"]}""");
            await CreateAsync("/api/v1/stonith/levels", $$"""{"target":"{{lost}}","index":2,"devices":["{{ok}}"]}""");
            await SetPropertiesAsync("""{"stonith-enabled":"true"}""");

            await using var events = await EventStreams.OpenAsync(Cluster, 1);
            var clock = Stopwatch.StartNew();
            Cluster.Run("cut", lost);

            var done = Assert.Single(await events.WaitForAsync("FencingCompleted", e => (string?)e["target"] == lost && e["device"] is null, 1));
            output.WriteLine($"fencing of {lost} done {clock.ElapsedMilliseconds} ms after the cut: {done["reason"]}");
            Assert.True((bool)done["succeeded"]!, $"fencing failed: {done["reason"]}\n{Cluster.Logs(40)}");

            var outcome = (await Cluster.Client(1).GetFromJsonAsync<JsonArray>($"/api/v1/stonith/history?node={lost}"))!.Last()!;
            Assert.True((bool)outcome["success"]!);
            Assert.Equal(2, (int?)outcome["succeededLevel"]);
            var attempts = outcome["attempts"]!.AsArray();
            Assert.Equal(new[] { hang, ok }, attempts.Select(x => (string)x!["deviceId"]!));
            var hung = attempts[0]!;
            Assert.True((bool)hung["timedOut"]!, $"the hanging agent did not time out: {hung["reason"]}");
            var hungFor = TimeSpan.Parse((string)hung["duration"]!);
            output.WriteLine($"level 1 ({hang}) killed after {hungFor.TotalMilliseconds:0} ms: {hung["reason"]}");
            Assert.InRange(hungFor, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(8));
            Assert.True((bool)attempts[1]!["success"]!);

            // Killed with its process group, not left behind; and asked in the stdin protocol.
            Assert.False(SleepRuns(marker), $"the hanging agent's 'sleep {marker}' still runs");
            var asked = File.ReadAllText($"{dir}/{hangAgent}.stdin");
            Assert.Contains("action=reboot\n", asked);
            Assert.Contains($"nodename={lost}\n", asked);
            Assert.Contains($"port={lost}\n", asked);
            Assert.Contains("action=reboot\n", File.ReadAllText($"{dir}/{okAgent}.stdin"));

            var perDevice = events.Of("FencingCompleted").Where(e => (string?)e["target"] == lost && e["device"] is not null).ToList();
            Assert.Equal(new[] { (hang, false), (ok, true) }, perDevice.Select(e => ((string)e["device"]!, (bool)e["succeeded"]!)));
        }
        finally
        {
            await SetPropertiesAsync("""{"stonith-enabled":"false"}""");
            await fixture.RestoreAsync();
            await DeleteAsync([$"/api/v1/stonith/levels/{lost}/1", $"/api/v1/stonith/levels/{lost}/2",
                $"/api/v1/stonith/devices/{hang}", $"/api/v1/stonith/devices/{ok}"]);
            foreach (var file in new[] { hangPath, okPath, $"{hangPath}.stdin", $"{okPath}.stdin" }) File.Delete(file);
        }
    }

    private static string Dummy(string id) =>
        $$"""{"id":"{{id}}","agent":"haapi:Dummy","operations":[{"name":"monitor","interval":"2s"}]}""";

    private async Task CreateGroupOnAsync(string node, string group, params string[] members)
    {
        foreach (var member in members) await CreateAsync("/api/v1/resources", Dummy(member));
        await CreateAsync("/api/v1/groups", $$"""{"id":"{{group}}","members":[{{string.Join(",", members.Select(m => $"\"{m}\""))}}]}""");
        await CreateAsync("/api/v1/constraints/location", $$"""{"id":"{{group}}-on-{{node}}","resource":"{{group}}","node":"{{node}}","score":"100"}""");
    }

    private static IEnumerable<string> StopCalls(Ec2Double ec2) =>
        ec2.Calls.Where(c => c.Action == "StopInstances").Select(c => c.Parameters.GetValueOrDefault("InstanceId.1") ?? "");

    /// <summary>The nodes a resource is Started on in a /status answer.</summary>
    private static List<string> StartedOn(JsonObject status, string resource) =>
        status["resources"]!.AsArray()
            .Where(r => (string?)r!["id"] == resource && (string?)r["role"] == "Started")
            .SelectMany(r => r!["nodes"]!.AsArray().Select(n => (string)n!))
            .ToList();

    private static string? NodeState(JsonObject status, string node) =>
        (string?)status["nodes"]!.AsArray().FirstOrDefault(n => (string?)n!["name"] == node)?["state"];

    private async Task AssertRunsOnAsync(string node, params string[] resources)
    {
        var status = await fixture.TryStatusAsync(1);
        foreach (var resource in resources)
            Assert.True(status is not null && StartedOn(status, resource).SequenceEqual([node]),
                $"{resource} should run on {node}:\n{await StatusTextAsync(1)}\n{Cluster.Logs(40)}");
    }

    private static bool SleepRuns(string marker) =>
        Directory.EnumerateDirectories("/proc").Any(dir =>
        {
            try { return File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim() == $"sleep {marker}"; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        });

    private string WriteExecutable(string name, string text)
    {
        Directory.CreateDirectory(Cluster.FenceAgentDirectory);
        var path = Path.Combine(Cluster.FenceAgentDirectory, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private Task<string> StatusTextAsync(int node) => Cluster.Client(node).GetStringAsync("/api/v1/status?format=text");

    /// <summary>Waits until the cluster has nothing left to do (the runtime API's wait, through a no-op enable).</summary>
    private Task WaitSettledAsync(string resource) => SendAsync(1, HttpMethod.Post, $"/api/v1/resources/{resource}/enable?wait=45");

    private Task CreateAsync(string path, string json) => SendAsync(1, HttpMethod.Post, path, json);

    /// <summary>Through node1, which every test keeps (the lost node is never node1).</summary>
    private Task SetPropertiesAsync(string json) => SendAsync(1, HttpMethod.Patch, "/api/v1/properties", json);

    /// <summary>Deletes what a test created, in order (levels before their devices, groups before their members).</summary>
    private async Task DeleteAsync(IEnumerable<string> paths)
    {
        foreach (var path in paths) await SendAsync(1, HttpMethod.Delete, path, missingIsFine: true);
    }

    /// <summary>Fails the test with the answer and the nodes' logs unless the request succeeds (or finds nothing, when that is fine).</summary>
    private async Task SendAsync(int node, HttpMethod method, string path, string? json = null, bool missingIsFine = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Cluster.Client(node, TimeSpan.FromSeconds(60)).SendAsync(request);
        Assert.True(response.IsSuccessStatusCode || (missingIsFine && response.StatusCode == HttpStatusCode.NotFound),
            $"{method} {path} on node{node} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Cluster.Logs(40)}");
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The engine events (/api/v1/events, Server-Sent Events) of some nodes, from the moment they are opened.</summary>
    private sealed class EventStreams : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _readers = [];
        private readonly ConcurrentQueue<(string Kind, JsonObject Data)> _received = new();

        public static async Task<EventStreams> OpenAsync(NamespaceCluster cluster, params int[] nodes)
        {
            var streams = new EventStreams();
            foreach (var node in nodes)
            {
                var client = cluster.Client(node, Timeout.InfiniteTimeSpan);
                var response = await client.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                // The first line (": connected") comes once the subscription exists: nothing after it is missed.
                await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
                streams._readers.Add(Task.Run(() => streams.ReadAsync(reader, response)));
            }
            return streams;
        }

        public IEnumerable<JsonObject> Of(string kind) => _received.Where(e => e.Kind == kind).Select(e => e.Data);

        /// <summary>The matching events once there are at least count of them; fails after 45 s.</summary>
        public async Task<List<JsonObject>> WaitForAsync(string kind, Func<JsonObject, bool> match, int count)
        {
            var found = new List<JsonObject>();
            var arrived = await Poll.UntilAsync(() =>
            {
                found = Of(kind).Where(match).ToList();
                return Task.FromResult(found.Count >= count);
            }, Settle);
            Assert.True(arrived, $"expected {count} {kind} event(s), got {found.Count}; events seen: "
                                 + string.Join(", ", _received.Select(e => $"{e.Kind} {e.Data.ToJsonString()}")));
            return found;
        }

        private async Task ReadAsync(StreamReader reader, HttpResponseMessage response)
        {
            using (response)
            using (reader)
            {
                string? kind = null;
                var data = new StringBuilder();
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    {
                        if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line["event: ".Length..];
                        else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line["data: ".Length..]);
                        else if (line.Length == 0)
                        {
                            if (kind is not null && data.Length > 0 && JsonNode.Parse(data.ToString()) is JsonObject o) _received.Enqueue((kind, o));
                            (kind, data) = (null, new StringBuilder());
                        }
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
                {
                    // The node went away (killed) or the test is done.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_readers);
            _stop.Dispose();
        }
    }
}
