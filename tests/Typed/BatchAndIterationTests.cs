namespace BpfMaps.Typed.Tests;

/// <summary>Batch updates and deletes with their partial counts, readers, draining and the fallbacks, on both backends.</summary>
public abstract class BatchAndIterationTests : BackendTests
{
    [Fact]
    public void UpdateBatchReportsHowManyFitBeforeTheMapWasFull()
    {
        using var map = new BpfHashMap<uint, ulong>(Backend, 4, name: "four");
        var result = map.UpdateBatch([1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]);

        Assert.False(result.IsComplete);
        Assert.Equal((BpfMapCommand.UpdateBatch, 6, 4, 0, Errno.E2BIG), (result.Command, result.Requested, result.Processed, result.Skipped, result.Errno));
        Assert.Equal(40UL, map.Lookup(4));
        Assert.False(map.TryLookup(5, out _));
        var ex = Assert.Throws<BpfException>(result.ThrowIfFailed);
        Assert.Equal(
            "BPF_MAP_UPDATE_BATCH on HASH map \"four\" (key 4 B, value 8 B, max_entries 4) failed after 4 of 6 elements: the map is full (E2BIG, errno 7).",
            ex.Message);
    }

    [Fact]
    public void ACompleteBatchDoesNotThrow()
    {
        using var map = new BpfHashMap<uint, ulong>(Backend, 4);
        var result = map.UpdateBatch([1, 2], [10, 20]);
        Assert.True(result.IsComplete);
        Assert.Equal(2, result.Processed);
        result.ThrowIfFailed();
        Assert.True(map.UpdateBatch([], []).IsComplete);
        Assert.Throws<ArgumentException>(() => map.UpdateBatch([1, 2], [10]));
    }

    [Fact]
    public void DeleteBatchStopsAtTheFirstMissingKeyAndTheSkippingVariantGoesOn()
    {
        using var map = new BpfHashMap<uint, ulong>(Backend, 8);
        map.UpdateBatch([1, 2, 3, 4], [1, 2, 3, 4]).ThrowIfFailed();

        var strict = map.DeleteBatch([1, 2, 99, 3]);
        Assert.Equal((2, 0, Errno.ENOENT), (strict.Processed, strict.Skipped, strict.Errno));
        Assert.True(map.TryLookup(3, out _));

        map.UpdateBatch([1, 2], [1, 2]).ThrowIfFailed();
        var skipping = map.DeleteBatchSkippingMissing([1, 99, 2, 98, 3, 4, 4]);
        Assert.True(skipping.IsComplete);
        Assert.Equal((7, 4, 3), (skipping.Requested, skipping.Processed, skipping.Skipped));
        Assert.Empty(map.Read().ToList());
    }

    [Fact]
    public void ArrayUpdateBatchStopsAtAnIndexPastTheEnd()
    {
        using var array = new BpfArrayMap<uint>(Backend, 4);
        var result = array.UpdateBatch([0, 1, 7, 2], [10, 11, 17, 12]);
        Assert.Equal((2, Errno.E2BIG), (result.Processed, result.Errno));
        Assert.Equal(11u, array.Lookup(1));
        Assert.Equal(0u, array.Lookup(2));
        Assert.Contains("the index is past max_entries", Assert.Throws<BpfException>(result.ThrowIfFailed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerCpuBatchesTakeOneValuePerCpuForEachKey()
    {
        using var map = new BpfPerCpuHashMap<uint, Counters>(Backend, 4);
        var cpus = map.PossibleCpuCount;
        var values = Enumerable.Range(0, 2 * cpus).Select(i => new Counters((uint)i, 1, 2)).ToArray();
        map.UpdateBatch([5, 6], values).ThrowIfFailed();
        var read = new Counters[cpus];
        map.Lookup(6, read);
        Assert.Equal(values[cpus..], read);
        Assert.Throws<ArgumentException>(() => map.UpdateBatch([5, 6], values.AsSpan(1)));

        using var array = new BpfPerCpuArrayMap<ulong>(Backend, 2);
        array.UpdateBatch([1], [.. Enumerable.Range(0, cpus).Select(i => (ulong)i + 1)]).ThrowIfFailed();
        var perCpu = new ulong[cpus];
        array.Lookup(1, perCpu);
        Assert.Equal(Enumerable.Range(1, cpus).Select(i => (ulong)i), perCpu);
    }

    [Fact]
    public void AReaderReturnsEveryElementOnceWithBatchLookups()
    {
        using var map = new BpfHashMap<FlowKey, ulong>(Backend, 1000);
        var keys = Enumerable.Range(0, 300).Select(i => new FlowKey((uint)i, (ushort)(i * 7), 17)).ToArray();
        map.UpdateBatch(keys, [.. keys.Select(k => (ulong)k.Address * 3)]).ThrowIfFailed();

        using var reader = map.Read(new BpfIterationOptions { InitialChunkSize = 16 });
        var seen = reader.ToList();
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
        Assert.Equal(BpfIterationMethod.Batch, reader.Method);
        Assert.Equal(keys.OrderBy(k => k.Address), seen.Select(e => e.Key).OrderBy(k => k.Address));
        Assert.All(seen, e => Assert.Equal((ulong)e.Key.Address * 3, e.Value));

        // The chunk grew from 16 as calls came back with more to read.
        Assert.True(reader.ChunkCapacity > 16, $"chunk capacity {reader.ChunkCapacity}");
        Assert.Equal(seen, reader.ToList());
    }

    [Fact]
    public void ChunkByChunkReadingExposesKeysAndValues()
    {
        using var array = new BpfArrayMap<ulong>(Backend, 10);
        for (var i = 0u; i < 10; i++)
        {
            array.Update(i, 100 + i);
        }

        using var reader = array.Read(new BpfIterationOptions { InitialChunkSize = 4, MaxChunkSize = 4 });
        var chunks = new List<uint[]>();
        while (reader.ReadChunk())
        {
            chunks.Add(reader.Keys.ToArray());
            for (var i = 0; i < reader.Keys.Length; i++)
            {
                Assert.Equal(100 + reader.Keys[i], reader.Values[i]);
            }
        }

        Assert.Equal([[0u, 1, 2, 3], [4u, 5, 6, 7], [8u, 9]], chunks);
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
        Assert.Equal(3, reader.Steps);
        Assert.False(reader.ReadChunk());
    }

    [Fact]
    public void PerCpuReadersGiveAPerCpuViewOfEachValue()
    {
        using var map = new BpfPerCpuHashMap<uint, Counters>(Backend, 8);
        for (var key = 0u; key < 5; key++)
        {
            map.Update(key, PerCpuValues(cpu => new Counters(key, (uint)cpu, 9)));
        }

        using var reader = map.Read();
        var keys = new List<uint>();
        foreach (var (key, values) in reader)
        {
            keys.Add(key);
            Assert.Equal(map.PossibleCpuCount, values.Count);
            for (var cpu = 0; cpu < values.Count; cpu++)
            {
                Assert.Equal(new Counters(key, (uint)cpu, 9), values[cpu]);
            }

            Assert.Equal(PerCpuValues(cpu => new Counters(key, (uint)cpu, 9)), values.ToArray());
        }

        Assert.Equal(new uint[] { 0, 1, 2, 3, 4 }, keys.Order());
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);

        using var array = new BpfPerCpuArrayMap<uint>(Backend, 3);
        array.Update(2, PerCpuValues(cpu => (uint)cpu + 5));
        using var arrayReader = array.Read();
        Assert.True(arrayReader.ReadChunk());
        Assert.Equal([0u, 1, 2], arrayReader.Keys.ToArray());
        Assert.Equal(PerCpuValues(cpu => (uint)cpu + 5), arrayReader.ValuesAt(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => arrayReader.ValuesAt(3));
    }

    [Fact]
    public void DeletingReturnedKeysDuringAPassStillVisitsEveryKeyOnce()
    {
        using var map = new BpfHashMap<uint, uint>(Backend, 64);
        for (var key = 0u; key < 40; key++)
        {
            map.Update(key, key);
        }

        // Small chunks, so that most keys are deleted between batch calls (the chunk grows, from 2).
        using var reader = map.Read(new BpfIterationOptions { InitialChunkSize = 2 });
        var seen = new List<uint>();
        foreach (var (key, _) in reader)
        {
            seen.Add(key);
            Assert.True(map.TryDelete(key));
        }

        Assert.True(reader.Steps > 2, $"{reader.Steps} batch calls");

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (uint)i), seen.Order());
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
    }

    [Fact]
    public void ABucketLargerThanTheChunkGrowsItOnEnospcUpToTheLimit()
    {
        // Three keys in one bucket of a BPF_F_ZERO_SEED map (reference §7.2), so a batch must return them together.
        const uint maxEntries = 16;
        var keys = SameBucketKeys(maxEntries, 3);
        using var map = new BpfHashMap<uint, uint>(Backend, maxEntries, BpfMapFlags.ZeroSeed);
        foreach (var key in keys)
        {
            map.Update(key, key + 1);
        }

        using var growing = map.Read(new BpfIterationOptions { InitialChunkSize = 1, MaxChunkSize = 4 });
        Assert.Equal(keys.Order(), growing.ToList().Select(e => e.Key).Order());
        Assert.Equal(4, growing.ChunkCapacity);

        using var bounded = map.Read(new BpfIterationOptions { InitialChunkSize = 1, MaxChunkSize = 2 });
        var ex = Assert.Throws<BpfException>(() => bounded.ReadChunk());
        Assert.Equal((Errno.ENOSPC, BpfMapCommand.LookupBatch), (ex.Errno, ex.Command));
        Assert.Contains("failed with its largest chunk, 2 elements (BpfIterationOptions.MaxChunkSize): a hash bucket holds more elements than the batch buffer",
            ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DrainingRemovesWhatItReturns()
    {
        using var map = new BpfLruHashMap<uint, ulong>(Backend, 64);
        for (var key = 0u; key < 20; key++)
        {
            map.Update(key, key);
        }

        using var drain = map.Drain(new BpfIterationOptions { InitialChunkSize = 4 });
        var drained = drain.ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (ulong)i), drained.Select(e => e.Value).Order());
        Assert.Equal(BpfIterationStatus.Completed, drain.Status);
        Assert.Empty(map.Read().ToList());

        using var perCpu = new BpfPerCpuHashMap<uint, uint>(Backend, 8);
        perCpu.Update(1, PerCpuValues(cpu => (uint)cpu));
        using var perCpuDrain = perCpu.Drain();
        Assert.True(perCpuDrain.ReadChunk());
        Assert.Equal(PerCpuValues(cpu => (uint)cpu), perCpuDrain.ValuesAt(0).ToArray());
        Assert.False(perCpu.TryDelete(1));
    }

    [Fact]
    public void WithoutBatchLookupAReaderWalksWithGetNextKey()
    {
        var backend = new ForwardingBackend(Backend) { WithoutBatchLookup = true };
        using var map = new BpfHashMap<uint, uint>(backend, 32);
        for (var key = 0u; key < 20; key++)
        {
            map.Update(key, key * 2);
        }

        using var reader = map.Read(new BpfIterationOptions { InitialChunkSize = 6 });
        var seen = new List<uint>();
        foreach (var (key, value) in reader)
        {
            Assert.Equal(key * 2, value);
            seen.Add(key);

            // The next key was fetched before this chunk was handed out, so deleting does not restart the walk.
            Assert.True(map.TryDelete(key));
        }

        Assert.Equal(BpfIterationMethod.GetNextKey, reader.Method);
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (uint)i), seen.Order());
    }

    [Fact]
    public void WithoutBatchLookupDrainingPopsKeyByKey()
    {
        var backend = new ForwardingBackend(Backend) { WithoutBatchLookup = true };
        using var map = new BpfHashMap<uint, uint>(backend, 32);
        for (var key = 0u; key < 10; key++)
        {
            map.Update(key, key);
        }

        using var drain = map.Drain();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (uint)i), drain.ToList().Select(e => e.Key).Order());
        Assert.Equal(BpfIterationMethod.GetNextKey, drain.Method);
        Assert.Empty(map.Read().ToList());
    }

    [Fact]
    public void UnderChurnAGetNextKeyWalkStopsAfterItsBoundedStepsAndSaysSo()
    {
        var backend = new ForwardingBackend(Backend) { WithoutBatchLookup = true, ChurnOnGetNextKey = true };
        using var map = new BpfHashMap<uint, uint>(backend, 16);
        for (var key = 0u; key < 8; key++)
        {
            map.Update(key, key);
        }

        using var bounded = map.Read(new BpfIterationOptions { MaxSteps = 50 });
        var elements = bounded.ToList();
        Assert.Equal(BpfIterationStatus.StoppedAfterBoundedSteps, bounded.Status);
        Assert.InRange(bounded.Steps, 49, 50);
        Assert.InRange(elements.Count, 8, 25);

        // The automatic bound: 4 × (max_entries + 16) commands.
        using var automatic = map.Read();
        _ = automatic.ToList();
        Assert.Equal(BpfIterationStatus.StoppedAfterBoundedSteps, automatic.Status);
        Assert.InRange(automatic.Steps, (4 * (16 + 16)) - 1, 4 * (16 + 16));
    }

    [Fact]
    public void ABatchPassStopsAfterItsBoundedStepsToo()
    {
        using var array = new BpfArrayMap<uint>(Backend, 10);
        using var reader = array.Read(new BpfIterationOptions { InitialChunkSize = 2, MaxChunkSize = 2, MaxSteps = 3 });
        Assert.Equal(6, reader.ToList().Count);
        Assert.Equal(BpfIterationStatus.StoppedAfterBoundedSteps, reader.Status);
        Assert.Equal(3, reader.Steps);
    }

    [Fact]
    public void ReaderOptionsAndDisposalAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpfIterationOptions { InitialChunkSize = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpfIterationOptions { MaxChunkSize = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpfIterationOptions { MaxSteps = -1 });
        var map = new BpfHashMap<uint, uint>(Backend, 1000);
        var ex = Assert.Throws<ArgumentException>(() => map.Read(new BpfIterationOptions { InitialChunkSize = 8, MaxChunkSize = 4 }));
        Assert.Equal("InitialChunkSize 8 is larger than MaxChunkSize 4. (Parameter 'options')", ex.Message);

        // An automatic first chunk (here 64 KiB / 8 B = 4096, capped at 1000 entries) fits a chosen maximum.
        using (var automatic = map.Read())
        {
            Assert.Equal(1000, automatic.ChunkCapacity);
        }

        using (var capped = map.Read(new BpfIterationOptions { MaxChunkSize = 4 }))
        {
            Assert.Equal(4, capped.ChunkCapacity);
        }

        // A sparse map of 2^20 buckets: 64 KiB / 12 B, clamped to 4096 elements.
        using var sparse = new BpfHashMap<uint, ulong>(Backend, 1 << 20, BpfMapFlags.NoPrealloc);
        using (var first = sparse.Read())
        {
            Assert.Equal(4096, first.ChunkCapacity);
        }

        var reader = map.Read();
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadChunk());
        Assert.Throws<ObjectDisposedException>(() => reader.Keys.Length);
        Assert.Throws<ObjectDisposedException>(reader.Reset);
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Read());
    }

    [Fact]
    public void ReadingThroughAWriteOnlyHandleThrows()
    {
        using var map = new BpfHashMap<uint, uint>(Backend, 8, BpfMapFlags.WriteOnly);
        map.Update(1, 1);
        using var reader = map.Read();
        var ex = Assert.Throws<BpfException>(() => reader.ReadChunk());
        Assert.Equal((Errno.EPERM, BpfMapCommand.LookupBatch), (ex.Errno, ex.Command));
        Assert.Contains("not permitted: this handle is write-only", ex.Message, StringComparison.Ordinal);
    }

    private static uint[] SameBucketKeys(uint maxEntries, int count)
    {
        var buckets = Jhash.BucketCount(maxEntries);
        return [.. Enumerable.Range(0, 100_000).Select(i => (uint)i)
            .GroupBy(key => Jhash.Bucket(BitConverter.GetBytes(key), buckets))
            .First(group => group.Count() >= count)
            .Take(count)];
    }
}

public sealed class KernelBatchAndIterationTests : BatchAndIterationTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => KernelLeaf.Configure(options);

    protected override void EnsureAvailable() => KernelLeaf.EnsureAvailable();
}

public sealed class SimulatedBatchAndIterationTests : BatchAndIterationTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => SimulatedLeaf.Configure(options);
}
