namespace HaApi.Bench.Failover;

/// <summary>Named durations collected over runs, printed as median (min-max) in the order they were first added.</summary>
public sealed class Series
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, List<double>> _values = [];
    private readonly List<string> _run = [];

    public void Add(string name, double? ms)
    {
        if (ms is not { } value)
        {
            _run.Add($"{name.Trim()}: ?");
            return;
        }
        _run.Add($"{name.Trim()}: {value:0}");
        if (!_values.TryGetValue(name, out var list))
        {
            _order.Add(name);
            _values[name] = list = [];
        }
        list.Add(value);
    }

    /// <summary>One line with the values added since the last call: the per-run progress output.</summary>
    public string TakeRun()
    {
        var line = string.Join("; ", _run);
        _run.Clear();
        return line;
    }

    public double? Median(string name) => _values.TryGetValue(name, out var list) && list.Count > 0 ? Median(list) : null;

    public void Print(string title, int runs)
    {
        Console.WriteLine($"{title} ({runs} runs): median (min - max) ms");
        var width = _order.Max(n => n.Length);
        foreach (var name in _order)
        {
            var list = _values[name];
            var count = list.Count == runs ? "" : $"  [{list.Count} of {runs} runs]";
            Console.WriteLine($"  {name.PadRight(width)}  {Median(list),8:0}  ({list.Min():0} - {list.Max():0}){count}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
