using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;

namespace HaApi.Api.Hosting;

/// <summary>
/// Waits until the cluster has settled after a change (the `wait` of the runtime endpoints): polls this node's copy of
/// the replicated status, which every node holds, so any node can answer without asking the DC.
/// </summary>
internal sealed class ClusterWaiter(ConfigurationReplica replica, ClusterController controller, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The actions still pending when the cluster has not settled within the timeout; empty when it has.</summary>
    public async Task<IReadOnlyList<string>> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var pending = Pending();
            if (pending.Count == 0 || time.GetUtcNow() >= deadline) return pending;
            await Task.Delay(Poll, time, cancellationToken);
        }
    }

    /// <summary>What the scheduler would still do, plus the requests dispatched and not answered yet (a pending
    /// start already counts as active for the scheduler, but it is not done).</summary>
    public IReadOnlyList<string> Pending()
    {
        var state = replica.State;
        var view = controller.View;
        return [
            .. view.InFlight.Select(a => $"{(a.Request.IsProbe ? "probe" : a.Request.Operation)} {a.Request.ResourceId} on {a.Request.Node} (running)"),
            .. Settlement.PendingActions(state.Config, view.Status, state.Quorate, time.GetUtcNow()).Select(Settlement.Describe),
        ];
    }
}
