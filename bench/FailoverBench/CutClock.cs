using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;

namespace HaApi.Bench.Failover;

/// <summary>
/// Times a link cut from outside: pings the node from the host back to back while scripts/cluster inserts its
/// iptables rules (which take seconds on a loaded machine, so the script's return is no measure of the cut). The cut
/// took effect after the last answered ping was sent and before the first ping that never got an answer: the cut
/// time is the latter, and the gap between the two is its uncertainty. ICMP from the host is dropped by the cut
/// (only the host's TCP is let through), so the pings see exactly what the other nodes see.
/// </summary>
public sealed class CutClock : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMilliseconds(500);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(DateTimeOffset Sent, bool Answered)> _pings = [];
    private readonly Task _pinger;

    private CutClock(IPAddress address) => _pinger = Task.Run(() => PingAsync(address, _stopping.Token));

    /// <summary>Starts pinging and returns once the node has answered, so a cut cannot precede the first answer.</summary>
    public static async Task<CutClock> StartAsync(IPAddress address)
    {
        var clock = new CutClock(address);
        var deadline = Stopwatch.StartNew();
        while (!clock.AnsweredOnce)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                await clock.DisposeAsync();
                throw new TimeoutException($"{address} does not answer pings from the host; the cut cannot be timed");
            }
            await Task.Delay(5);
        }
        return clock;
    }

    private bool AnsweredOnce
    {
        get { lock (_pings) return _pings.Any(p => p.Answered); }
    }

    /// <summary>When the cut took effect, at or before <paramref name="seenBy"/> (an event that proves it had), and the
    /// uncertainty: the time between the last answered ping and that first unanswered one.</summary>
    public (DateTimeOffset Cut, TimeSpan Uncertainty) CutBefore(DateTimeOffset seenBy)
    {
        lock (_pings)
        {
            var lastAnswered = _pings.LastOrDefault(p => p.Answered && p.Sent <= seenBy);
            if (lastAnswered == default) throw new InvalidOperationException("no ping was answered before the cut");
            var firstLost = _pings.FirstOrDefault(p => !p.Answered && p.Sent > lastAnswered.Sent);
            if (firstLost == default) throw new InvalidOperationException($"every ping up to {seenBy:HH:mm:ss.fff} was answered: the cut did not take effect");
            return (firstLost.Sent, firstLost.Sent - lastAnswered.Sent);
        }
    }

    private async Task PingAsync(IPAddress address, CancellationToken ct)
    {
        using var ping = new Ping();
        var payload = new byte[16];
        while (!ct.IsCancellationRequested)
        {
            var sent = DateTimeOffset.UtcNow;
            bool answered;
            try
            {
                var reply = await ping.SendPingAsync(address, ReplyTimeout, payload, null, ct);
                answered = reply.Status == IPStatus.Success;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (PingException)
            {
                answered = false;
            }
            lock (_pings) _pings.Add((sent, answered));
            await Task.Delay(2, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _pinger.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
