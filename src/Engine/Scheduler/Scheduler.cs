using System.Collections.Immutable;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// The policy engine: from a configuration and a status snapshot, decide where every resource should run and
/// which actions get it there, the way Pacemaker's scheduler does (same scores, same tie-breaking, same summary).
/// Pure: the same input always gives the same transition.
/// </summary>
public static class Scheduler
{
    /// <exception cref="UnsupportedConfigurationException">The configuration needs scheduling HaApi does not
    /// implement yet (utilization placement).</exception>
    public static Transition Schedule(SchedulerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SupportCheckPhase.Run(input.Config);
        var ws = new WorkingSet(input);

        UnpackNodesPhase.Run(ws);
        UnpackResourcesPhase.Run(ws);
        UnpackHistoryPhase.Run(ws);
        NodeScoresPhase.Run(ws);
        AssignmentPhase.Run(ws);
        FencingPhase.Run(ws);
        ActionsPhase.Run(ws);
        OrderingPhase.Run(ws);
        MigrationPhase.Run(ws);
        PropagationPhase.Run(ws);
        MigrationPhase.Settle(ws);
        return SummaryPhase.Run(ws);
    }
}
