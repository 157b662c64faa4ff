using System.Runtime.InteropServices;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

/// <summary>
/// Pins the calling thread to one CPU. The kernel runs a syscall on the CPU of the calling thread, and LRU maps keep
/// their free lists per CPU, so eviction is deterministic only for a pinned thread (reference §12.1).
/// </summary>
public static class CpuAffinity
{
    // glibc's cpu_set_t: 1024 bits.
    private const int MaskBytes = 128;

    /// <summary>The CPU the calling thread runs on now.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public static int CurrentCpu()
    {
        PlatformCheck();
        return Sys.SchedGetCpu();
    }

    /// <summary>
    /// Pins the calling thread to <paramref name="cpu"/> until the returned scope is disposed, which restores the
    /// thread's previous affinity. Dispose it on the same thread.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="InvalidOperationException">The kernel refused (for example, a CPU the process may not use).</exception>
    public static IDisposable PinCurrentThread(int cpu)
    {
        PlatformCheck();
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskBytes * 8);
        var previous = new byte[MaskBytes];
        Check(Sys.SchedGetAffinity(0, MaskBytes, previous), "sched_getaffinity");
        var mask = new byte[MaskBytes];
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        Check(Sys.SchedSetAffinity(0, MaskBytes, mask), $"sched_setaffinity to CPU {cpu}");
        return new Scope(previous);
    }

    private static void PlatformCheck()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Pinning a thread to a CPU needs Linux (sched_setaffinity).");
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call} failed: {(Errno)Marshal.GetLastPInvokeError()}.");
        }
    }

    private sealed class Scope(byte[] previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Check(Sys.SchedSetAffinity(0, MaskBytes, previous), "sched_setaffinity back");
            }
        }
    }
}
