namespace BpfMaps.Simulated.Tests;

/// <summary>Handles are descriptors: the map lives while one is open, and each has its own access mode (reference §10).</summary>
public sealed class HandleTests
{
    private static readonly byte[] Key = [1, 0, 0, 0];

    [Fact]
    public void DisposingTheHandleClosesIt()
    {
        var backend = new SimulatedBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4), out var map));
        Assert.False(map!.IsClosed);
        map.Dispose();
        Assert.True(map.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => backend.Lookup(map, Key, new byte[4]));
    }

    [Fact]
    public void AnotherHandleKeepsTheMapAliveAndHasItsOwnAccess()
    {
        var backend = new SimulatedBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4) { Flags = BpfMapFlags.ReadOnly }, out var readOnly));
        Assert.Equal(Errno.EPERM, backend.Update(readOnly!, Key, new byte[4]));

        // §3.2: a descriptor opened by id with open_flags 0 can write even to a map created read-only.
        Assert.Equal(Errno.None, backend.GetMapInfo(readOnly!, out var info));
        Assert.Equal(Errno.None, backend.OpenMapById(info!.Id, BpfOpenFlags.None, out var readWrite));
        using var _ = readWrite;
        Assert.Equal(Errno.None, backend.Update(readWrite!, Key, [9, 9, 9, 9]));
        readOnly!.Dispose();

        var value = new byte[4];
        Assert.Equal(Errno.None, backend.Lookup(readWrite!, Key, value));
        Assert.Equal([9, 9, 9, 9], value);
    }

    [Fact]
    public void AFrozenMapRefusesWritesThroughEveryHandle()
    {
        var backend = new SimulatedBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 4), out var map));
        using (map)
        {
            Assert.Equal(Errno.None, backend.GetMapInfo(map!, out var info));
            Assert.Equal(Errno.None, backend.OpenMapById(info!.Id, BpfOpenFlags.WriteOnly, out var writeOnly));
            using var w = writeOnly;
            Assert.Equal(Errno.None, backend.Freeze(writeOnly!));
            Assert.Equal(Errno.None, backend.OpenMapById(info.Id, BpfOpenFlags.None, out var later));
            using var l = later;
            Assert.Equal(Errno.EPERM, backend.Update(later!, Key, new byte[4]));
            Assert.Equal(Errno.EPERM, backend.Freeze(map!));
            Assert.Equal(Errno.None, backend.Lookup(later!, Key, new byte[4]));
        }
    }
}
