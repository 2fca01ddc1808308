using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HaApi.Integrations.Corosync.Native;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// The C entry points corosync calls from inside *_dispatch. They are static (a function pointer needs no delegate
/// kept alive) and find their loop through a thread-static set by the dispatch thread, which is the only thread that
/// dispatches. An exception escaping here would kill the process, so each one is caught and ends the loop instead.
/// </summary>
internal sealed unsafe partial class DispatchLoop
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnDeliver(ulong handle, CpgName* group, uint nodeId, uint pid, void* message, nuint length)
    {
        var loop = t_current;
        try
        {
            loop?.Deliver(nodeId, pid, new ReadOnlySpan<byte>(message, checked((int)length)));
        }
        catch (Exception e)
        {
            loop?.Fail(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnConfchg(
        ulong handle, CpgName* group,
        CpgAddress* members, nuint memberCount,
        CpgAddress* left, nuint leftCount,
        CpgAddress* joined, nuint joinedCount)
    {
        var loop = t_current;
        try
        {
            loop?.Confchg(
                new ReadOnlySpan<CpgAddress>(members, checked((int)memberCount)),
                new ReadOnlySpan<CpgAddress>(left, checked((int)leftCount)),
                new ReadOnlySpan<CpgAddress>(joined, checked((int)joinedCount)));
        }
        catch (Exception e)
        {
            loop?.Fail(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnTotemConfchg(ulong handle, CpgRingId ringId, uint memberCount, uint* members)
    {
        var loop = t_current;
        try
        {
            loop?.TotemConfchg(ringId.Seq);
        }
        catch (Exception e)
        {
            loop?.Fail(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnQuorum(ulong handle, ulong context, uint quorate, uint nodeCount, VotequorumNode* nodes)
    {
        var loop = t_current;
        try
        {
            loop?.QuorumNotification(quorate != 0, new ReadOnlySpan<VotequorumNode>(nodes, checked((int)nodeCount)));
        }
        catch (Exception e)
        {
            loop?.Fail(e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnExpectedVotes(ulong handle, ulong context, uint expectedVotes)
    {
        // The quorum notification that accompanies every change already triggers a getinfo with the new value.
        var loop = t_current;
        if (loop is not null)
            loop._quorumChanged = true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void OnNodelist(ulong handle, ulong context, VotequorumRingId ringId, uint nodeCount, uint* nodes)
    {
        // Membership comes from CPG (per process) and the quorum notification (per node); the ring id says which ring
        // the quorum notification that follows belongs to.
        var loop = t_current;
        try
        {
            loop?.QuorumRing(ringId.Seq);
        }
        catch (Exception e)
        {
            loop?.Fail(e);
        }
    }
}
