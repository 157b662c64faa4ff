using System.Runtime.InteropServices;
using BpfMaps.Conformance;

namespace BpfMaps.Testing;

/// <summary>
/// Pins the calling thread to one CPU with <c>sched_setaffinity</c>, restoring its previous affinity when the scope is
/// disposed. The kernel runs a syscall on the CPU of the calling thread, and LRU maps answer per CPU (reference §12.1).
/// </summary>
public sealed partial class ThreadCpuPinning : ICpuPinning
{
    // cpu_set_t: 1024 bits.
    private const int MaskWords = 16;

    /// <inheritdoc />
    public IDisposable PinCurrentThread(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskWords * 64);
        var previous = new ulong[MaskWords];
        Check(SchedGetAffinity(0, MaskWords * sizeof(ulong), previous), "sched_getaffinity");
        var mask = new ulong[MaskWords];
        mask[cpu / 64] = 1UL << (cpu % 64);
        Check(SchedSetAffinity(0, MaskWords * sizeof(ulong), mask), $"sched_setaffinity to CPU {cpu}");
        return new Scope(previous);
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    // pid 0: the calling thread.
    [LibraryImport("libc.so.6", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong[] mask);

    [LibraryImport("libc.so.6", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, [Out] ulong[] mask);

    private sealed class Scope(ulong[] previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Check(SchedSetAffinity(0, MaskWords * sizeof(ulong), previous), "sched_setaffinity back");
            }
        }
    }
}
