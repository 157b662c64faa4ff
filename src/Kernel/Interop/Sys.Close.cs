using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

internal static partial class Sys
{
    /// <summary><c>close(fd)</c>.</summary>
    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
