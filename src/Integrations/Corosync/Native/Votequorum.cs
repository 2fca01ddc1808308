using System.Runtime.InteropServices;

namespace HaApi.Integrations.Corosync.Native;

/// <summary>struct votequorum_info: 292 bytes (flags@28, qdevice_name@36).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VotequorumInfo
{
    public const int QdeviceNameLength = 255;

    public uint NodeId;
    public uint NodeState;
    public uint NodeVotes;
    public uint NodeExpectedVotes;
    public uint HighestExpected;
    public uint TotalVotes;
    public uint Quorum;
    public uint Flags;
    public uint QdeviceVotes;
    public fixed byte QdeviceName[QdeviceNameLength];
}

internal static class VotequorumFlags
{
    public const uint TwoNode = 1;
    public const uint Quorate = 2;
    public const uint WaitForAll = 4;
    public const uint LastManStanding = 8;
    public const uint AutoTieBreaker = 16;
    public const uint AllowDownscale = 32;
    public const uint QdeviceRegistered = 64;
    public const uint QdeviceAlive = 128;
    public const uint QdeviceCastVote = 256;
    public const uint QdeviceMasterWins = 512;

    public const uint NodeStateMember = 1;
}

/// <summary>votequorum_node_t: 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VotequorumNode
{
    public uint NodeId;
    public uint State;
}

/// <summary>votequorum_ring_id_t: 16 bytes, passed BY VALUE to the nodelist callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VotequorumRingId
{
    public uint NodeId;
    public ulong Seq;
}

/// <summary>votequorum_callbacks_t: 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VotequorumCallbacks
{
    public delegate* unmanaged[Cdecl]<ulong, ulong, uint, uint, VotequorumNode*, void> QuorumNotifyFn;
    public delegate* unmanaged[Cdecl]<ulong, ulong, uint, void> ExpectedVotesNotifyFn;
    public delegate* unmanaged[Cdecl]<ulong, ulong, VotequorumRingId, uint, uint*, void> NodelistNotifyFn;
}

internal static unsafe partial class Votequorum
{
    public const string Library = "libvotequorum.so.8";

    /// <summary>nodeId 0 asks about the local node.</summary>
    public const uint LocalNode = 0;

    [LibraryImport(Library, EntryPoint = "votequorum_initialize")]
    public static partial CsError Initialize(ulong* handle, VotequorumCallbacks* callbacks);

    [LibraryImport(Library, EntryPoint = "votequorum_finalize")]
    public static partial CsError Finalize(ulong handle);

    [LibraryImport(Library, EntryPoint = "votequorum_fd_get")]
    public static partial CsError FdGet(ulong handle, int* fd);

    [LibraryImport(Library, EntryPoint = "votequorum_dispatch")]
    public static partial CsError Dispatch(ulong handle, CsDispatch flags);

    [LibraryImport(Library, EntryPoint = "votequorum_getinfo")]
    public static partial CsError GetInfo(ulong handle, uint nodeId, VotequorumInfo* info);

    [LibraryImport(Library, EntryPoint = "votequorum_trackstart")]
    public static partial CsError TrackStart(ulong handle, ulong context, uint flags);
}
