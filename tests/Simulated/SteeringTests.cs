using System.Buffers.Binary;

namespace BpfMaps.Simulated.Tests;

/// <summary>
/// The simulator's steering: writes as a BPF program on one CPU, injected faults, call counts per command, and dumps
/// of a map's contents.
/// </summary>
public sealed class SteeringTests
{
    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static SimulatedBpfMapBackend Backend(int cpus = 3) => new(new SimulatedBpfBackendOptions { PossibleCpuCount = cpus });

    private static BpfMapHandle Create(SimulatedBpfMapBackend backend, BpfMapSpec spec)
    {
        Assert.Equal(Errno.None, backend.CreateMap(spec, out var map));
        return map!;
    }

    [Theory]
    [InlineData(BpfMapType.PerCpuHash)]
    [InlineData(BpfMapType.LruPerCpuHash)]
    [InlineData(BpfMapType.PerCpuArray)]
    public void AProgramWritesOnlyItsCpusSlotOfAPerCpuValue(BpfMapType type)
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(type, 4, 4, 8));
        var slot = (int)map.Layout.PerCpuSlotSize;

        // A new element: this CPU's slot, zeros in the others.
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(1), U32(0xAAAAAAAA), cpu: 1));
        var value = new byte[map.Layout.ValueSize];
        Assert.Equal(Errno.None, backend.Lookup(map, U32(1), value));
        Assert.Equal(new byte[slot], value[..slot]);
        Assert.Equal(U32(0xAAAAAAAA), value[slot..(slot + 4)]);
        Assert.Equal(new byte[slot], value[(2 * slot)..]);

        // An existing element: the other CPUs keep their values.
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(1), U32(0xBBBBBBBB), cpu: 2));
        Assert.Equal(Errno.None, backend.Lookup(map, U32(1), value));
        Assert.Equal(U32(0xAAAAAAAA), value[slot..(slot + 4)]);
        Assert.Equal(U32(0xBBBBBBBB), value[(2 * slot)..((2 * slot) + 4)]);
    }

    [Fact]
    public void AProgramWritesTheWholeValueOfAMapThatIsNotPerCpu()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(7), U32(42), cpu: 2));
        var value = new byte[4];
        Assert.Equal(Errno.None, backend.Lookup(map, U32(7), value));
        Assert.Equal(U32(42), value);
    }

    [Fact]
    public void AProgramGetsTheMapsErrnosButNotTheSyscallsPermissions()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 1));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(1), U32(1), cpu: 0));
        Assert.Equal(Errno.EEXIST, backend.WriteAsProgram(map, U32(1), U32(2), cpu: 0, BpfElementFlags.NoExist));
        Assert.Equal(Errno.ENOENT, backend.WriteAsProgram(map, U32(2), U32(2), cpu: 0, BpfElementFlags.Exist));
        Assert.Equal(Errno.E2BIG, backend.WriteAsProgram(map, U32(2), U32(2), cpu: 0));
        Assert.Equal(Errno.EINVAL, backend.WriteAsProgram(map, U32(1), U32(2), cpu: 0, BpfElementFlags.Lock));

        // A frozen map and a read-only handle refuse syscall writes only (§10).
        Assert.Equal(Errno.None, backend.Freeze(map));
        Assert.Equal(Errno.EPERM, backend.Update(map, U32(1), U32(3)));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(1), U32(3), cpu: 1));
        Assert.Equal(U32(3), backend.Dump(map).Single().Value);
    }

    [Fact]
    public void AProgramCannotWriteAMapReadOnlyToPrograms()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Array, 4, 4, 2) { Flags = BpfMapFlags.ReadOnlyProg });
        var ex = Assert.Throws<InvalidOperationException>(() => backend.WriteAsProgram(map, U32(0), U32(1), cpu: 0));
        Assert.Contains("BPF_F_RDONLY_PROG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProgramPushesIntoAQueue()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Queue, 0, 4, 2));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, [], U32(1), cpu: 0));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, [], U32(2), cpu: 1));
        Assert.Equal(Errno.E2BIG, backend.WriteAsProgram(map, [], U32(3), cpu: 1));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, [], U32(3), cpu: 1, BpfElementFlags.Exist));
        Assert.Equal([U32(2), U32(3)], backend.Dump(map).Select(e => e.Value));
        Assert.Throws<ArgumentException>(() => backend.WriteAsProgram(map, U32(0), U32(1), cpu: 0));
    }

    [Fact]
    public void ProgramWritesCheckTheirArguments()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.PerCpuHash, 4, 4, 2));
        Assert.Throws<ArgumentException>(() => backend.WriteAsProgram(map, U32(0).AsSpan(0, 3), U32(1), cpu: 0));
        Assert.Throws<ArgumentException>(() => backend.WriteAsProgram(map, U32(0), U32(1).AsSpan(0, 3), cpu: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.WriteAsProgram(map, U32(0), U32(1), cpu: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.WriteAsProgram(map, U32(0), U32(1), cpu: -1));
        Assert.Throws<ArgumentException>(() => Backend().WriteAsProgram(map, U32(0), U32(1), cpu: 0));
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.WriteAsProgram(map, U32(0), U32(1), cpu: 0));
    }

    [Fact]
    public void ProgramWritesOnAnLruMapUseTheirCpusFreeList()
    {
        // NO_COMMON_LRU: each CPU owns max_entries / CPUs nodes (§12). Two CPUs of one node each: a program on CPU 1
        // adds a key without evicting the one CPU 0 added, and a second key from CPU 0 evicts CPU 0's first key.
        var backend = Backend(cpus: 2);
        using var map = Create(backend, new BpfMapSpec(BpfMapType.LruHash, 4, 4, 2) { Flags = BpfMapFlags.NoCommonLru | BpfMapFlags.ZeroSeed });
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(1), U32(1), cpu: 0));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(2), U32(2), cpu: 1));
        Assert.Equal([1u, 2u], Keys(backend, map));
        Assert.Equal(Errno.None, backend.WriteAsProgram(map, U32(3), U32(3), cpu: 0));
        Assert.Equal([2u, 3u], Keys(backend, map));
    }

    [Fact]
    public void AnInjectedFaultFailsTheNextCallsWithoutTouchingTheMap()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        backend.InjectFault(BpfMapCommand.Update, Errno.ENOMEM, times: 2);
        Assert.Equal(2, backend.PendingFaults(BpfMapCommand.Update));
        Assert.Equal(Errno.ENOMEM, backend.Update(map, U32(1), U32(1)));
        Assert.Equal(Errno.ENOMEM, backend.Update(map, U32(1), U32(1)));
        Assert.Empty(backend.Dump(map));
        Assert.Equal(Errno.None, backend.Update(map, U32(1), U32(1)));
        Assert.Single(backend.Dump(map));

        // Other commands are not affected; a lookup's buffer is left as given.
        backend.InjectFault(BpfMapCommand.Lookup, Errno.EBUSY);
        var value = new byte[] { 9, 9, 9, 9 };
        Assert.Equal(Errno.ENOENT, backend.Delete(map, U32(2)));
        Assert.Equal(Errno.EBUSY, backend.Lookup(map, U32(1), value));
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, value);
        Assert.Equal(Errno.None, backend.Lookup(map, U32(1), value));
        Assert.Equal(U32(1), value);
    }

    [Fact]
    public void ArgumentChecksComeBeforeAnInjectedFault()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        backend.InjectFault(BpfMapCommand.Lookup, Errno.EIO);
        Assert.Throws<ArgumentException>(() => backend.Lookup(map, U32(1).AsSpan(0, 2), new byte[4]));
        Assert.Equal(1, backend.PendingFaults(BpfMapCommand.Lookup));
        Assert.Equal(0, backend.CallCount(BpfMapCommand.Lookup));
        Assert.Equal(Errno.EIO, backend.Lookup(map, U32(1), new byte[4]));
        Assert.Equal(0, backend.PendingFaults(BpfMapCommand.Lookup));
    }

    [Fact]
    public void FaultsQueueUpAndCanBeCleared()
    {
        var backend = Backend();
        backend.InjectFault(BpfMapCommand.CreateMap, Errno.EPERM);
        backend.InjectFault(BpfMapCommand.CreateMap, Errno.ENOMEM);
        var spec = new BpfMapSpec(BpfMapType.Array, 4, 4, 1);
        Assert.Equal(Errno.EPERM, backend.CreateMap(spec, out var none));
        Assert.Null(none);
        Assert.Equal(Errno.ENOMEM, backend.CreateMap(spec, out _));
        backend.InjectFault(BpfMapCommand.CreateMap, Errno.EPERM, times: 5);
        backend.ClearFaults();
        Assert.Equal(Errno.None, backend.CreateMap(spec, out var map));
        map!.Dispose();
    }

    [Fact]
    public void ABatchFaultLeavesTheCountAsGiven()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        backend.InjectFault(BpfMapCommand.UpdateBatch, Errno.EFAULT);
        var count = 2u;
        Assert.Equal(Errno.EFAULT, backend.UpdateBatch(map, new byte[8], new byte[8], ref count));
        Assert.Equal(2u, count);
        Assert.Empty(backend.Dump(map));
    }

    [Fact]
    public void ObjectCommandsTakeFaultsToo()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        backend.InjectFault(BpfMapCommand.GetMapInfo, Errno.EACCES);
        Assert.Equal(Errno.EACCES, backend.GetMapInfo(map, out var info));
        Assert.Null(info);
        backend.InjectFault(BpfMapCommand.OpenMapById, Errno.ENOENT);
        Assert.Equal(Errno.None, backend.GetMapInfo(map, out info));
        Assert.Equal(Errno.ENOENT, backend.OpenMapById(info!.Id, BpfOpenFlags.None, out var byId));
        Assert.Null(byId);
    }

    [Fact]
    public void InjectFaultChecksItsArguments()
    {
        var backend = Backend();
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.InjectFault(BpfMapCommand.Lookup, Errno.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.InjectFault(BpfMapCommand.Lookup, Errno.EIO, times: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.InjectFault((BpfMapCommand)5, Errno.EIO));
    }

    [Fact]
    public void CallsAreCountedPerCommand()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 8));
        backend.Update(map, U32(1), U32(1));
        backend.Update(map, U32(1), U32(1), BpfElementFlags.NoExist);
        backend.Lookup(map, U32(5), new byte[4]);
        backend.GetNextKey(map, [], new byte[4]);
        uint count = 8;
        backend.LookupBatch(map, [], new byte[4], new byte[32], new byte[32], ref count);
        backend.WriteAsProgram(map, U32(2), U32(2), cpu: 0);
        _ = backend.Dump(map);

        Assert.Equal(1, backend.CallCount(BpfMapCommand.CreateMap));
        Assert.Equal(2, backend.CallCount(BpfMapCommand.Update));
        Assert.Equal(1, backend.CallCount(BpfMapCommand.Lookup));
        Assert.Equal(1, backend.CallCount(BpfMapCommand.GetNextKey));
        Assert.Equal(1, backend.CallCount(BpfMapCommand.LookupBatch));
        Assert.Equal(0, backend.CallCount(BpfMapCommand.LookupAndDeleteBatch));
        var counts = backend.CallCounts;
        Assert.Equal(Enum.GetValues<BpfMapCommand>().Length, counts.Count);
        Assert.Equal(6, counts.Values.Sum());

        backend.ResetCallCounts();
        Assert.All(backend.CallCounts.Values, c => Assert.Equal(0, c));
    }

    [Fact]
    public void CountsAndFaultsHoldUnderConcurrentCalls()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Array, 4, 4, 4));
        backend.InjectFault(BpfMapCommand.Lookup, Errno.EAGAIN, times: 1000);
        var faults = 0;
        Parallel.For(0, 8, _ =>
        {
            var value = new byte[4];
            for (var i = 0; i < 1000; i++)
            {
                if (backend.Lookup(map, U32(0), value) == Errno.EAGAIN)
                {
                    Interlocked.Increment(ref faults);
                }
            }
        });

        Assert.Equal(1000, faults);
        Assert.Equal(8000, backend.CallCount(BpfMapCommand.Lookup));
        Assert.Equal(0, backend.PendingFaults(BpfMapCommand.Lookup));
    }

    [Fact]
    public void DumpListsTheElementsInIterationOrder()
    {
        var backend = Backend();
        using var hash = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 16) { Flags = BpfMapFlags.ZeroSeed });
        for (var k = 0u; k < 10; k++)
        {
            Assert.Equal(Errno.None, backend.Update(hash, U32(k), U32(k * 10)));
        }

        var walked = new List<uint>();
        var key = Array.Empty<byte>();
        var next = new byte[4];
        while (backend.GetNextKey(hash, key, next) == Errno.None)
        {
            walked.Add(BinaryPrimitives.ReadUInt32LittleEndian(next));
            key = next.ToArray();
        }

        var dump = backend.Dump(hash);
        Assert.Equal(walked, dump.Select(e => BinaryPrimitives.ReadUInt32LittleEndian(e.Key)));
        Assert.All(dump, e => Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(e.Key) * 10, BinaryPrimitives.ReadUInt32LittleEndian(e.Value)));

        using var array = Create(backend, new BpfMapSpec(BpfMapType.PerCpuArray, 4, 4, 3));
        backend.WriteAsProgram(array, U32(1), U32(5), cpu: 2);
        var entries = backend.Dump(array);
        Assert.Equal([0u, 1u, 2u], entries.Select(e => BinaryPrimitives.ReadUInt32LittleEndian(e.Key)));
        Assert.All(entries, e => Assert.Equal((int)array.Layout.ValueSize, e.Value.Length));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32LittleEndian(entries[1].Value.AsSpan(16)));

        using var stack = Create(backend, new BpfMapSpec(BpfMapType.Stack, 0, 4, 3));
        backend.Update(stack, [], U32(1));
        backend.Update(stack, [], U32(2));
        Assert.Equal([U32(2), U32(1)], backend.Dump(stack).Select(e => e.Value));
        Assert.All(backend.Dump(stack), e => Assert.Empty(e.Key));
    }

    [Fact]
    public void DumpReadsThroughAWriteOnlyHandleAndMarksNothing()
    {
        var backend = Backend();
        using var map = Create(backend, new BpfMapSpec(BpfMapType.Hash, 4, 4, 4) { Flags = BpfMapFlags.WriteOnly });
        Assert.Equal(Errno.None, backend.Update(map, U32(1), U32(2)));
        Assert.Equal(Errno.EPERM, backend.Lookup(map, U32(1), new byte[4]));
        backend.ResetCallCounts();
        Assert.Equal(U32(2), backend.Dump(map).Single().Value);
        Assert.All(backend.CallCounts.Values, c => Assert.Equal(0, c));
    }

    private static List<uint> Keys(SimulatedBpfMapBackend backend, BpfMapHandle map) =>
        [.. backend.Dump(map).Select(e => BinaryPrimitives.ReadUInt32LittleEndian(e.Key)).Order()];
}
