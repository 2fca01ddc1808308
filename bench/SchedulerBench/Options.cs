using System.Globalization;

namespace HaApi.Bench.Scheduler;

public sealed record Options(int Primitives, int Nodes, int Iterations, int CrmSize, bool SkipCrm)
{
    public const string Usage =
        "usage: SchedulerBench [--primitives N (10000)] [--nodes N (32)] [--iterations N (5)] [--crm-size N (500)] [--skip-crm]";

    public static Options Parse(string[] args)
    {
        var o = new Options(10_000, 32, 5, 500, false);
        for (var i = 0; i < args.Length; i++)
        {
            o = args[i] switch
            {
                "--primitives" => o with { Primitives = Positive(args, ++i) },
                "--nodes" => o with { Nodes = Positive(args, ++i) },
                "--iterations" => o with { Iterations = Positive(args, ++i) },
                "--crm-size" => o with { CrmSize = Positive(args, ++i) },
                "--skip-crm" => o with { SkipCrm = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}"),
            };
        }
        if (o.Nodes < 2) throw new ArgumentException("--nodes must be at least 2 (one node fails or goes to standby)");
        return o;
    }

    private static int Positive(string[] args, int i)
    {
        if (i >= args.Length) throw new ArgumentException($"'{args[i - 1]}' needs a number\n{Usage}");
        if (!int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new ArgumentException($"'{args[i - 1]} {args[i]}': expected a positive whole number");
        return n;
    }
}
