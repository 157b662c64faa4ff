using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

internal static partial class Sys
{
    /// <summary><c>sched_getaffinity(0, size, mask)</c>: the calling thread's CPU mask.</summary>
    [LibraryImport(LibC, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint size, [Out] byte[] mask);

    /// <summary><c>sched_setaffinity(0, size, mask)</c>: restricts the calling thread to the CPUs of the mask.</summary>
    [LibraryImport(LibC, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint size, byte[] mask);

    /// <summary><c>sched_getcpu()</c>: the CPU the calling thread runs on now.</summary>
    [LibraryImport(LibC, EntryPoint = "sched_getcpu")]
    public static partial int SchedGetCpu();
}
