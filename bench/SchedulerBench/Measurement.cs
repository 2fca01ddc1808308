using System.Diagnostics;

namespace HaApi.Bench.Scheduler;

/// <summary>Wall-clock times (ms) and bytes allocated on this thread for repeated runs of one piece of work.</summary>
public sealed record Measurement(double MinMs, double MedianMs, double MaxMs, double AllocatedMb, int Iterations)
{
    /// <summary>A warm-up slower than this cuts the timed runs to one, so a pathological case still finishes.</summary>
    public static readonly TimeSpan SlowWarmUp = TimeSpan.FromSeconds(10);

    public static (Measurement Time, T LastResult) Run<T>(int iterations, Func<T> work)
    {
        var warm = Stopwatch.StartNew();
        var result = work();
        if (warm.Elapsed > SlowWarmUp) iterations = 1;
        var times = new double[iterations];
        long allocated = 0;
        for (var i = 0; i < iterations; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            result = work();
            sw.Stop();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (new Measurement(times[0], times[iterations / 2], times[^1], allocated / (double)iterations / (1024 * 1024), iterations), result);
    }
}
