using System.Text.Json.Nodes;

namespace HaApi.Bench.Failover;

/// <summary>One engine event as a node's <c>GET /api/v1/events</c> stream sent it: its type name (the SSE event
/// field, e.g. NodeMembershipChanged) and its JSON body, whose <c>time</c> is the reporting node's clock. All nodes
/// of the namespace lab share the host's clock, so times of different nodes compare directly.</summary>
public sealed record RecordedEvent(string Kind, DateTimeOffset Time, JsonObject Data)
{
    public string? Str(string name) => (string?)Data[name];

    public int Int(string name) => (int?)Data[name] ?? -1;

    /// <summary>A ResourceOperationCompleted of a one-shot <paramref name="operation"/> that returned what was expected.</summary>
    public bool IsSuccessful(string operation) =>
        Kind == "ResourceOperationCompleted" && Str("operation") == operation && IsOneShot && Int("rc") == Int("expectedRc");

    /// <summary>The first result of a recurring monitor (later ones are reported only when the result changes).</summary>
    public bool IsRecurringMonitorSuccess =>
        Kind == "ResourceOperationCompleted" && Str("operation") == "monitor" && !IsOneShot && Int("rc") == Int("expectedRc");

    /// <summary>Recurring monitors report too; only interval-0 operations are the transition's starts and stops.</summary>
    public bool IsOneShot => TimeSpan.TryParse(Str("interval"), out var interval) && interval == TimeSpan.Zero;
}

/// <summary>
/// Follows the event streams of several nodes at once and keeps every event. Each node's own stream is needed:
/// a node reports only its own operation results (results reach the other nodes as status records, not events).
/// A dropped stream is resumed with Last-Event-ID, so nothing between two connections is lost.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly List<RecordedEvent> _events = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _readers = [];

    public void Follow(HttpClient client) => _readers.Add(Task.Run(() => ReadAsync(client, _stopping.Token)));

    /// <summary>The events received so far whose time is at or after <paramref name="since"/>, oldest first.</summary>
    public List<RecordedEvent> Since(DateTimeOffset since)
    {
        lock (_events) return [.. _events.Where(e => e.Time >= since).OrderBy(e => e.Time)];
    }

    /// <summary>Waits until <paramref name="done"/> holds for the events since <paramref name="since"/>; throws with
    /// the events seen when it does not within <paramref name="timeout"/>.</summary>
    public async Task<List<RecordedEvent>> WaitAsync(DateTimeOffset since, Func<List<RecordedEvent>, bool> done, TimeSpan timeout, string what)
    {
        var (events, happened) = await TryWaitAsync(since, done, timeout);
        return happened
            ? events
            : throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0} s; events since then:\n"
                + string.Join('\n', events.Select(e => $"  {e.Time:HH:mm:ss.fff} {e.Kind} {e.Data.ToJsonString()}")));
    }

    /// <summary>Waits until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns the events since
    /// <paramref name="since"/> and whether it held.</summary>
    public async Task<(List<RecordedEvent> Events, bool Done)> TryWaitAsync(DateTimeOffset since, Func<List<RecordedEvent>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var events = Since(since);
            if (done(events)) return (events, true);
            if (DateTimeOffset.UtcNow > deadline) return (events, false);
            await Task.Delay(20);
        }
    }

    private async Task ReadAsync(HttpClient client, CancellationToken ct)
    {
        string? lastId = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
                if (lastId is not null) request.Headers.Add("Last-Event-ID", lastId);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                string? kind = null, id = null;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                    else if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind is not null)
                    {
                        var data = JsonNode.Parse(line[6..])!.AsObject();
                        if (DateTimeOffset.TryParse((string?)data["time"], out var time))
                            lock (_events) _events.Add(new RecordedEvent(kind, time, data));
                        lastId = id ?? lastId;
                        kind = null;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // The node is restarting or unreachable for a moment: resume where the stream stopped.
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
