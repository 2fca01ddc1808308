using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>
/// What the history says about a primitive on each node where it is active: the history that showed it active and
/// the start (or migration) that made it so. Nearly every resource is active on one node at most, so the first node's
/// entry is held inline and only further nodes take a list: a dictionary and a list per running primitive were most
/// of what reading the history allocated, and all of it lives until the run ends.
/// A struct in its primitive's field, reached by reference; never copied while it may change.
/// </summary>
internal struct ActiveRecords
{
    private Entry first;
    private List<Entry>? more;

    private struct Entry
    {
        public NodeInfo? Node;
        public ResourceHistory? History;
        public OperationRecord? Start;
    }

    /// <summary>Notes the history that shows the resource active on the node; the first one noted stays.</summary>
    public void NoteHistory(NodeInfo node, ResourceHistory history)
    {
        ref var entry = ref EntryFor(node);
        entry.History ??= history;
    }

    /// <summary>The start that made the resource active on the node; a later one replaces it.</summary>
    public void SetStart(NodeInfo node, OperationRecord start) => EntryFor(node).Start = start;

    public readonly ResourceHistory? History(NodeInfo node)
    {
        if (first.Node == node) return first.History;
        if (more is not null)
            foreach (var e in more)
                if (e.Node == node) return e.History;
        return null;
    }

    /// <summary>The start that made the resource active on the node, if the history recorded one.</summary>
    public readonly bool TryGetValue(NodeInfo node, out OperationRecord start)
    {
        OperationRecord? found = null;
        if (first.Node == node) found = first.Start;
        else if (more is not null)
            foreach (var e in more)
                if (e.Node == node) found = e.Start;
        start = found!;
        return found is not null;
    }

    [UnscopedRef]
    private ref Entry EntryFor(NodeInfo node)
    {
        if (first.Node is null) first.Node = node;
        if (first.Node == node) return ref first;
        more ??= new(1);
        var entries = CollectionsMarshal.AsSpan(more);
        for (var i = 0; i < entries.Length; i++)
            if (entries[i].Node == node) return ref entries[i];
        more.Add(new Entry { Node = node });
        return ref CollectionsMarshal.AsSpan(more)[^1];
    }
}
