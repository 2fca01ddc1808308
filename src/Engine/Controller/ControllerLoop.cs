using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Engine.Controller;

/// <summary>
/// The one loop that owns a <see cref="TransitionEngine"/>: every input (deliveries, membership, fencing outcomes
/// from the fencer's tasks) is posted to a bounded queue and applied in order on this loop, never inside the caller's
/// callback, and the engine's timer work (<see cref="TransitionEngine.Tick"/>) runs on the same loop when
/// <see cref="TransitionEngine.NextWakeUp"/> comes. A full queue makes posters wait rather than grow without bound.
/// </summary>
public sealed class ControllerLoop : IAsyncDisposable
{
    public const int DefaultCapacity = 4096;

    private readonly TransitionEngine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action<TransitionEngine>? _afterEach;
    private readonly Channel<Action<TransitionEngine>> _inputs;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <param name="afterEach">Runs on the loop after every input and every tick (publishing views), so an input queued
    /// after another finds the other's effects published.</param>
    public ControllerLoop(TransitionEngine engine, TimeProvider time, int capacity = DefaultCapacity, ILogger<ControllerLoop>? log = null,
        Action<TransitionEngine>? afterEach = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _engine = engine;
        _time = time;
        _log = (ILogger?)log ?? NullLogger.Instance;
        _afterEach = afterEach;
        _inputs = Channel.CreateBounded<Action<TransitionEngine>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Queues an input, e.g. <c>e =&gt; e.Deliver(message)</c>; waits while the queue is full.</summary>
    public ValueTask PostAsync(Action<TransitionEngine> input, CancellationToken cancellationToken) =>
        _inputs.Writer.WriteAsync(input, cancellationToken);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wake = _engine.NextWakeUp;
            var delay = wake is { } w ? w - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            try
            {
                if (wake is not null && delay <= TimeSpan.Zero)
                {
                    _engine.Tick();
                    _afterEach?.Invoke(_engine);
                }
                else if (await WaitForInputAsync(delay, ct).ConfigureAwait(false))
                {
                    while (_inputs.Reader.TryRead(out var input)) Apply(input);
                }
                else
                {
                    _engine.Tick();
                    _afterEach?.Invoke(_engine);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A controller bug must stay visible without killing the loop: the next event recomputes from the status.
                _log.LogError(e, "The controller failed to process an input");
            }
        }
    }

    /// <summary>True when input is waiting; false when the delay ran out first (time for Tick).</summary>
    private async Task<bool> WaitForInputAsync(TimeSpan delay, CancellationToken ct)
    {
        var read = _inputs.Reader.WaitToReadAsync(ct).AsTask();
        if (delay == Timeout.InfiniteTimeSpan) return await read.ConfigureAwait(false);
        try
        {
            return await read.WaitAsync(delay, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Apply(Action<TransitionEngine> input)
    {
        try
        {
            input(_engine);
            _afterEach?.Invoke(_engine);
        }
        catch (Exception e)
        {
            _log.LogError(e, "The controller failed to process an input");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inputs.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
