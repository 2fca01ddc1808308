// cpgnode: one member of a CPG group through HaApi's CorosyncTransport, driven over stdin/stdout so that
// integration tests (and people) can run several of them in different network namespaces.
//
//   cpgnode [--group NAME] [--start-timeout-ms N] [--event-capacity N]
//
// stdout: one JSON object per line: started, view, quorum, message, sent, error, closed.
// stdin:  "!big N" multicasts N pseudo-random bytes; "!ping N" multicasts N small messages one at a time, each
//         after the previous one came back, and prints the send-to-own-delivery latencies; "!stall MS" makes the
//         event reader sleep MS before its next event (a slow engine: the bounded queue fills); "!quit" leaves;
//         any other line is multicast as UTF-8.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync;

var options = new CorosyncTransportOptions();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--group" && i + 1 < args.Length)
        options = options with { GroupName = args[++i] };
    else if (args[i] == "--start-timeout-ms" && i + 1 < args.Length && int.TryParse(args[i + 1], out var ms))
        options = options with { StartTimeout = TimeSpan.FromMilliseconds(ms) };
    else if (args[i] == "--event-capacity" && i + 1 < args.Length && int.TryParse(args[i + 1], out var capacity))
        options = options with { EventQueueCapacity = capacity };
    else
    {
        Console.Error.WriteLine("usage: cpgnode [--group NAME] [--start-timeout-ms N] [--event-capacity N]");
        return 2;
    }
    if (args[i] is "--start-timeout-ms" or "--event-capacity")
        i++;
}

var output = new JsonLines(Console.Out);
// Ping payloads this process waits to see delivered back to itself.
var pings = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource>();
var stallMs = 0;
await using var transport = new CorosyncTransport(options);
try
{
    await transport.StartAsync(CancellationToken.None);
}
catch (TransportUnavailableException e)
{
    output.Write(w => { w.WriteString("event", "error"); w.WriteString("error", e.Message); });
    return 3;
}

output.Write(w =>
{
    w.WriteString("event", "started");
    w.WriteNumber("nodeId", transport.Local.NodeId);
    w.WriteNumber("pid", transport.Local.ProcessId);
    w.WriteString("name", transport.Local.Name);
    w.WriteNumber("tokenMs", transport.TokenTimeout.TotalMilliseconds);
});

var reader = Task.Run(async () =>
{
    try
    {
        await foreach (var item in transport.Events.ReadAllAsync())
        {
            if (Interlocked.Exchange(ref stallMs, 0) is > 0 and var stall)
                await Task.Delay(stall);
            if (item is MessageDelivered { Payload: [0, ..] } ping)
            {
                if (ping.Sender == transport.Local && pings.TryRemove(Encoding.UTF8.GetString(ping.Payload), out var waiter))
                    waiter.TrySetResult();
                continue;
            }
            output.Write(w => WriteEvent(w, item));
        }
        output.Write(w => { w.WriteString("event", "closed"); w.WriteNull("error"); });
    }
    catch (Exception e)
    {
        output.Write(w => { w.WriteString("event", "closed"); w.WriteString("error", e.Message); });
    }
});

string? line;
while ((line = await Console.In.ReadLineAsync()) is not null && line != "!quit")
{
    if (line.StartsWith("!stall ", StringComparison.Ordinal))
    {
        Volatile.Write(ref stallMs, int.Parse(line[7..]));
        output.Write(w => w.WriteString("event", "stalling"));
        continue;
    }
    if (line.StartsWith("!ping ", StringComparison.Ordinal))
    {
        await PingAsync(int.Parse(line[6..]));
        continue;
    }
    var payload = line.StartsWith("!big ", StringComparison.Ordinal)
        ? RandomBytes(int.Parse(line[5..]))
        : Encoding.UTF8.GetBytes(line);
    try
    {
        await transport.MulticastAsync(payload, CancellationToken.None);
        output.Write(w =>
        {
            w.WriteString("event", "sent");
            w.WriteNumber("length", payload.Length);
            w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(payload)));
        });
    }
    catch (Exception e) when (e is TransportUnavailableException or InvalidOperationException or ArgumentException)
    {
        output.Write(w => { w.WriteString("event", "error"); w.WriteString("error", e.Message); });
    }
}

await transport.DisposeAsync();
await reader.WaitAsync(TimeSpan.FromSeconds(5));
return 0;

// Pings start with a NUL byte so they never look like a line read from stdin, and are not printed one by one.
async Task PingAsync(int count)
{
    var latencies = new List<double>(count);
    try
    {
        for (var i = 0; i < count; i++)
        {
            var text = $"\0ping-{Environment.ProcessId}-{i}";
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pings[text] = waiter;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await transport.MulticastAsync(Encoding.UTF8.GetBytes(text), CancellationToken.None);
            await waiter.Task.WaitAsync(TimeSpan.FromSeconds(10));
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
    catch (Exception e) when (e is TransportUnavailableException or TimeoutException)
    {
        output.Write(w => { w.WriteString("event", "error"); w.WriteString("error", e.Message); });
        return;
    }
    latencies.Sort();
    output.Write(w =>
    {
        w.WriteString("event", "ping");
        w.WriteNumber("count", count);
        w.WriteNumber("p50Ms", latencies[count / 2]);
        w.WriteNumber("p90Ms", latencies[count * 9 / 10]);
        w.WriteNumber("p99Ms", latencies[Math.Min(count - 1, count * 99 / 100)]);
        w.WriteNumber("maxMs", latencies[^1]);
    });
}

static byte[] RandomBytes(int length)
{
    var bytes = new byte[length];
    Random.Shared.NextBytes(bytes);
    return bytes;
}

static void WriteEvent(Utf8JsonWriter w, TransportEvent item)
{
    switch (item)
    {
        case MessageDelivered delivered:
            w.WriteString("event", "message");
            w.WriteNumber("from", delivered.Sender.NodeId);
            w.WriteNumber("pid", delivered.Sender.ProcessId);
            w.WriteNumber("length", delivered.Payload.Length);
            w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(delivered.Payload)));
            if (delivered.Payload.Length <= 4096)
                w.WriteString("text", Encoding.UTF8.GetString(delivered.Payload));
            break;
        case ViewChanged view:
            w.WriteString("event", "view");
            w.WriteNumber("ring", view.RingSequence);
            WriteMembers(w, "members", view.Members);
            WriteMembers(w, "joined", view.Joined);
            WriteMembers(w, "left", view.Left);
            break;
        case QuorumChanged quorum:
            w.WriteString("event", "quorum");
            w.WriteBoolean("quorate", quorum.Quorate);
            w.WriteNumber("ring", quorum.RingSequence);
            w.WriteNumber("expected", quorum.ExpectedVotes);
            w.WriteNumber("total", quorum.TotalVotes);
            w.WriteNumber("quorum", quorum.QuorumVotes);
            w.WriteStartArray("members");
            foreach (var id in quorum.Members)
                w.WriteNumberValue(id);
            w.WriteEndArray();
            break;
        default:
            w.WriteString("event", item.GetType().Name);
            break;
    }
}

static void WriteMembers(Utf8JsonWriter w, string property, IEnumerable<GroupMember> members)
{
    w.WriteStartArray(property);
    foreach (var member in members)
    {
        w.WriteStartObject();
        w.WriteNumber("nodeId", member.NodeId);
        w.WriteNumber("pid", member.ProcessId);
        w.WriteString("name", member.Name);
        w.WriteEndObject();
    }
    w.WriteEndArray();
}

/// <summary>Writes whole JSON lines, each stamped with the wall clock ("t", Unix ms), from any thread.</summary>
internal sealed class JsonLines(TextWriter output)
{
    private readonly Lock _lock = new();

    public void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("t", (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds);
            body(writer);
            writer.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
