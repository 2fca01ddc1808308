using System.Text;
using System.Threading.Channels;
using HaApi.Engine.Events;
using HaApi.Engine.Ports;

namespace HaApi.Integrations.PmLogconv;

/// <summary>
/// Appends pm_logconv lines to a file (default /var/log/pm_logconv.out). Publish only queues (bounded, dropping
/// the oldest); one background task formats and writes. The file is opened per batch, so logrotate's
/// rename-and-recreate needs no signal, and a write error (disk full, missing directory) costs the batch, not the
/// process: it is counted and the next batch tries again.
/// </summary>
public sealed class PmLogconvFileSink : IEventSink, IAsyncDisposable
{
    private readonly PmLogconvOptions _options;
    private readonly PmLogconvFormatter _formatter;
    private readonly Channel<ClusterEvent> _queue;
    private readonly PmLogconvSyslog? _syslog;
    private readonly Task _writer;
    private long _dropped;
    private long _writeFailures;
    private long _linesWritten;

    public PmLogconvFileSink(PmLogconvOptions options)
    {
        _options = options;
        _formatter = new PmLogconvFormatter(options);
        _syslog = options.SyslogFacility is { } facility ? new PmLogconvSyslog(facility, options.SyslogSocketPath) : null;
        _queue = Channel.CreateBounded<ClusterEvent>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _writer = Task.Run(WriteLoopAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);
    public long WriteFailures => Interlocked.Read(ref _writeFailures);
    public long LinesWritten => Interlocked.Read(ref _linesWritten);
    public long SyslogFailures => _syslog?.Failures ?? 0;

    /// <summary>The last write error, for a health endpoint; null after a successful write.</summary>
    public string? LastError { get; private set; }

    public void Publish(ClusterEvent clusterEvent) => _queue.Writer.TryWrite(clusterEvent);

    private async Task WriteLoopAsync()
    {
        var batch = new StringBuilder();
        var lines = 0;
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            lines = 0;
            while (lines < 512 && _queue.Reader.TryRead(out var e))
            {
                IReadOnlyList<PmLogconvEntry> entries;
                try { entries = _formatter.Convert(e); }
                catch (Exception ex)
                {
                    // A formatting bug loses this event's line, not the log.
                    Interlocked.Increment(ref _writeFailures);
                    LastError = $"Cannot convert {e.GetType().Name}: {ex.Message}";
                    continue;
                }
                foreach (var entry in entries)
                {
                    batch.Append(_formatter.Line(entry)).Append('\n');
                    lines++;
                    _syslog?.Send(entry);
                }
            }
            if (lines > 0) Append(batch.ToString(), lines);
        }
    }

    private void Append(string text, int lines)
    {
        try
        {
            using var stream = new FileStream(_options.OutputPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: _options.Fsync);
            Interlocked.Add(ref _linesWritten, lines);
            LastError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _writeFailures);
            LastError = $"Cannot append to {_options.OutputPath}: {ex.Message}";
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _syslog?.Dispose();
    }
}
