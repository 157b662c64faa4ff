namespace BpfMaps.Typed.Tests;

/// <summary>Element commands, opening and errors of every typed map, with the same assertions on both backends.</summary>
public abstract class TypedMapTests : BackendTests
{
    [Fact]
    public void HashMapTryMethodsReportExpectedOutcomesAsValues()
    {
        using var map = new BpfHashMap<FlowKey, ulong>(Backend, 8, name: "flows");
        var key = new FlowKey(0x0a000001, 443, 6);

        Assert.False(map.TryLookup(key, out _));
        Assert.True(map.TryAdd(key, 1));
        Assert.False(map.TryAdd(key, 2));
        Assert.True(map.TryLookup(key, out var value));
        Assert.Equal(1UL, value);
        Assert.True(map.TryReplace(key, 3));
        Assert.False(map.TryReplace(key with { Port = 80 }, 4));
        Assert.Equal(3UL, map.Lookup(key));
        map.Update(key, 5);
        Assert.True(map.TryLookupAndDelete(key, out value));
        Assert.Equal(5UL, value);
        Assert.False(map.TryLookupAndDelete(key, out _));
        Assert.False(map.TryDelete(key));
        map.Update(key, 6);
        Assert.True(map.TryDelete(key));
        Assert.False(map.TryLookup(key, out _));
    }

    [Fact]
    public void AFullHashMapThrowsTheMapIsFull()
    {
        using var map = new BpfHashMap<uint, uint>(Backend, 2, name: "small");
        map.Update(1, 1);
        map.Update(2, 2);
        map.Update(2, 20);

        var ex = Assert.Throws<BpfException>(() => map.Update(3, 3));
        Assert.Equal(Errno.E2BIG, ex.Errno);
        Assert.Equal(BpfMapCommand.Update, ex.Command);
        Assert.Same(map.Spec, ex.Map);
        Assert.Equal("BPF_MAP_UPDATE_ELEM on HASH map \"small\" (key 4 B, value 4 B, max_entries 2) failed: the map is full (E2BIG, errno 7).", ex.Message);

        // TryAdd reports only an existing key as false; a full map is not that.
        Assert.Equal(Errno.E2BIG, Assert.Throws<BpfException>(() => map.TryAdd(3, 3)).Errno);
    }

    [Fact]
    public void LookupOfAMissingKeyThrowsNoSuchKey()
    {
        using var map = new BpfHashMap<uint, uint>(Backend, 2);
        var ex = Assert.Throws<BpfException>(() => map.Lookup(7));
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.Equal(BpfMapCommand.Lookup, ex.Command);
        Assert.Contains("failed: no such key (ENOENT, errno 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnLruMapEvictsInsteadOfFailing()
    {
        using var map = new BpfLruHashMap<uint, ulong>(Backend, 8);
        for (var key = 0u; key < 64; key++)
        {
            map.Update(key, key * 10);
            Assert.Equal(key * 10, map.Lookup(key));
        }

        using var reader = map.Read();
        var count = reader.Count();
        Assert.InRange(count, 1, 8);
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
    }

    [Fact]
    public void PerCpuHashValuesRoundTripOnEveryCpuWithThePaddedStride()
    {
        using var map = new BpfPerCpuHashMap<uint, Counters>(Backend, 4);
        Assert.Equal(Backend.PossibleCpuCount, map.PossibleCpuCount);
        var written = PerCpuValues(cpu => new Counters((uint)cpu, (uint)(100 + cpu), (uint)(200 + cpu)));
        map.Update(1, written);

        var read = new Counters[map.PossibleCpuCount];
        Assert.True(map.TryLookup(1, read));
        Assert.Equal(written, read);
        Assert.False(map.TryAdd(1, written));
        Assert.False(map.TryReplace(2, written));
        Assert.False(map.TryLookup(2, read));

        var taken = new Counters[map.PossibleCpuCount];
        Assert.True(map.TryLookupAndDelete(1, taken));
        Assert.Equal(written, taken);
        Assert.False(map.TryDelete(1));
    }

    [Fact]
    public void PerCpuValuesOfEightByteMultiplesAreUsedInPlace()
    {
        using var map = new BpfLruPerCpuHashMap<ulong, ulong>(Backend, 4);
        var written = PerCpuValues(cpu => (ulong)cpu << 40);
        Assert.True(map.TryAdd(9, written));
        var read = new ulong[map.PossibleCpuCount];
        map.Lookup(9, read);
        Assert.Equal(written, read);
    }

    [Fact]
    public void APerCpuSpanOfTheWrongLengthIsAnArgumentError()
    {
        using var map = new BpfPerCpuHashMap<uint, uint>(Backend, 4);
        var tooShort = new uint[map.PossibleCpuCount - 1];
        var ex = Assert.Throws<ArgumentException>(() => map.Update(1, tooShort));
        Assert.Equal("perCpu", ex.ParamName);
        Assert.Throws<ArgumentException>(() => map.TryLookup(1, new uint[map.PossibleCpuCount + 1]));
    }

    [Fact]
    public void ArrayMapsHoldZeroesUntilWrittenAndRefuseIndexesPastTheEnd()
    {
        using var array = new BpfArrayMap<Counters>(Backend, 4, name: "stats");
        Assert.Equal(4u, array.Length);
        Assert.Equal(default, array.Lookup(3));
        array.Update(3, new Counters(1, 2, 3));
        Assert.Equal(new Counters(1, 2, 3), array.Lookup(3));

        var update = Assert.Throws<BpfException>(() => array.Update(4, default));
        Assert.Equal(Errno.E2BIG, update.Errno);
        Assert.Contains("ARRAY map \"stats\"", update.Message, StringComparison.Ordinal);
        Assert.Contains("failed: the index is past max_entries (E2BIG, errno 7)", update.Message, StringComparison.Ordinal);
        var lookup = Assert.Throws<BpfException>(() => array.Lookup(4));
        Assert.Equal(Errno.ENOENT, lookup.Errno);
        Assert.Contains("the index is past max_entries (ENOENT, errno 2)", lookup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerCpuArraysRoundTripEveryCpu()
    {
        using var array = new BpfPerCpuArrayMap<uint>(Backend, 2);
        var written = PerCpuValues(cpu => (uint)(7 + cpu));
        array.Update(1, written);
        var read = new uint[array.PossibleCpuCount];
        array.Lookup(1, read);
        Assert.Equal(written, read);
        array.Lookup(0, read);
        Assert.All(read, value => Assert.Equal(0u, value));
        Assert.Equal(Errno.E2BIG, Assert.Throws<BpfException>(() => array.Update(2, written)).Errno);
    }

    [Fact]
    public void AQueuePopsInOrderAndReportsFullAndEmpty()
    {
        using var queue = new BpfQueue<ulong>(Backend, 3, name: "events");
        Assert.False(queue.TryPeek(out _));
        Assert.False(queue.TryPop(out _));
        queue.Push(1);
        Assert.True(queue.TryPush(2));
        queue.Push(3);
        Assert.False(queue.TryPush(4));
        var full = Assert.Throws<BpfException>(() => queue.Push(4));
        Assert.Equal(Errno.E2BIG, full.Errno);
        Assert.Contains("QUEUE map \"events\"", full.Message, StringComparison.Ordinal);
        Assert.Contains("failed: the queue is full (E2BIG, errno 7)", full.Message, StringComparison.Ordinal);

        queue.Push(4, overwriteOldest: true);
        Assert.True(queue.TryPeek(out var head));
        Assert.Equal(2UL, head);
        var drained = new ulong[5];
        Assert.Equal(3, queue.Drain(drained));
        Assert.Equal([2UL, 3, 4, 0, 0], drained);
        Assert.False(queue.TryPop(out _));
    }

    [Fact]
    public void AStackPopsNewestFirstAndDropsItsBottomWhenOverwriting()
    {
        using var stack = new BpfStack<uint>(Backend, 3);
        stack.Push(1);
        stack.Push(2);
        stack.Push(3);
        Assert.Contains("the stack is full", Assert.Throws<BpfException>(() => stack.Push(4)).Message, StringComparison.Ordinal);
        stack.Push(4, overwriteOldest: true);
        var popped = new uint[4];
        Assert.Equal(3, stack.Drain(popped));
        Assert.Equal([4u, 3, 2, 0], popped);
        Assert.False(stack.TryPeek(out _));
    }

    [Fact]
    public void AFrozenMapThrowsOnWritesAndStillReads()
    {
        using var map = new BpfHashMap<uint, uint>(Backend, 4);
        map.Update(1, 1);
        map.Freeze();
        Assert.Equal(1u, map.Lookup(1));

        var ex = Assert.Throws<BpfException>(() => map.TryAdd(2, 2));
        Assert.Equal(Errno.EPERM, ex.Errno);
        Assert.Contains("not permitted: this handle is read-only, or the map is frozen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EPERM, Assert.Throws<BpfException>(() => map.TryDelete(1)).Errno);
        var again = Assert.Throws<BpfException>(map.Freeze);
        Assert.Equal(BpfMapCommand.Freeze, again.Command);
        Assert.Contains("the map is frozen already", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATypedMapTakesOverAHandleWithItsSizes()
    {
        Assert.Equal(Errno.None, Backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 7, 8, 4), out var handle));
        var map = new BpfHashMap<FlowKey, ulong>(handle!);
        map.Update(new FlowKey(1, 2, 3), 4);
        Assert.Same(handle, map.Handle);
        map.Dispose();
        Assert.True(handle!.IsClosed);
    }

    [Fact]
    public void OpeningAHandleOfOtherSizesOrTypeSaysWhatDiffersAndLeavesItOpen()
    {
        Assert.Equal(Errno.None, Backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 16, 4) { Name = "wide" }, out var handle));
        using (handle)
        {
            var sizes = Assert.Throws<ArgumentException>(() => new BpfHashMap<uint, ulong>(handle!));
            Assert.Equal("handle", sizes.ParamName);
            Assert.StartsWith(
                "BpfHashMap<UInt32, UInt64> needs a HASH map with key_size 4 and value_size 8 (the sizes of its type arguments); " +
                "the handle is a HASH map \"wide\" (key 4 B, value 16 B, max_entries 4).", sizes.Message, StringComparison.Ordinal);
            var type = Assert.Throws<ArgumentException>(() => new BpfLruHashMap<uint, Counters>(handle!));
            Assert.Contains("needs a LRU_HASH map", type.Message, StringComparison.Ordinal);
            Assert.False(handle!.IsClosed);
        }

        Assert.Throws<ObjectDisposedException>(() => new BpfHashMap<uint, ulong>(handle!));
    }

    [Fact]
    public void AMapOpenedByIdIsTheSameMap()
    {
        using var map = new BpfArrayMap<ulong>(Backend, 4);
        map.Update(2, 22);
        using var again = new BpfArrayMap<ulong>(BpfMap.OpenHandleById(Backend, map.GetInfo().Id));
        Assert.Equal(22UL, again.Lookup(2));

        using var readOnly = new BpfArrayMap<ulong>(BpfMap.OpenHandleById(Backend, map.GetInfo().Id, BpfOpenFlags.ReadOnly));
        Assert.Equal(Errno.EPERM, Assert.Throws<BpfException>(() => readOnly.Update(1, 1)).Errno);
    }

    [Fact]
    public void OpeningAnUnknownIdThrowsNoMapHasThisId()
    {
        var ex = Assert.Throws<BpfException>(() => BpfMap.OpenHandleById(Backend, int.MaxValue - 7));
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.Null(ex.Map);
        Assert.Equal($"BPF_MAP_GET_FD_BY_ID failed for id {int.MaxValue - 7}: no map has this id (ENOENT, errno 2).", ex.Message);
    }

    [Fact]
    public void ACreateTheKernelRefusesThrowsWithTheSpec()
    {
        var ex = Assert.Throws<BpfException>(() => new BpfHashMap<uint, uint>(Backend, 0, name: "empty"));
        Assert.Equal(Errno.EINVAL, ex.Errno);
        Assert.Equal(BpfMapCommand.CreateMap, ex.Command);
        Assert.Equal(
            "BPF_MAP_CREATE of HASH map \"empty\" (key 4 B, value 4 B, max_entries 0) failed: the kernel refused the map's type, sizes, flags or name (EINVAL, errno 22).",
            ex.Message);

        var lru = Assert.Throws<BpfException>(() => new BpfLruHashMap<uint, uint>(Backend, 4, BpfMapFlags.NoPrealloc));
        Assert.Equal(Errno.ENOTSUPP, lru.Errno);
        Assert.Contains("(ENOTSUPP, errno 524)", lru.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisposedMapThrowsObjectDisposed()
    {
        var map = new BpfHashMap<uint, uint>(Backend, 2);
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.TryLookup(1, out _));
        Assert.Throws<ObjectDisposedException>(() => map.Update(1, 1));
    }
}

public sealed class KernelTypedMapTests : TypedMapTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => KernelLeaf.Configure(options);

    protected override void EnsureAvailable() => KernelLeaf.EnsureAvailable();
}

public sealed class SimulatedTypedMapTests : TypedMapTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => SimulatedLeaf.Configure(options);
}
