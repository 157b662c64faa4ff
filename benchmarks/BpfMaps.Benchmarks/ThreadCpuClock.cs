using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace BpfMaps.Benchmarks;

/// <summary>
/// The benchmark thread's CPU time, user and system (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), in ns. Time the
/// thread spends waiting for a CPU that other processes hold does not count, so the figures of a busy machine
/// measure the operations rather than the other load; work the kernel defers to other threads does not count
/// either, for any path.
/// </summary>
internal sealed unsafe partial class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static ThreadCpuClock Instance { get; } = new();

    public string Title => "Thread CPU time (CLOCK_THREAD_CPUTIME_ID)";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.FromHz(1_000_000_000);

    public long GetTimestamp()
    {
        Timespec time;
        if (ClockGetTime(ClockThreadCpuTimeId, &time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [LibraryImport("libc.so.6", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, Timespec* time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
