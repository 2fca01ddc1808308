using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Controller;

/// <summary>
/// Tells the DC's transitions that are fail-overs (pm_logconv's definition: resources recovered or moved because
/// their node was lost or they failed — not an operator's move or standby) and publishes their start, each moved
/// resource, and their end: succeeded when a later transition completes with every recovered resource placed,
/// failed when one could not be placed anywhere. Each move is reported once per fail-over: transitions repeated while
/// fencing is retried plan the same moves again, and a log watcher counts every line.
/// </summary>
internal sealed class FailoverTracker(string localNode, IEventSink events)
{
    private long _lastSeen;
    private DateTimeOffset? _startedAt;
    private bool _unplaced;
    private readonly HashSet<(string Resource, string? From, string? To)> _reported = [];

    public void Observe(TransitionRecord record, ClusterStatus status, DateTimeOffset now)
    {
        if (record.Id > _lastSeen)
        {
            _lastSeen = record.Id;
            var recovered = record.Transition.Changes.Where(c => IsFailover(c, status)).ToList();
            if (recovered.Count > 0)
            {
                if (_startedAt is null)
                {
                    _startedAt = now;
                    _unplaced = false;
                    events.Publish(new FailoverStarted(now, localNode,
                        recovered.Select(c => c.Origin ?? LostNodeRan(status, c.Resource)).FirstOrDefault(o => o is not null && !Online(status, o)),
                        recovered.Select(c => c.Resource).ToList()));
                }
                foreach (var c in recovered)
                {
                    var move = (c.Resource, c.Origin ?? LostNodeRan(status, c.Resource), c.Blocked ? null : c.Destination);
                    if (_reported.Add(move)) events.Publish(new FailoverResourceMoved(now, localNode, move.Item1, move.Item2, move.Item3));
                }
                _unplaced |= recovered.Any(c => c.Blocked || c.Destination is null);
            }
        }
        if (_startedAt is { } started && record.Outcome == TransitionOutcome.Complete)
        {
            events.Publish(new FailoverCompleted(now, localNode, !_unplaced, now - started));
            _startedAt = null;
            _reported.Clear();
        }
    }

    private static bool IsFailover(ResourceChange c, ClusterStatus status) =>
        c.Verb == ChangeVerb.Recover
        || (c.Verb is ChangeVerb.Move && !Online(status, c.Origin))
        || (c.Verb is ChangeVerb.Stop && c.Origin is not null && !Online(status, c.Origin))
        || (c.Verb is ChangeVerb.Start && LostNodeRan(status, c.Resource) is not null);

    /// <summary>The departed node whose history shows the resource active (without fencing, a lost node's resources are
    /// simply started elsewhere, so the change reads as a start).</summary>
    private static string? LostNodeRan(ClusterStatus status, string resource) => status.Nodes
        .Where(n => !n.InMembership)
        .FirstOrDefault(n => n.FindResource(resource)?.Operations.FirstOrDefault(o => o.Id.EndsWith("_last_0", StringComparison.Ordinal)) is
            { Operation: "start" or "promote" or "migrate_from", RcCode: 0, OpStatus: 0 })?.Name;

    private static bool Online(ClusterStatus status, string? node) => node is not null && status.Find(node) is { InMembership: true };
}
