using System.Runtime.InteropServices;

namespace BpfMaps.Lockstep;

/// <summary>
/// Pins the calling thread to one CPU with <c>sched_setaffinity</c>, so that every syscall it makes runs on that CPU:
/// the case in which the kernel's LRU eviction is deterministic and matches the simulator's one-CPU model exactly
/// (reference §12.1). Dispose to restore the thread's previous affinity.
/// </summary>
public sealed partial class CpuAffinity : IDisposable
{
    // cpu_set_t of glibc: 1024 bits.
    private const int MaskBytes = 128;

    private readonly byte[] _previous;
    private bool _restored;

    private CpuAffinity(int cpu, byte[] previous)
    {
        Cpu = cpu;
        _previous = previous;
    }

    /// <summary>The CPU the thread is pinned to.</summary>
    public int Cpu { get; }

    /// <summary>
    /// Pins the calling thread to the CPU it is running on (or, failing that, the first it may run on). Returns
    /// null with the reason when the platform cannot pin a thread.
    /// </summary>
    public static CpuAffinity? PinCurrentThread(out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "sched_setaffinity is Linux-only";
            return null;
        }

        var previous = new byte[MaskBytes];
        if (SchedGetAffinity(0, MaskBytes, previous) != 0)
        {
            reason = $"sched_getaffinity failed with errno {Marshal.GetLastPInvokeError()}";
            return null;
        }

        var cpu = SchedGetCpu();
        if (cpu < 0 || cpu >= MaskBytes * 8 || (previous[cpu / 8] & (1 << (cpu % 8))) == 0)
        {
            cpu = Array.FindIndex(Enumerable.Range(0, MaskBytes * 8).ToArray(), c => (previous[c / 8] & (1 << (c % 8))) != 0);
        }

        var mask = new byte[MaskBytes];
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        if (SchedSetAffinity(0, MaskBytes, mask) != 0)
        {
            reason = $"sched_setaffinity failed with errno {Marshal.GetLastPInvokeError()}";
            return null;
        }

        reason = $"pinned to CPU {cpu}";
        return new CpuAffinity(cpu, previous);
    }

    /// <summary>Restores the affinity the thread had before; call it on the pinned thread.</summary>
    public void Dispose()
    {
        if (!_restored)
        {
            _restored = true;
            _ = SchedSetAffinity(0, MaskBytes, _previous);
        }
    }

    // pid 0: the calling thread.
    [LibraryImport("libc.so.6", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, byte[] mask);

    [LibraryImport("libc.so.6", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, [Out] byte[] mask);

    [LibraryImport("libc.so.6", EntryPoint = "sched_getcpu")]
    private static partial int SchedGetCpu();
}
