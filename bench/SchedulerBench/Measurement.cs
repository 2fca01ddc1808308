using System.Diagnostics;

namespace HaApi.Bench.Scheduler;

/// <summary>Wall-clock times (ms), process CPU time (ms, all threads, GC included) and bytes allocated on this thread
/// for repeated runs of one piece of work. On a machine shared with other work, wall time mostly measures waiting for a
/// core; the CPU time is what the work itself costs.</summary>
public sealed record Measurement(double MinMs, double MedianMs, double MaxMs, double MedianCpuMs, double AllocatedMb, int Iterations, string Collections)
{
    /// <summary>A warm-up slower than this cuts the timed runs to one, so a pathological case still finishes.</summary>
    public static readonly TimeSpan SlowWarmUp = TimeSpan.FromSeconds(10);

    public static (Measurement Time, T LastResult) Run<T>(int iterations, Func<T> work)
    {
        var warm = Stopwatch.StartNew();
        var result = work();
        if (warm.Elapsed > SlowWarmUp) iterations = 1;
        var times = new double[iterations];
        var cpu = new double[iterations];
        // Garbage collections during the timed runs, per generation (a gen1 count includes gen2, gen0 both).
        var collections = new int[3];
        var process = Process.GetCurrentProcess();
        long allocated = 0;
        for (var i = 0; i < iterations; i++)
        {
            // Runs follow each other with no forced collection in between: the heap a run starts on holds the previous
            // run's garbage, as a controller's does (no collection happens while it waits for the next change), so
            // the collections a steady stream of runs causes are charged to them.
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var g = 0; g < 3; g++) collections[g] -= GC.CollectionCount(g);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            result = work();
            sw.Stop();
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            for (var g = 0; g < 3; g++) collections[g] += GC.CollectionCount(g);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        return (new Measurement(times[0], times[iterations / 2], times[^1], cpu[iterations / 2], allocated / (double)iterations / (1024 * 1024), iterations,
            string.Join("/", collections.Select(c => (c / (double)iterations).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)))), result);
    }
}
