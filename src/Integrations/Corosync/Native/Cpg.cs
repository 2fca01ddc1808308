using System.Runtime.InteropServices;
using System.Text;

namespace HaApi.Integrations.Corosync.Native;

internal enum CpgGuarantee
{
    Unordered = 0,
    Fifo = 1,
    Agreed = 2,
    Safe = 3,
}

internal enum CpgReason : uint
{
    Undefined = 0,
    Join = 1,
    Leave = 2,
    NodeDown = 3,
    NodeUp = 4,
    ProcDown = 5,
}

/// <summary>struct cpg_name: 132 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CpgName
{
    public const int MaxLength = 128;
    public uint Length;
    public fixed byte Value[MaxLength];

    public static CpgName From(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        if (bytes.Length is 0 or > MaxLength)
            throw new ArgumentException($"CPG group name must be 1..{MaxLength} ASCII bytes: '{name}'", nameof(name));
        var result = new CpgName { Length = (uint)bytes.Length };
        for (var i = 0; i < bytes.Length; i++)
            result.Value[i] = bytes[i];
        return result;
    }
}

/// <summary>struct cpg_address: 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CpgAddress
{
    public uint NodeId;
    public uint Pid;
    public CpgReason Reason;
}

/// <summary>struct cpg_ring_id: 16 bytes, seq at offset 8. Passed BY VALUE to the totem confchg callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CpgRingId
{
    public uint NodeId;
    public ulong Seq;
}

/// <summary>struct iovec: 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}

/// <summary>cpg_model_v1_data_t: 40 bytes (model@0, deliver@8, confchg@16, totem_confchg@24, flags@32).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CpgModelV1Data
{
    public const int ModelV1 = 1;
    public const uint DeliverInitialTotemConf = 0x01;

    public int Model;
    public delegate* unmanaged[Cdecl]<ulong, CpgName*, uint, uint, void*, nuint, void> DeliverFn;
    public delegate* unmanaged[Cdecl]<ulong, CpgName*, CpgAddress*, nuint, CpgAddress*, nuint, CpgAddress*, nuint, void> ConfchgFn;
    public delegate* unmanaged[Cdecl]<ulong, CpgRingId, uint, uint*, void> TotemConfchgFn;
    public uint Flags;
}

internal static unsafe partial class Cpg
{
    public const string Library = "libcpg.so.4";

    [LibraryImport(Library, EntryPoint = "cpg_model_initialize")]
    public static partial CsError ModelInitialize(ulong* handle, int model, CpgModelV1Data* modelData, void* context);

    [LibraryImport(Library, EntryPoint = "cpg_finalize")]
    public static partial CsError Finalize(ulong handle);

    [LibraryImport(Library, EntryPoint = "cpg_fd_get")]
    public static partial CsError FdGet(ulong handle, int* fd);

    [LibraryImport(Library, EntryPoint = "cpg_max_atomic_msgsize_get")]
    public static partial CsError MaxAtomicMsgSizeGet(ulong handle, uint* size);

    [LibraryImport(Library, EntryPoint = "cpg_dispatch")]
    public static partial CsError Dispatch(ulong handle, CsDispatch flags);

    [LibraryImport(Library, EntryPoint = "cpg_join")]
    public static partial CsError Join(ulong handle, CpgName* group);

    [LibraryImport(Library, EntryPoint = "cpg_leave")]
    public static partial CsError Leave(ulong handle, CpgName* group);

    /// <summary>iovLength must stay below 64: libcpg copies the vector into a fixed stack array unchecked.</summary>
    [LibraryImport(Library, EntryPoint = "cpg_mcast_joined")]
    public static partial CsError McastJoined(ulong handle, CpgGuarantee guarantee, IoVec* iov, uint iovLength);

    [LibraryImport(Library, EntryPoint = "cpg_local_get")]
    public static partial CsError LocalGet(ulong handle, uint* localNodeId);
}
