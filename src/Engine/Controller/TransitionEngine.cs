using System.Collections.Immutable;
using System.Globalization;
using HaApi.Engine.Cluster;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaApi.Engine.Controller;

/// <summary>
/// The controller of one node (Pacemaker's pacemaker-controld). Every node keeps the replicated status
/// (<see cref="Status"/>); only the DC runs the scheduler on (configuration, status, quorum, now) and carries out the
/// transition: an action is dispatched once all its predecessors succeeded, in-flight actions are watched with a
/// deadline, and a failed action or any new event aborts the transition: nothing new is dispatched, and once the
/// in-flight actions have settled the scheduler runs again on the updated status.
///
/// Recovery after fencing is safe because the scheduler orders the stops implied by fencing after the fence action,
/// and the starts after those stops: a fence that fails never succeeds here, so nothing after it runs.
///
/// Single-threaded and deterministic: the host calls the public methods from one loop (the delivery loop), time comes
/// only from the TimeProvider, and ports never call back synchronously (a reentrant call is queued and run after the
/// current one, so it cannot observe a half-made change).
/// </summary>
public sealed class TransitionEngine
{
    private enum ActionState { Waiting, InFlight, Succeeded, Failed }

    private sealed class Active(TransitionRecord record)
    {
        public TransitionRecord Record = record;
        public readonly Dictionary<int, SchedulerAction> Actions = [];
        public readonly Dictionary<int, List<int>> Predecessors = [];
        public readonly Dictionary<int, ActionState> States = [];
        public readonly Dictionary<int, DateTimeOffset> Deadlines = [];
        public readonly HashSet<int> TimeoutRecorded = [];
        public string? AbortReason;
        public bool Failed;
        public string Key(int actionId) => $"{Record.Id}:{actionId}";
    }

    private const int MaxQueuedCalls = 10_000;

    private readonly string _localNode;
    private readonly IActionDispatcher _dispatcher;
    private readonly IFencing _fencing;
    private readonly IStatusPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ControllerOptions _options;
    private readonly ILogger _log;
    private readonly Queue<Action> _queued = new();
    private readonly LinkedList<TransitionRecord> _history = new();
    private readonly Dictionary<string, int> _fenceFailures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expiryPublished = new(StringComparer.Ordinal);
    private bool _busy;

    private ClusterConfig? _config;
    private bool _quorate;
    private bool _isDc;
    private ImmutableHashSet<string> _members = ImmutableHashSet<string>.Empty;
    private Active? _active;
    private string? _pendingTrigger;
    private long _nextTransitionId = 1;
    private DateTimeOffset? _nextRecheck;
    private DateTimeOffset? _expiryHandledAt;

    public TransitionEngine(string localNode, IActionDispatcher dispatcher, IFencing fencing, IStatusPublisher publisher,
        TimeProvider time, ControllerOptions? options = null, ILogger<TransitionEngine>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(localNode);
        _localNode = localNode;
        _dispatcher = dispatcher;
        _fencing = fencing;
        _publisher = publisher;
        _time = time;
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.HistoryLimit);
        _log = (ILogger?)log ?? NullLogger.Instance;
    }

    /// <summary>The replicated status; identical on every node.</summary>
    public StatusStore Status { get; } = new();

    public bool IsDc => _isDc;

    /// <summary>Whether a transition is being carried out (or waits for its in-flight actions after an abort).</summary>
    public bool Busy => _active is not null;

    /// <summary>Computed transitions, oldest first, bounded by <see cref="ControllerOptions.HistoryLimit"/>.</summary>
    public IReadOnlyList<TransitionRecord> History => [.. _history];

    /// <summary>Actions dispatched and not yet settled, as (transition key, action).</summary>
    public IReadOnlyList<(string Key, SchedulerAction Action)> InFlight =>
        _active is null ? [] : [.. _active.States.Where(kv => kv.Value == ActionState.InFlight).OrderBy(kv => kv.Key).Select(kv => (_active.Key(kv.Key), _active.Actions[kv.Key]))];

    /// <summary>When <see cref="Tick"/> should be called next: an action deadline, a failure-timeout expiry or the
    /// cluster-recheck-interval; null when nothing is due.</summary>
    public DateTimeOffset? NextWakeUp
    {
        get
        {
            if (!_isDc || _config is null) return null;
            DateTimeOffset? next = _nextRecheck;
            if (_active is not null)
                foreach (var (id, deadline) in _active.Deadlines)
                    if (_active.States[id] == ActionState.InFlight && (next is null || deadline < next)) next = deadline;
            // Expiries already handled wait for their FailCountsCleared to come back; they must not wake the loop again.
            if (Status.NextFailureExpiry(_config, _expiryHandledAt) is { } expiry && (next is null || expiry < next)) next = expiry;
            return next;
        }
    }

    /// <summary>A new configuration was applied (in agreed order).</summary>
    public void ConfigurationChanged(ClusterConfig config) => Run(() =>
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        Trigger($"configuration {config.Version}");
    });

    /// <summary>A new agreed view with its DC (null while the members synchronise) and quorum.</summary>
    public void MembershipChanged(IEnumerable<GroupMember> members, string? dc, bool quorate) => Run(() => ApplyView(members, dc, quorate));

    /// <summary>
    /// A new view was delivered and its members are still synchronising. The status follows the membership at once
    /// (at the same point of the agreed order on every node); the DC stays DC until the synchronised view names the
    /// next one, so the actions in flight are waited for (or lost with their node) rather than forgotten.
    /// </summary>
    public void ViewChanged(IEnumerable<GroupMember> members, bool quorate) => Run(() => ApplyView(members, _isDc ? _localNode : null, quorate));

    private void ApplyView(IEnumerable<GroupMember> members, string? dc, bool quorate)
    {
        var list = members.ToList();
        var names = list.Select(m => m.Name).ToImmutableHashSet(StringComparer.Ordinal);
        foreach (var joined in names.Except(_members)) _fenceFailures.Remove(joined);
        var changed = !names.SetEquals(_members) | Status.ApplyMembership(list) | quorate != _quorate;
        _members = names;
        _quorate = quorate;
        var wasDc = _isDc;
        _isDc = dc == _localNode;
        if (wasDc && !_isDc) Abandon();
        if (_active is not null) LoseActionsOnDepartedNodes();
        // The synchronised view of members already applied is no news: aborting for it would cut a recovery short
        // between its starts and their monitors.
        if (changed || wasDc != _isDc) Trigger("membership change");
    }

    public void QuorumChanged(bool quorate) => Run(() =>
    {
        if (quorate == _quorate) return;
        _quorate = quorate;
        Trigger(quorate ? "quorum gained" : "quorum lost");
    });

    /// <summary>The replica's transient attributes of a node changed (standby, shutdown, promotion scores...).</summary>
    public void AttributesChanged(string node, ImmutableSortedDictionary<string, string> attributes) => Run(() =>
    {
        if (Status.ApplyAttributes(node, attributes)) Trigger($"attributes of {node}");
    });

    /// <summary>A status record delivered in agreed order (on every node, the sender included).</summary>
    public void Deliver(ClusterMessage record) => Run(() =>
    {
        switch (record)
        {
            case OperationResultRecorded r:
                if (!Status.Apply(r)) return;
                OnOperationResult(r);
                break;
            case NodeFenced f:
                Status.Apply(f);
                _fenceFailures.Remove(f.Target);
                OnNodeFenced(f);
                break;
            case NodeLeaving l:
                Status.Apply(l);
                break;
            case FailCountsCleared c:
                if (Status.Apply(c)) Trigger($"fail count of {c.ResourceId ?? "all resources"} on {c.Node} cleared");
                break;
            case ActionRequest a:
                Status.ApplyPending(a);
                break;
            case ResourceCleanup c:
                Status.Apply(c);
                // Even with nothing recorded, a cleanup asks for a fresh look (crm_resource --cleanup always does).
                Trigger($"cleanup of {c.ResourceId ?? "all resources"} on {c.Node ?? "all nodes"} by {c.Author}");
                break;
        }
    });

    /// <summary>The outcome of a <see cref="FencingOrder"/>. On success the DC publishes <see cref="NodeFenced"/>; the
    /// fence action completes when that record is delivered back, so the status already says the node is down when
    /// anything ordered after the fencing is dispatched.</summary>
    public void FencingCompleted(string transitionKey, string target, bool succeeded, string? reason) => Run(() =>
    {
        if (succeeded)
        {
            _log.LogInformation("Fencing of {Target} succeeded", target);
            var action = _config?.Properties.StonithAction ?? "reboot";
            _publisher.Publish(new NodeFenced(target, action, _time.GetUtcNow()));
            return;
        }
        _fenceFailures[target] = _fenceFailures.GetValueOrDefault(target) + 1;
        _log.LogWarning("Fencing of {Target} failed ({Attempts} attempts): {Reason}; nothing that depends on it will run",
            target, _fenceFailures[target], reason);
        if (Find(transitionKey) is { } id && _active!.States[id] == ActionState.InFlight)
            Fail(id, $"fencing of {target} failed: {reason}");
    });

    /// <summary>Timer: expires overdue actions, failure-timeouts and the cluster-recheck-interval.</summary>
    public void Tick() => Run(() =>
    {
        if (!_isDc || _config is null) return;
        var now = _time.GetUtcNow();
        if (_active is not null)
            foreach (var (id, deadline) in _active.Deadlines.ToList())
                if (_active.States[id] == ActionState.InFlight && deadline <= now) TimedOut(id);
        foreach (var (node, rsc) in Status.ExpiredFailures(_config, now))
        {
            var last = Status.Current.Find(node)?.LastFailure(rsc);
            if (_expiryPublished.Add($"{node}\n{rsc}\n{last?.ToUnixTimeSeconds()}"))
                _publisher.Publish(new FailCountsCleared(node, rsc, now));
        }
        _expiryHandledAt = now;
        if (_nextRecheck is { } recheck && recheck <= now)
        {
            // Until the scheduler runs (after in-flight actions settle) there is no next recheck to wake up for.
            _nextRecheck = null;
            Trigger("cluster-recheck-interval");
        }
    });

    /// <summary>Runs the scheduler again now (as crm_resource --refresh would), aborting the current transition.</summary>
    public void Recheck(string reason = "requested") => Run(() => Trigger(reason));

    // ---- run-to-completion ----

    private void Run(Action work)
    {
        if (_busy)
        {
            if (_queued.Count >= MaxQueuedCalls) throw new InvalidOperationException("controller call queue overflow: a port is calling back in a loop");
            _queued.Enqueue(work);
            return;
        }
        _busy = true;
        try
        {
            work();
            while (_queued.Count > 0) _queued.Dequeue()();
            Settle();
            while (_queued.Count > 0)
            {
                _queued.Dequeue()();
                Settle();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private void Trigger(string reason)
    {
        if (!_isDc) return;
        _pendingTrigger ??= reason;
        if (_active is not null && _active.AbortReason is null)
        {
            _active.AbortReason = reason;
            _log.LogInformation("Transition {Id} aborted: {Reason}", _active.Record.Id, reason);
        }
    }

    /// <summary>Dispatches what is ready; finishes the transition when nothing more can happen; recomputes if asked.</summary>
    private void Settle()
    {
        if (!_isDc || _config is null) return;
        for (var guard = 0; guard < 1000; guard++)
        {
            if (_active is not null)
            {
                if (_active.AbortReason is null && DispatchReady()) continue;
                if (_active.States.Values.Any(s => s == ActionState.InFlight)) return;
                Finish();
            }
            if (_pendingTrigger is null) return;
            var trigger = _pendingTrigger;
            _pendingTrigger = null;
            Compute(trigger);
        }
        throw new InvalidOperationException("the controller recomputed 1000 times without settling: a scheduler/controller loop");
    }

    private void Compute(string trigger)
    {
        var now = _time.GetUtcNow();
        var input = new SchedulerInput(_config!, Status.Current, _quorate, now);
        var transition = Scheduler.Scheduler.Schedule(input);
        var record = new TransitionRecord(_nextTransitionId++, input, transition, trigger);
        _history.AddLast(record);
        while (_history.Count > _options.HistoryLimit) _history.RemoveFirst();
        _nextRecheck = now + _config!.Properties.ClusterRecheckInterval;

        var active = new Active(record);
        foreach (var a in transition.Actions)
        {
            active.Actions[a.Id] = a;
            active.Predecessors[a.Id] = [];
            active.States[a.Id] = ActionState.Waiting;
        }
        foreach (var o in transition.Orderings) active.Predecessors[o.Then].Add(o.First);
        AddImplicitOrderings(active);
        _active = active;
        _log.LogInformation("Transition {Id} ({Trigger}): {Actions} actions", record.Id, trigger, transition.Actions.Length);
    }

    /// <summary>
    /// Orderings the executor relies on that the transition leaves implicit: a resource is probed everywhere before it
    /// is started or promoted anywhere (it may already run somewhere), and a recurring monitor is started only after
    /// the start or promote on its node (else its first run would find the resource stopped).
    /// </summary>
    private static void AddImplicitOrderings(Active t)
    {
        var actions = t.Actions.Values.ToList();
        foreach (var a in actions)
        {
            if (a.Resource is null) continue;
            var baseId = UnpackBase(a.Resource);
            if (a.Kind is ActionKind.Start or ActionKind.Promote)
                foreach (var p in actions.Where(p => p.Kind == ActionKind.Probe && p.Resource is not null && UnpackBase(p.Resource) == baseId))
                    t.Predecessors[a.Id].Add(p.Id);
            if (a.Kind == ActionKind.Monitor)
                foreach (var s in actions.Where(s => s.Kind is ActionKind.Start or ActionKind.Promote && s.Resource == a.Resource && s.Node == a.Node))
                    t.Predecessors[a.Id].Add(s.Id);
        }
    }

    private static string UnpackBase(string id)
    {
        var colon = id.LastIndexOf(':');
        return colon > 0 && int.TryParse(id.AsSpan(colon + 1), out _) ? id[..colon] : id;
    }

    /// <summary>Starts every action whose predecessors all succeeded; true if any pseudo action completed (which may
    /// make more ready).</summary>
    private bool DispatchReady()
    {
        var t = _active!;
        var progressed = false;
        foreach (var id in t.States.Keys.Order().ToList())
        {
            if (t.AbortReason is not null) break;
            if (t.States[id] != ActionState.Waiting) continue;
            var a = t.Actions[id];
            if (!a.Runnable || !t.Predecessors[id].All(p => t.States[p] == ActionState.Succeeded)) continue;
            switch (a.Kind)
            {
                case ActionKind.Pseudo:
                    t.States[id] = ActionState.Succeeded;
                    progressed = true;
                    break;
                case ActionKind.ClearFailCount:
                    _publisher.Publish(new FailCountsCleared(a.Node!, a.Resource, _time.GetUtcNow()));
                    t.States[id] = ActionState.Succeeded;
                    progressed = true;
                    break;
                case ActionKind.Fence:
                    if (_fenceFailures.GetValueOrDefault(a.Node!) >= MaxFencingAttempts())
                    {
                        // Leave it waiting: the transition ends without it, and nothing after it runs.
                        _log.LogError("Giving up fencing {Target} after {Attempts} failed attempts; its resources stay unrecovered until it rejoins or is fenced manually",
                            a.Node, _fenceFailures[a.Node!]);
                        continue;
                    }
                    t.States[id] = ActionState.InFlight;
                    var timeout = _config!.Properties.StonithTimeout;
                    t.Deadlines[id] = _time.GetUtcNow() + timeout + _options.ClusterDelayValue;
                    _fencing.Fence(new FencingOrder(t.Key(id), a.Node!, FenceActionOf(), timeout));
                    break;
                default:
                    if (a.Node is null || a.Resource is null || !_members.Contains(a.Node)) continue;
                    var request = RequestFor(t.Key(id), a);
                    t.States[id] = ActionState.InFlight;
                    t.Deadlines[id] = _time.GetUtcNow() + request.Timeout + _options.ClusterDelayValue;
                    _dispatcher.Dispatch(request);
                    break;
            }
        }
        return progressed;
    }

    private int MaxFencingAttempts() =>
        int.TryParse(_config!.Properties.Get("stonith-max-attempts"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : _options.MaxFencingAttempts;

    private string FenceActionOf()
    {
        var props = _config!.Properties;
        var action = props.Values.TryGetValue("fencing-action", out var fa) ? fa : props.StonithAction;
        return action == "poweroff" ? "off" : action;
    }

    private ActionRequest RequestFor(string key, SchedulerAction a)
    {
        var resource = ResolvePrimitive(a.Resource!, a.Node!);
        var operation = a.Kind switch
        {
            ActionKind.Start => OperationNames.Start,
            ActionKind.Stop => OperationNames.Stop,
            ActionKind.Promote => OperationNames.Promote,
            ActionKind.Demote => OperationNames.Demote,
            ActionKind.Probe or ActionKind.Monitor => OperationNames.Monitor,
            _ => a.Task,
        };
        var interval = a.Kind == ActionKind.Probe ? TimeSpan.Zero : a.Interval;
        var definition = resource.Operations.FirstOrDefault(o => o.Name == operation && o.Interval == interval);
        var expected = ResultPolicy.ExpectedExitCode(operation, interval, definition?.Role);
        var timeout = definition?.Timeout
            ?? (_config!.OperationDefaults.Get("timeout") is { } d && Duration.TryParse(d, out var t) ? t : _options.DefaultOperationTimeoutValue);
        return new ActionRequest(key, a.Node!, a.Resource!, resource, operation, interval, timeout, expected);
    }

    /// <summary>The definition to run an action with; a resource no longer configured is rebuilt from its recorded agent.</summary>
    private Primitive ResolvePrimitive(string resourceId, string node)
    {
        if ((_config!.FindPrimitive(resourceId) ?? _config.FindPrimitive(UnpackBase(resourceId))) is { } p) return p;
        var history = Status.Current.Find(node)?.FindResource(resourceId);
        ResourceClassNames.TryParse(history?.Class, out var cls);
        return new Primitive(resourceId, cls, history?.Provider, history?.Type ?? "unknown", Attributes.Empty, Attributes.Empty, []);
    }

    private void OnOperationResult(OperationResultRecorded r)
    {
        if (!_isDc) return;
        if (r.TransitionKey is { } key && Find(key) is { } id && _active!.States[id] == ActionState.InFlight)
        {
            if (r.IsExpected)
            {
                _active.States[id] = ActionState.Succeeded;
                return;
            }
            if (r.IsFailure) Fail(id, $"{r.ResourceId} {r.Operation} on {r.Node} returned {ExitCodeText.Format(r.RcCode)} (status {r.OpStatus})");
            else
            {
                // A probe found the resource active: news, not a failure, but the plan was made without it.
                _active.States[id] = ActionState.Succeeded;
                Trigger($"{r.ResourceId} found active on {r.Node}");
            }
            return;
        }
        if (!r.IsExpected) Trigger($"unexpected result of {r.ResourceId} {r.Operation} on {r.Node}: {ExitCodeText.Format(r.RcCode)}");
    }

    private void OnNodeFenced(NodeFenced f)
    {
        if (!_isDc) return;
        if (_active is not null)
        {
            foreach (var (id, a) in _active.Actions)
                if (a.Kind == ActionKind.Fence && a.Node == f.Target && _active.States[id] == ActionState.InFlight)
                {
                    _active.States[id] = ActionState.Succeeded;
                    return;
                }
        }
        Trigger($"{f.Target} fenced");
    }

    private int? Find(string transitionKey)
    {
        if (_active is null) return null;
        var colon = transitionKey.IndexOf(':');
        if (colon <= 0 || !long.TryParse(transitionKey.AsSpan(0, colon), out var tid) || tid != _active.Record.Id) return null;
        return int.TryParse(transitionKey.AsSpan(colon + 1), out var aid) && _active.Actions.ContainsKey(aid) ? aid : null;
    }

    private void Fail(int id, string reason)
    {
        _active!.States[id] = ActionState.Failed;
        _active.Failed = true;
        _log.LogWarning("Transition {Id}: action failed: {Reason}", _active.Record.Id, reason);
        Trigger(reason);
    }

    /// <summary>
    /// The DC gave up waiting for a result. The status records a timed-out failure (through the agreed order, like any
    /// result) so that the scheduler recovers from it: a lost start is moved, a lost stop fences. The action stays in
    /// flight until that record is delivered back, so the next scheduler run already sees it; if even that never
    /// comes (the transport is stuck), the action fails after another cluster-delay.
    /// </summary>
    private void TimedOut(int id)
    {
        var t = _active!;
        var a = t.Actions[id];
        if (a.Kind == ActionKind.Fence)
        {
            _fenceFailures[a.Node!] = _fenceFailures.GetValueOrDefault(a.Node!) + 1;
            Fail(id, $"fencing of {a.Node} got no result in time");
            return;
        }
        if (a.Resource is null || a.Node is null || !t.TimeoutRecorded.Add(id))
        {
            Fail(id, $"{a.Task} {a.Resource} on {a.Node} got no result in time, and the timeout was not recorded back either");
            return;
        }
        _log.LogWarning("Transition {Id}: {Task} {Resource} on {Node} got no result in time", t.Record.Id, a.Task, a.Resource, a.Node);
        t.Deadlines[id] = _time.GetUtcNow() + _options.ClusterDelayValue;
        var request = RequestFor(t.Key(id), a);
        _publisher.Publish(new OperationResultRecorded(a.Node, a.Resource, request.Resource.Class.ToWire(), request.Resource.Provider,
            request.Resource.Type, request.Operation, request.Interval, (int)OcfExitCode.GenericError, 2, request.ExpectedRc,
            _time.GetUtcNow(), (long)(request.Timeout + _options.ClusterDelayValue).TotalMilliseconds,
            "the DC received no result in time", t.Key(id), null,
            request.Operation == OperationNames.Start && _config!.Properties.StartFailureIsFatal ? Score.InfinityValue : 1));
    }

    /// <summary>Actions in flight on nodes that left will never report: they are lost (failed).</summary>
    private void LoseActionsOnDepartedNodes()
    {
        foreach (var (id, a) in _active!.Actions)
            if (_active.States[id] == ActionState.InFlight && a.Kind != ActionKind.Fence && a.Node is not null && !_members.Contains(a.Node))
                Fail(id, $"{a.Task} {a.Resource} on {a.Node} was lost: the node left");
    }

    private void Finish()
    {
        var t = _active!;
        var outcome = t.AbortReason is not null || t.Failed ? TransitionOutcome.Aborted : TransitionOutcome.Complete;
        Replace(t.Record, t.Record with { Outcome = outcome, AbortReason = t.AbortReason });
        _log.LogInformation("Transition {Id} {Outcome}", t.Record.Id, outcome);
        _active = null;
    }

    private void Abandon()
    {
        if (_active is not null)
        {
            Replace(_active.Record, _active.Record with { Outcome = TransitionOutcome.Abandoned, AbortReason = "no longer DC" });
            _active = null;
        }
        _pendingTrigger = null;
        _nextRecheck = null;
    }

    private void Replace(TransitionRecord old, TransitionRecord updated)
    {
        for (var node = _history.Last; node is not null; node = node.Previous)
            if (node.Value.Id == old.Id) { node.Value = updated; return; }
    }
}
