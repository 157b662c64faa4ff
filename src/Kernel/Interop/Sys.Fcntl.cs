using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

internal static partial class Sys
{
    private const int F_DUPFD_CLOEXEC = 1030;

    /// <summary><c>fcntl(fd, F_DUPFD_CLOEXEC, lowest)</c>: a close-on-exec duplicate numbered at least <paramref name="lowest"/>.</summary>
    public static int DuplicateAtLeast(int fd, int lowest, out Errno errno)
    {
        var result = Fcntl(fd, F_DUPFD_CLOEXEC, lowest);
        errno = result < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        return result;
    }

    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
