using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;

namespace HaApi.Api.Cli;

/// <summary>
/// `haapi simulate --cib FILE [--node-fail NODE]... [--node-up NODE]... [--attr NODE:NAME=VALUE]... [--now TIME]`:
/// prints the transition HaApi would run for a Pacemaker CIB, in crm_simulate's "Transition Summary:" format.
/// </summary>
internal static class SimulateCommand
{
    public const string Usage =
        "usage: haapi simulate --cib FILE [--node-fail NODE]... [--node-up NODE]... [--attr NODE:NAME=VALUE]... [--now 2026-11-26T08:00:00Z]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? cib = null;
        DateTimeOffset? now = null;
        List<string> fail = [], up = [];
        List<(string, string, string?)> attributes = [];
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--cib" or "-x": cib = Next(); break;
                    case "--node-fail" or "-f": fail.Add(Next()); break;
                    case "--node-up" or "-u": up.Add(Next()); break;
                    case "--now" or "-t":
                        var text = Next();
                        now = DateTimeOffset.TryParse(text, null, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
                            ? t : throw new ArgumentException($"--now '{text}' is not a date and time");
                        break;
                    case "--attr":
                        var spec = Next();
                        var colon = spec.IndexOf(':');
                        var eq = spec.IndexOf('=', Math.Max(colon, 0));
                        if (colon <= 0 || eq < colon + 2) throw new ArgumentException($"--attr '{spec}' is not NODE:NAME=VALUE");
                        attributes.Add((spec[..colon], spec[(colon + 1)..eq], eq == spec.Length - 1 ? null : spec[(eq + 1)..]));
                        break;
                    case "--help" or "-h": output.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"haapi simulate: {e.Message}\n{Usage}");
                return 2;
            }
        }
        if (cib is null)
        {
            error.WriteLine($"haapi simulate: --cib is required\n{Usage}");
            return 2;
        }

        try
        {
            var document = CibImporter.Import(File.ReadAllText(cib));
            var input = new SchedulerInput(document.Config, document.Status, document.HaveQuorum,
                now ?? document.ExecutionDate ?? DateTimeOffset.UtcNow);
            input = new WhatIf(fail, up, attributes).ApplyTo(input);
            var transition = Scheduler.Schedule(input);
            output.WriteLine("Transition Summary:");
            foreach (var line in TransitionSummary.Format(transition)) output.WriteLine(line);
            return 0;
        }
        catch (CibImportException e)
        {
            error.WriteLine($"haapi simulate: {cib} cannot be imported:");
            foreach (var p in e.Problems) error.WriteLine($"  {p}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"haapi simulate: {e.Message}");
            return 1;
        }
    }
}
