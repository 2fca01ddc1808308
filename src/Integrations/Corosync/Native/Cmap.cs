using System.Runtime.InteropServices;

namespace HaApi.Integrations.Corosync.Native;

internal static unsafe partial class Cmap
{
    public const string Library = "libcmap.so.4";

    [LibraryImport(Library, EntryPoint = "cmap_initialize")]
    public static partial CsError Initialize(ulong* handle);

    [LibraryImport(Library, EntryPoint = "cmap_finalize")]
    public static partial CsError Finalize(ulong handle);

    /// <summary>*value is malloc()ed by libcmap; release it with NativeMemory.Free (C free()).</summary>
    [LibraryImport(Library, EntryPoint = "cmap_get_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial CsError GetString(ulong handle, string key, byte** value);

    [LibraryImport(Library, EntryPoint = "cmap_get_uint32", StringMarshalling = StringMarshalling.Utf8)]
    public static partial CsError GetUInt32(ulong handle, string key, uint* value);

    public static string? GetStringOrNull(ulong handle, string key)
    {
        byte* value = null;
        if (GetString(handle, key, &value) != CsError.Ok || value == null)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8((nint)value);
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }

    public static uint? GetUInt32OrNull(ulong handle, string key)
    {
        uint value;
        return GetUInt32(handle, key, &value) == CsError.Ok ? value : null;
    }
}
