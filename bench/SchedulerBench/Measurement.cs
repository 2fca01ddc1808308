using System.Diagnostics;

namespace HaApi.Bench.Scheduler;

/// <summary>Wall-clock times (ms) and bytes allocated on this thread for repeated runs of one piece of work.</summary>
public sealed record Measurement(double MinMs, double MedianMs, double MaxMs, double AllocatedMb)
{
    public static Measurement Run(int iterations, Action work, int warmups = 1)
    {
        for (var i = 0; i < warmups; i++) work();
        var times = new double[iterations];
        long allocated = 0;
        for (var i = 0; i < iterations; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            work();
            sw.Stop();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Measurement(times[0], times[iterations / 2], times[^1], allocated / (double)iterations / (1024 * 1024));
    }
}
