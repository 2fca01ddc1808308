using System.Diagnostics;
using System.Globalization;
using HaApi.Bench.Scheduler;
using HaApi.Engine.Cib;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;
using Sched = HaApi.Engine.Scheduler.Scheduler;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_600);
Console.WriteLine($"HaApi scheduler benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, GC server={System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine($"fencing disabled (stonith-enabled=false); node failure = node out of membership uncleanly, no fencing needed");
Console.WriteLine();

var haapi = HaApiRuns(options.Primitives, options.Nodes, options.Iterations, profile: true);
Console.WriteLine();
Console.WriteLine($"HaApi, {options.Primitives} primitives ({(options.Primitives + 4) / 5} groups) x {options.Nodes} nodes, {options.Iterations} iterations after 1 warm-up:");
Console.WriteLine($"{"case",-14} {"actions",8} {"changes",8} {"runs",5} {"min ms",9} {"median ms",10} {"max ms",9} {"CPU ms",8} {"alloc MB",9} {"GCs 0/1/2 per run",18}");
foreach (var (scenario, actions, changes, m) in haapi)
    Console.WriteLine($"{scenario,-14} {actions,8} {changes,8} {m.Iterations,5} {m.MinMs,9:F1} {m.MedianMs,10:F1} {m.MaxMs,9:F1} {m.MedianCpuMs,8:F0} {m.AllocatedMb,9:F1} {m.Collections,18}");
if (haapi.Any(r => r.Time.Iterations < options.Iterations))
    Console.WriteLine($"(runs < {options.Iterations}: the warm-up took over {Measurement.SlowWarmUp.TotalSeconds:F0} s, so that case was timed once)");

if (options.SkipCrm) return 0;
Console.WriteLine();
if (!CrmSimulate.Available)
{
    Console.WriteLine($"crm_simulate not found at {CrmSimulate.Executable} (Debian package pacemaker-cli-utils): comparison skipped");
    return 0;
}
CompareWithCrmSimulate(options.CrmSize, options.Nodes, Math.Min(options.Iterations, 3));
return 0;

// Each timed run gets node2's node_state as a new object, as a controller's status does after a change on one node
// (StatusStore keeps the other nodes' objects): what the scheduler works out once per node_state object (the
// digests of its histories) is worked out again for that node in every run, not served from the previous run.
static SchedulerInput WithOneNodeReadAfresh(SchedulerInput input)
{
    var changed = SyntheticCluster.NodeName(1);
    return input with { Status = new ClusterStatus([.. input.Status.Nodes.Select(n => n.Name == changed ? n with { } : n)]) };
}

static Scenario[] Scenarios() => [Scenario.NoChange, Scenario.NodeFailure(SyntheticCluster.NodeName(1)), Scenario.NodeStandby(SyntheticCluster.NodeName(1))];

List<(string Scenario, int Actions, int Changes, Measurement Time)> HaApiRuns(int primitives, int nodes, int iterations, bool profile)
{
    var cluster = new SyntheticCluster(primitives, nodes);
    var placement = Placement(cluster, verbose: true);
    var rows = new List<(string, int, int, Measurement)>();
    // One scenario's CIB at a time: a controller holds one status, and three 10,000-primitive CIBs kept alive
    // together would make every full GC during the timed runs mark ~1 GB that has nothing to do with scheduling.
    foreach (var scenario in Scenarios())
    {
        var (input, _) = Build(cluster, placement, scenario, verbose: true);
        var (m, transition) = Measurement.Run(iterations, () => Sched.Schedule(WithOneNodeReadAfresh(input)));
        rows.Add((scenario.Name, transition.Actions.Length, transition.Changes.Length, m));
        if (!profile) continue;
        var (phases, result) = PhaseProfile.Run(input);
        var consistent = result.Actions.Length == transition.Actions.Length && result.Changes.Length == transition.Changes.Length;
        Console.WriteLine($"  phases for '{scenario.Name}'{(consistent ? "" : " (WARNING: phase-by-phase run differs from Scheduler.Schedule; phase list out of date)")}: " +
                          string.Join(", ", phases.Select(p => $"{p.Phase.Replace("Phase", "")} {p.Ms:F1}/{p.CpuMs:F0}/{p.AllocatedMb:F1}")) + " (wall ms/CPU ms/MB allocated)");
    }
    return rows;
}

// The warm CIBs take their placement from a cold cluster (everything probed, nothing running), so that the warm
// status holds exactly the scheduler's own placement and "no change" needs no action.
Dictionary<string, string> Placement(SyntheticCluster cluster, bool verbose)
{
    var sw = Stopwatch.StartNew();
    var coldXml = cluster.ToCib(new Dictionary<string, string>(), Scenario.NoChange);
    var cold = CibImporter.Import(coldXml);
    var coldTransition = Sched.Schedule(new SchedulerInput(cold.Config, cold.Status, cold.HaveQuorum, now));
    var groupOf = new Dictionary<string, string>();
    for (var g = 0; g < cluster.Groups; g++)
        foreach (var r in cluster.Members(g)) groupOf[r] = SyntheticCluster.GroupId(g);
    var placement = new Dictionary<string, string>();
    foreach (var a in coldTransition.Actions)
        if (a.Kind == ActionKind.Start && a.Resource is { } r && a.Node is { } n && groupOf.TryGetValue(r, out var g)) placement.TryAdd(g, n);
    if (verbose)
    {
        var perNode = placement.Values.GroupBy(n => n).Select(x => x.Count()).ToList();
        Console.WriteLine($"cold start of {cluster.Primitives} primitives x {cluster.Nodes} nodes: {coldTransition.Actions.Length} actions, " +
                          $"{placement.Count}/{cluster.Groups} groups placed, {perNode.Min()}..{perNode.Max()} groups per node " +
                          $"({coldXml.Length / (1024 * 1024)} MB of CIB XML; generate+import+schedule {sw.ElapsedMilliseconds} ms)");
    }
    return placement;
}

(SchedulerInput Input, string Xml) Build(SyntheticCluster cluster, Dictionary<string, string> placement, Scenario scenario, bool verbose)
{
    var sw = Stopwatch.StartNew();
    var xml = cluster.ToCib(placement, scenario, epoch: 2);
    // What the imported document keeps on the heap (the XML text excluded): the input every run reads.
    var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
    var doc = CibImporter.Import(xml);
    var importMs = sw.ElapsedMilliseconds;
    var held = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
    if (verbose)
        Console.WriteLine($"  {scenario.Name}: CIB generated and imported by CibImporter.Import in {importMs} ms " +
                          $"(the imported document holds {held / (1024 * 1024)} MB)");
    return (new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, now), xml);
}

void CompareWithCrmSimulate(int primitives, int nodes, int iterations)
{
    var cluster = new SyntheticCluster(primitives, nodes);
    var placement = Placement(cluster, verbose: false);
    var dir = Directory.CreateTempSubdirectory("haapi-schedbench-");
    try
    {
        var shadow = Directory.CreateDirectory(Path.Combine(dir.FullName, "shadow")).FullName;
        Console.WriteLine($"Same CIB through HaApi and crm_simulate -x FILE -S (Pacemaker), {primitives} primitives x {nodes} nodes:");
        Console.WriteLine($"{"case",-14} {"HaApi ms",9} {"HaApi chg",9} {"crm ms",9} {"crm chg",8} {"crm/HaApi",10}");
        foreach (var scenario in Scenarios())
        {
            var (input, xml) = Build(cluster, placement, scenario, verbose: false);
            var file = Path.Combine(dir.FullName, scenario.Name.Replace(' ', '-') + ".xml");
            File.WriteAllText(file, xml);
            // HAAPI_SCHEDBENCH_KEEP=dir keeps a copy of each CIB for replaying with crm_simulate by hand.
            if (Environment.GetEnvironmentVariable("HAAPI_SCHEDBENCH_KEEP") is { Length: > 0 } keep) File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
            var (ours, transition) = Measurement.Run(iterations, () => Sched.Schedule(input));
            var changes = transition.Changes.Length;
            var mode = "-S";
            double crmMs;
            int crmChanges;
            try
            {
                (crmMs, crmChanges) = CrmSimulate.Run(file, shadow);
            }
            catch (CrmSimulateFailedException e)
            {
                // -S also records the simulated results in a copy of the CIB; if that step fails, its scheduler alone
                // (-R) still gives a comparable time for the same CIB.
                Console.WriteLine($"  crm_simulate -S failed on '{scenario.Name}' ({e.Message.Split('\n')[0].Trim()}); timing -R instead");
                (crmMs, crmChanges) = CrmSimulate.Run(file, shadow, simulate: false);
                mode = "-R";
            }
            Console.WriteLine($"{scenario.Name,-14} {ours.MedianMs,9:F1} {changes,9} {crmMs,9:F0} {crmChanges,8} {crmMs / ours.MedianMs,9:F0}x  ({mode})");
        }
        Console.WriteLine("(HaApi: median in-process scheduling of the imported CIB; crm_simulate: one run, whole process incl. XML parse and printing)");
    }
    finally
    {
        dir.Delete(recursive: true);
    }
}
