using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HaApi.Integrations.Persistence;

/// <summary>fsync of a directory, so a rename inside it survives power loss, and fdatasync of a file (FileStream's
/// flush-to-disk is a full fsync). .NET has no API for either. HaApi runs on Linux; elsewhere both do nothing.</summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdatasyncFd(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long bytes, uint flags);

    // SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER
    private const uint WriteAndWait = 1 | 2 | 4;

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (FsyncFd(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>Writes the file's dirty pages to the disk and waits for them: no metadata commit and no cache flush (so
    /// no durability; a sync still has to follow). Called after each piece of a large write, it keeps the disk queue
    /// that a concurrent journal sync waits behind short.</summary>
    public static void WriteBack(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (SyncFileRange(file, 0, 0, WriteAndWait) != 0) throw new IOException($"sync_file_range failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Waits until the file's data (and the size needed to read it back) is on stable storage.</summary>
    public static void DataSync(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (FdatasyncFd(file) != 0) throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
    }
}
