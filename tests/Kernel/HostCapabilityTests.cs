using System.Runtime.InteropServices;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// The host capabilities the kernel conformance leaf gives its cases: pinning the calling thread to one CPU, and a
/// bpffs mounted in a temporary folder that disappears with its pins.
/// </summary>
public sealed partial class HostCapabilityTests
{
    [Fact]
    public void PinningKeepsTheThreadOnTheCpuAndRestoresItsAffinity()
    {
        KernelAvailability.EnsureOrSkip();
        var pinning = new ThreadCpuPinning();
        for (var cpu = 0; cpu < PossibleCpus.Read(); cpu++)
        {
            using (pinning.PinCurrentThread(cpu))
            {
                for (var i = 0; i < 100; i++)
                {
                    Assert.Equal(cpu, SchedGetCpu());
                    Thread.Yield();
                }
            }
        }
    }

    [Fact]
    public void ABpfFileSystemHoldsPinsUntilItIsDisposed()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map));
        uint id;
        string directory;
        using (map)
        {
            Assert.Equal(Errno.None, backend.GetMapInfo(map!, out var info));
            id = info!.Id;
            using var fileSystem = new KernelBpfFileSystem();
            directory = fileSystem.BpfDirectory;
            Assert.True(Directory.Exists(fileSystem.OtherDirectory));
            Assert.Equal(Errno.None, backend.Pin(map!, Path.Combine(directory, "m")));
            Assert.Equal(Errno.EPERM, backend.Pin(map!, Path.Combine(fileSystem.OtherDirectory, "m")));
        }

        // Unmounted and closed: the pin is gone with the file system, and the map with it once the bpffs inode is
        // freed, an RCU grace period later.
        Assert.False(Directory.Exists(directory));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Errno errno;
        while ((errno = backend.OpenMapById(id, BpfOpenFlags.None, out var still)) == Errno.None && DateTime.UtcNow < deadline)
        {
            still!.Dispose();
            Thread.Sleep(10);
        }

        Assert.Equal(Errno.ENOENT, errno);
    }

    [LibraryImport("libc.so.6", EntryPoint = "sched_getcpu")]
    private static partial int SchedGetCpu();
}
