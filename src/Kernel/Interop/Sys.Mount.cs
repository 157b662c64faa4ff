using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

internal static partial class Sys
{
    /// <summary><c>umount2</c> flag: detach now, finish when the last user is gone.</summary>
    public const int MNT_DETACH = 2;

    /// <summary><c>mount("bpf", target, "bpf", 0, NULL)</c>: a BPF file system at <paramref name="target"/>.</summary>
    public static Errno MountBpfFileSystem(string target) =>
        Mount("bpf", target, "bpf", 0, null) == 0 ? Errno.None : (Errno)Marshal.GetLastPInvokeError();

    /// <summary><c>umount2(target, flags)</c>.</summary>
    public static Errno Unmount(string target, int flags) =>
        Umount2(target, flags) == 0 ? Errno.None : (Errno)Marshal.GetLastPInvokeError();

    [LibraryImport(LibC, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    [LibraryImport(LibC, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}
