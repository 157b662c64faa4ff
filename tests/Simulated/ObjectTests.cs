namespace BpfMaps.Simulated.Tests;

/// <summary>
/// Simulator-only controls around map objects: ids live as long as the map, pins hold maps, the bpffs mounts, and the
/// CPU each command runs on (reference §10, §12).
/// </summary>
public sealed class ObjectTests
{
    private static readonly BpfMapSpec Spec = new(BpfMapType.Hash, 4, 4, 4);

    [Fact]
    public void IdsIncreaseAndAClosedMapsIdIsGone()
    {
        var backend = new SimulatedBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(Spec, out var first));
        Assert.Equal(Errno.None, backend.CreateMap(Spec, out var second));
        var firstId = Id(backend, first!);
        Assert.True(Id(backend, second!) > firstId);

        Assert.Equal(Errno.None, backend.OpenMapById(firstId, BpfOpenFlags.ReadOnly, out var again));
        first!.Dispose();
        Assert.Equal(firstId, Id(backend, again!));
        again!.Dispose();
        Assert.Equal(Errno.ENOENT, backend.OpenMapById(firstId, BpfOpenFlags.None, out var gone));
        Assert.Null(gone);
        second!.Dispose();
    }

    [Fact]
    public void APinHoldsTheMapUntilTheFileSystemIsUnmounted()
    {
        var backend = new SimulatedBpfMapBackend();
        var directory = Path.Combine(Path.GetTempPath(), $"bpfmaps-sim-test-{Guid.NewGuid():N}");
        backend.MountBpfFileSystem(directory);
        Assert.Equal(Errno.None, backend.CreateMap(Spec, out var map));
        var id = Id(backend, map!);
        Assert.Equal(Errno.None, backend.Pin(map!, Path.Combine(directory, "m")));
        map!.Dispose();

        Assert.Equal(Errno.None, backend.OpenMapById(id, BpfOpenFlags.None, out var byId));
        byId!.Dispose();
        Assert.True(backend.UnmountBpfFileSystem(directory));
        Assert.False(backend.UnmountBpfFileSystem(directory));
        Assert.Equal(Errno.ENOENT, backend.OpenMapById(id, BpfOpenFlags.None, out _));
    }

    [Fact]
    public void MountsCannotOverlap()
    {
        var backend = new SimulatedBpfMapBackend();
        var directory = Path.Combine(Path.GetTempPath(), $"bpfmaps-sim-test-{Guid.NewGuid():N}");
        backend.MountBpfFileSystem(directory);
        Assert.Throws<InvalidOperationException>(() => backend.MountBpfFileSystem(directory));
        Assert.Throws<InvalidOperationException>(() => backend.MountBpfFileSystem(Path.Combine(directory, "below")));
        Assert.Throws<ArgumentException>(() => backend.MountBpfFileSystem(""));
    }

    [Fact]
    public void RunOnCpuChoosesThePossibleCpuUntilDisposed()
    {
        var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 3, DefaultCpu = 1 });
        Assert.Equal(1, backend.CurrentCpu);
        using (backend.RunOnCpu(2))
        {
            Assert.Equal(2, backend.CurrentCpu);
            using (backend.RunOnCpu(0))
            {
                Assert.Equal(0, backend.CurrentCpu);
            }

            Assert.Equal(2, backend.CurrentCpu);
        }

        Assert.Equal(1, backend.CurrentCpu);
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.RunOnCpu(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.RunOnCpu(-1));
    }

    [Fact]
    public void TheDefaultCpuMustBeAPossibleCpu()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedBpfBackendOptions { DefaultCpu = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 2, DefaultCpu = 2 }));
    }

    [Fact]
    public void WithPerCpuListsEachCpuEvictsOnlyItsOwnKeys()
    {
        // §12.2: max 16 on 2 CPUs gives each CPU 8 nodes; CPU 1's evictions leave CPU 0's keys alone.
        var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 2 });
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.LruHash, 4, 4, 16) { Flags = BpfMapFlags.NoCommonLru }, out var map));
        using (map)
        {
            for (var i = 0u; i < 8; i++)
            {
                Assert.Equal(Errno.None, backend.Update(map!, BitConverter.GetBytes(i), new byte[4]));
            }

            using (backend.RunOnCpu(1))
            {
                for (var i = 100u; i < 109; i++)
                {
                    Assert.Equal(Errno.None, backend.Update(map!, BitConverter.GetBytes(i), new byte[4]));
                }
            }

            for (var i = 0u; i < 8; i++)
            {
                Assert.Equal(Errno.None, backend.Lookup(map!, BitConverter.GetBytes(i), new byte[4]));
            }

            Assert.Equal(Errno.ENOENT, backend.Lookup(map!, BitConverter.GetBytes(100u), new byte[4]));
            Assert.Equal(Errno.None, backend.Lookup(map!, BitConverter.GetBytes(104u), new byte[4]));
        }
    }

    private static uint Id(SimulatedBpfMapBackend backend, BpfMapHandle map)
    {
        Assert.Equal(Errno.None, backend.GetMapInfo(map, out var info));
        return info!.Id;
    }
}
