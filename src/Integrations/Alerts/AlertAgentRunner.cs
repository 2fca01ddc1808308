using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.Alerts;

/// <summary>The outcome of one agent run, for logs and tests (never includes parameters: they may hold secrets).</summary>
public sealed record AlertRun(string AlertId, string? RecipientId, long NodeSequence, int? ExitCode, bool TimedOut, string? Error, TimeSpan Duration);

/// <summary>
/// Runs Pacemaker-compatible alert agents (every configured alert whose Agent is an executable, not
/// "haapi:snmp") for node, fencing, resource and attribute events, once per recipient, with Pacemaker's
/// CRM_alert_* environment. Publish only queues (bounded, drop-oldest); a worker runs the agents, a bounded number
/// at a time, each in its own process group that is SIGKILLed at the alert's timeout.
/// </summary>
public sealed class AlertAgentRunner : IEventSink, IAsyncDisposable
{
    private readonly AlertRunnerOptions _options;
    private readonly Func<ImmutableArray<Alert>> _alerts;
    private readonly Action<string> _log;
    private readonly Channel<ClusterEvent> _queue;
    private readonly SemaphoreSlim _slots;
    private readonly Task _worker;
    private readonly ConcurrentDictionary<string, FailureLog> _failureLogs = new(StringComparer.Ordinal);
    // Recurring monitors report only changes, as Pacemaker's executor does: the last rc per monitor.
    private readonly Dictionary<(string Target, string Resource, TimeSpan Interval), (int Rc, string Status)> _lastMonitor = [];
    private long _ownSequence;
    private long _dropped;
    private long _runs;
    private long _failures;
    private long _timeouts;

    /// <param name="alerts">The current configuration's alerts (read for every event, so changes apply at once).</param>
    /// <param name="log">Receives one line per failing alert per FailureLogInterval.</param>
    public AlertAgentRunner(AlertRunnerOptions options, Func<ImmutableArray<Alert>> alerts, Action<string>? log = null)
    {
        _options = options;
        _alerts = alerts;
        _log = log ?? (_ => { });
        _slots = new SemaphoreSlim(options.MaxConcurrentAgents);
        _queue = Channel.CreateBounded<ClusterEvent>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Raised after every agent run (from a worker thread).</summary>
    public event Action<AlertRun>? Completed;

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Runs => Interlocked.Read(ref _runs);
    public long Failures => Interlocked.Read(ref _failures);
    public long Timeouts => Interlocked.Read(ref _timeouts);

    public void Publish(ClusterEvent clusterEvent)
    {
        if (AlertEnvironment.KindOf(clusterEvent) != AlertKinds.None)
            _queue.Writer.TryWrite(clusterEvent);
    }

    private async Task WorkAsync()
    {
        await foreach (var e in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await DispatchAsync(e).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A bug or a broken configuration callback costs this event's alerts, never the worker.
                Interlocked.Increment(ref _failures);
                _log($"Alert dispatch for event {e.Sequence} ({e.GetType().Name}) failed: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private async Task DispatchAsync(ClusterEvent e)
    {
        if (!ShouldAlert(e)) return;
        var sequence = e.Sequence > 0 ? e.Sequence : ++_ownSequence;
        var kind = AlertEnvironment.KindOf(e);
        var runs = new List<Task>();
        foreach (var alert in _alerts())
        {
            if (alert.Agent == Alert.SnmpAgent || !alert.Kinds.HasFlag(kind)) continue;
            if (e is NodeAttributeChanged a && !alert.SelectAttributes.IsDefaultOrEmpty && !alert.SelectAttributes.Contains(a.Name)) continue;
            // An alert without recipients still runs once, with an empty CRM_alert_recipient.
            if (alert.Recipients.IsDefaultOrEmpty) runs.Add(RunAsync(e, alert, null, sequence));
            else foreach (var r in alert.Recipients) runs.Add(RunAsync(e, alert, r, sequence));
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    /// <summary>Pacemaker sends no alert for a probe that found the expected state, nor for unchanged recurring results.</summary>
    private bool ShouldAlert(ClusterEvent e)
    {
        if (e is not ResourceOperationCompleted { Operation: "monitor" } op) return true;
        if (op.Interval == TimeSpan.Zero) return op.Rc != op.ExpectedRc || op.Status != "Done";
        var key = (op.Target, op.Resource, op.Interval);
        var changed = !_lastMonitor.TryGetValue(key, out var last) || last != (op.Rc, op.Status);
        _lastMonitor[key] = (op.Rc, op.Status);
        return changed;
    }

    private async Task RunAsync(ClusterEvent e, Alert alert, AlertRecipient? recipient, long sequence)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        var started = Stopwatch.StartNew();
        AlertRun run;
        try
        {
            run = await ExecuteAsync(e, alert, recipient, sequence, started).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
        Interlocked.Increment(ref _runs);
        if (run.TimedOut) Interlocked.Increment(ref _timeouts);
        if (run.TimedOut || run.ExitCode != 0) RecordFailure(run);
        try { Completed?.Invoke(run); }
        catch (Exception ex) { _log($"Alert run observer failed: {ex.Message}"); }
    }

    private async Task<AlertRun> ExecuteAsync(ClusterEvent e, Alert alert, AlertRecipient? recipient, long sequence, Stopwatch started)
    {
        var timeout = alert.Timeout > TimeSpan.Zero ? alert.Timeout : _options.DefaultTimeout;
        var psi = new ProcessStartInfo(_options.SetsidPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--wait");
        psi.ArgumentList.Add(alert.Agent);
        foreach (var (key, value) in AlertEnvironment.Build(e, alert, recipient, sequence, _options.TimeZone))
            psi.Environment[key] = value;

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new AlertRun(alert.Id, recipient?.Id, sequence, null, false, $"cannot start {_options.SetsidPath}: {ex.Message}", started.Elapsed);
        }

        using (process)
        {
            process.StandardInput.Close();
            // Drain output so a chatty agent cannot block on a full pipe; keep only a bounded tail for the log.
            var stdout = DrainAsync(process.StandardOutput);
            var stderr = DrainAsync(process.StandardError);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // setsid made the agent a group leader (pgid = pid): SIGKILL takes its children too, as Pacemaker does.
                ProcessGroup.KillGroup(process.Id);
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return new AlertRun(alert.Id, recipient?.Id, sequence, null, true, $"timed out after {timeout.TotalSeconds:0.###} s", started.Elapsed);
            }
            var output = Redact((await stderr.ConfigureAwait(false)) + (await stdout.ConfigureAwait(false)), alert, recipient);
            var error = process.ExitCode == 0 ? null : $"exit code {process.ExitCode}: {output.Trim()}";
            return new AlertRun(alert.Id, recipient?.Id, sequence, process.ExitCode, false, error, started.Elapsed);
        }
    }

    /// <summary>Agents may echo their parameters (an SNMP community, a token): never let those reach a log.</summary>
    private static string Redact(string output, Alert alert, AlertRecipient? recipient)
    {
        var secrets = alert.Parameters.Values.Concat(recipient?.Parameters.Values ?? []).Where(v => v.Length >= 3);
        foreach (var secret in secrets.OrderByDescending(v => v.Length))
            output = output.Replace(secret, "***", StringComparison.Ordinal);
        return output;
    }

    private static async Task<string> DrainAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        var tail = new System.Text.StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, n);
            if (tail.Length > 2048) tail.Remove(0, tail.Length - 2048);
        }
        return tail.ToString();
    }

    private void RecordFailure(AlertRun run)
    {
        Interlocked.Increment(ref _failures);
        var state = _failureLogs.GetOrAdd(run.AlertId, _ => new FailureLog());
        string? line = null;
        lock (state)
        {
            var now = DateTime.UtcNow;
            if (state.LastLogged is { } last && now - last < _options.FailureLogInterval)
            {
                state.Suppressed++;
            }
            else
            {
                var more = state.Suppressed > 0 ? $" ({state.Suppressed} more failures since the last report)" : "";
                line = $"Alert agent of alert '{run.AlertId}' (recipient '{run.RecipientId ?? "none"}') failed: {run.Error}{more}";
                state.LastLogged = now;
                state.Suppressed = 0;
            }
        }
        if (line is not null) _log(line);
    }

    /// <summary>Runs what is queued (each run still bounded by its timeout), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
        _slots.Dispose();
    }

    private sealed class FailureLog
    {
        public DateTime? LastLogged;
        public int Suppressed;
    }
}
