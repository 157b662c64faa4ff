using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace BpfMaps.Benchmarks;

/// <summary>
/// Batch commands of <see cref="BatchSize"/> elements on a map of 1024 keys, one per bucket, so that a batch of n
/// reads exactly n buckets from the start (in_batch NULL) on both backends. Paths as in <see cref="ElementBenchmarks"/>.
/// Lookup-and-delete puts the elements back with an update batch, so that every invocation finds them.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract unsafe class BatchBenchmarks
{
    private readonly NativeBlock _native = new();
    private BatchAttr* _lookup;
    private BatchAttr* _update;
    private BatchAttr* _drain;
    private BatchAttr* _restore;
    private IBpfMapBackend _kernelBackend = null!;
    private IBpfMapBackend _simBackend = null!;
    private BpfMapHandle _kernelHandle = null!;
    private BpfMapHandle _simHandle = null!;
    private byte[] _outBatch = [];
    private byte[] _keys = [];
    private byte[] _values = [];
    private byte[] _updateKeys = [];
    private byte[] _updateValues = [];

    [Params(1, 64, 1024)]
    public int BatchSize { get; set; }

    /// <summary>The keys of the map; the first <see cref="BatchSize"/> are the ones an update batch writes.</summary>
    private protected uint[] MapKeys { get; private set; } = [];

    /// <summary>Chooses the keys (one per bucket of a map of 1024 entries).</summary>
    private protected void ChooseKeys() => MapKeys = Maps.OnePerBucket((int)Maps.DenseEntries, Maps.DenseEntries);

    /// <summary>Prepares the raw and bare paths over two maps that hold <see cref="MapKeys"/>.</summary>
    private protected void Prepare(Backends backends, BpfMap kernel, BpfMap simulated)
    {
        (_kernelBackend, _simBackend) = (backends.Kernel, backends.Simulator);
        (_kernelHandle, _simHandle) = (kernel.Handle, simulated.Handle);
        var valueSize = (int)kernel.Handle.Layout.ValueSize;
        var n = BatchSize;
        _outBatch = new byte[BpfMapLayout.CursorSize];
        _keys = new byte[n * sizeof(uint)];
        _values = new byte[n * valueSize];
        _updateKeys = Maps.Bytes(MapKeys[..n]);
        _updateValues = new byte[n * valueSize];

        var fd = Maps.Fd(kernel);
        var outBatch = (ulong)_native.Bytes(BpfMapLayout.CursorSize);
        var keys = (ulong)_native.Bytes(n * sizeof(uint));
        var values = (ulong)_native.Bytes(n * valueSize);
        var updateKeys = _native.Bytes(n * sizeof(uint));
        _updateKeys.CopyTo(new Span<byte>(updateKeys, _updateKeys.Length));
        var updateValues = (ulong)_native.Bytes(n * valueSize);
        _lookup = _native.Alloc<BatchAttr>();
        *_lookup = new BatchAttr { OutBatch = outBatch, Keys = keys, Values = values, MapFd = fd };
        _drain = _native.Alloc<BatchAttr>();
        *_drain = *_lookup;
        _restore = _native.Alloc<BatchAttr>();
        *_restore = new BatchAttr { Keys = keys, Values = values, MapFd = fd };
        _update = _native.Alloc<BatchAttr>();
        *_update = new BatchAttr { Keys = (ulong)updateKeys, Values = updateValues, MapFd = fd };
    }

    private protected void ReleaseNative() => _native.Dispose();

    /// <summary>Runs every raw and bare benchmark once and checks that each handles <see cref="BatchSize"/> elements.</summary>
    private protected void CheckBatchPaths()
    {
        var n = (uint)BatchSize;
        Maps.Check(LookupBatch_Bare() == n && LookupBatch_Kernel() == n && LookupBatch_Sim() == n, $"lookup batches read {n} elements");
        Maps.Check(UpdateBatch_Bare() == n && UpdateBatch_Kernel() == n && UpdateBatch_Sim() == n, $"update batches write {n} elements");
        Maps.Check(LookupAndDeleteBatch_Bare() == n && LookupAndDeleteBatch_Kernel() == n && LookupAndDeleteBatch_Sim() == n,
            $"lookup-and-delete batches take and restore {n} elements");
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.LookupBatch)]
    public uint LookupBatch_Bare()
    {
        _lookup->Count = (uint)BatchSize;
        BareSyscall.Bpf(BareSyscall.MapLookupBatch, _lookup, BareSyscall.BatchSize);
        return _lookup->Count;
    }

    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public uint LookupBatch_Kernel()
    {
        var count = (uint)BatchSize;
        _kernelBackend.LookupBatch(_kernelHandle, [], _outBatch, _keys, _values, ref count);
        return count;
    }

    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public uint LookupBatch_Sim()
    {
        var count = (uint)BatchSize;
        _simBackend.LookupBatch(_simHandle, [], _outBatch, _keys, _values, ref count);
        return count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.UpdateBatch)]
    public uint UpdateBatch_Bare()
    {
        _update->Count = (uint)BatchSize;
        BareSyscall.Bpf(BareSyscall.MapUpdateBatch, _update, BareSyscall.BatchSize);
        return _update->Count;
    }

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public uint UpdateBatch_Kernel()
    {
        var count = (uint)BatchSize;
        _kernelBackend.UpdateBatch(_kernelHandle, _updateKeys, _updateValues, ref count);
        return count;
    }

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public uint UpdateBatch_Sim()
    {
        var count = (uint)BatchSize;
        _simBackend.UpdateBatch(_simHandle, _updateKeys, _updateValues, ref count);
        return count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public uint LookupAndDeleteBatch_Bare()
    {
        _drain->Count = (uint)BatchSize;
        BareSyscall.Bpf(BareSyscall.MapLookupAndDeleteBatch, _drain, BareSyscall.BatchSize);
        _restore->Count = _drain->Count;
        BareSyscall.Bpf(BareSyscall.MapUpdateBatch, _restore, BareSyscall.BatchSize);
        return _restore->Count;
    }

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public uint LookupAndDeleteBatch_Kernel()
    {
        var count = (uint)BatchSize;
        _kernelBackend.LookupAndDeleteBatch(_kernelHandle, [], _outBatch, _keys, _values, ref count);
        _kernelBackend.UpdateBatch(_kernelHandle, _keys, _values, ref count);
        return count;
    }

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public uint LookupAndDeleteBatch_Sim()
    {
        var count = (uint)BatchSize;
        _simBackend.LookupAndDeleteBatch(_simHandle, [], _outBatch, _keys, _values, ref count);
        _simBackend.UpdateBatch(_simHandle, _keys, _values, ref count);
        return count;
    }
}

/// <summary>Batch commands on a HASH map of 4-byte keys and 8-byte values.</summary>
public class HashBatchBenchmarks : BatchBenchmarks
{
    private BpfHashMap<uint, ulong> _kernel = null!;
    private BpfHashMap<uint, ulong> _sim = null!;
    private BpfMapReader<uint, ulong> _kernelReader = null!;
    private BpfMapReader<uint, ulong> _simReader = null!;
    private BpfMapReader<uint, ulong> _kernelDrain = null!;
    private BpfMapReader<uint, ulong> _simDrain = null!;
    private uint[] _keys = [];
    private ulong[] _values = [];

    [GlobalSetup]
    public void Setup()
    {
        var backends = new Backends();
        ChooseKeys();
        var values = MapKeys.Select(k => (ulong)k).ToArray();
        _kernel = new BpfHashMap<uint, ulong>(backends.Kernel, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _sim = new BpfHashMap<uint, ulong>(backends.Simulator, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _kernel.UpdateBatch(MapKeys, values).ThrowIfFailed();
        _sim.UpdateBatch(MapKeys, values).ThrowIfFailed();
        var chunk = new BpfIterationOptions { InitialChunkSize = BatchSize, MaxChunkSize = BatchSize };
        (_kernelReader, _simReader) = (_kernel.Read(chunk), _sim.Read(chunk));
        (_kernelDrain, _simDrain) = (_kernel.Drain(chunk), _sim.Drain(chunk));
        _keys = MapKeys[..BatchSize];
        _values = values[..BatchSize];
        Prepare(backends, _kernel, _sim);

        CheckBatchPaths();
        var n = BatchSize;
        Maps.Check(LookupBatch_KernelTyped() == n && LookupBatch_SimTyped() == n, $"typed reads take {n} elements");
        Maps.Check(UpdateBatch_KernelTyped() == n && UpdateBatch_SimTyped() == n, $"typed update batches write {n} elements");
        Maps.Check(LookupAndDeleteBatch_KernelTyped() == n && LookupAndDeleteBatch_SimTyped() == n, $"typed drains take and restore {n} elements");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernelReader.Dispose();
        _simReader.Dispose();
        _kernelDrain.Dispose();
        _simDrain.Dispose();
        _kernel.Dispose();
        _sim.Dispose();
        ReleaseNative();
    }

    // One chunk of a reader whose chunk is the batch size: one LOOKUP_BATCH call.
    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public int LookupBatch_KernelTyped() => ReadOneChunk(_kernelReader);

    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public int LookupBatch_SimTyped() => ReadOneChunk(_simReader);

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public int UpdateBatch_KernelTyped() => _kernel.UpdateBatch(_keys, _values).Processed;

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public int UpdateBatch_SimTyped() => _sim.UpdateBatch(_keys, _values).Processed;

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public int LookupAndDeleteBatch_KernelTyped() => DrainAndRestore(_kernel, _kernelDrain);

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public int LookupAndDeleteBatch_SimTyped() => DrainAndRestore(_sim, _simDrain);

    private static int ReadOneChunk(BpfMapReader<uint, ulong> reader)
    {
        reader.Reset();
        reader.ReadChunk();
        return reader.Keys.Length;
    }

    private static int DrainAndRestore(BpfHashMap<uint, ulong> map, BpfMapReader<uint, ulong> drain)
    {
        drain.Reset();
        drain.ReadChunk();
        return map.UpdateBatch(drain.Keys, drain.Values).Processed;
    }
}

/// <summary>Batch commands on a PERCPU_HASH map of 4-byte keys and 8-byte values per CPU.</summary>
public class PerCpuBatchBenchmarks : BatchBenchmarks
{
    private BpfPerCpuHashMap<uint, ulong> _kernel = null!;
    private BpfPerCpuHashMap<uint, ulong> _sim = null!;
    private BpfPerCpuMapReader<uint, ulong> _kernelReader = null!;
    private BpfPerCpuMapReader<uint, ulong> _simReader = null!;
    private BpfPerCpuMapReader<uint, ulong> _kernelDrain = null!;
    private BpfPerCpuMapReader<uint, ulong> _simDrain = null!;
    private uint[] _keys = [];
    private ulong[] _values = [];
    private uint[] _drainedKeys = [];
    private ulong[] _drainedValues = [];

    [GlobalSetup]
    public void Setup()
    {
        var backends = new Backends();
        ChooseKeys();
        var cpus = backends.PossibleCpus;
        var values = new ulong[MapKeys.Length * cpus];
        _kernel = new BpfPerCpuHashMap<uint, ulong>(backends.Kernel, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _sim = new BpfPerCpuHashMap<uint, ulong>(backends.Simulator, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _kernel.UpdateBatch(MapKeys, values).ThrowIfFailed();
        _sim.UpdateBatch(MapKeys, values).ThrowIfFailed();
        var chunk = new BpfIterationOptions { InitialChunkSize = BatchSize, MaxChunkSize = BatchSize };
        (_kernelReader, _simReader) = (_kernel.Read(chunk), _sim.Read(chunk));
        (_kernelDrain, _simDrain) = (_kernel.Drain(chunk), _sim.Drain(chunk));
        _keys = MapKeys[..BatchSize];
        _values = values[..(BatchSize * cpus)];
        _drainedKeys = new uint[BatchSize];
        _drainedValues = new ulong[BatchSize * cpus];
        Prepare(backends, _kernel, _sim);

        CheckBatchPaths();
        var n = BatchSize;
        Maps.Check(LookupBatch_KernelTyped() == n && LookupBatch_SimTyped() == n, $"typed reads take {n} elements");
        Maps.Check(UpdateBatch_KernelTyped() == n && UpdateBatch_SimTyped() == n, $"typed update batches write {n} elements");
        Maps.Check(LookupAndDeleteBatch_KernelTyped() == n && LookupAndDeleteBatch_SimTyped() == n, $"typed drains take and restore {n} elements");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernelReader.Dispose();
        _simReader.Dispose();
        _kernelDrain.Dispose();
        _simDrain.Dispose();
        _kernel.Dispose();
        _sim.Dispose();
        ReleaseNative();
    }

    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public int LookupBatch_KernelTyped() => ReadOneChunk(_kernelReader);

    [Benchmark, BenchmarkCategory(Ops.LookupBatch)]
    public int LookupBatch_SimTyped() => ReadOneChunk(_simReader);

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public int UpdateBatch_KernelTyped() => _kernel.UpdateBatch(_keys, _values).Processed;

    [Benchmark, BenchmarkCategory(Ops.UpdateBatch)]
    public int UpdateBatch_SimTyped() => _sim.UpdateBatch(_keys, _values).Processed;

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public int LookupAndDeleteBatch_KernelTyped() => DrainAndRestore(_kernel, _kernelDrain);

    [Benchmark, BenchmarkCategory(Ops.LookupAndDeleteBatch)]
    public int LookupAndDeleteBatch_SimTyped() => DrainAndRestore(_sim, _simDrain);

    private static int ReadOneChunk(BpfPerCpuMapReader<uint, ulong> reader)
    {
        reader.Reset();
        reader.ReadChunk();
        return reader.Count;
    }

    // The reader gives per-CPU views; the values go back through the typed update batch, one CPU after another.
    private int DrainAndRestore(BpfPerCpuHashMap<uint, ulong> map, BpfPerCpuMapReader<uint, ulong> drain)
    {
        drain.Reset();
        drain.ReadChunk();
        var count = drain.Count;
        var cpus = map.PossibleCpuCount;
        drain.Keys.CopyTo(_drainedKeys);
        for (var i = 0; i < count; i++)
        {
            drain.ValuesAt(i).CopyTo(_drainedValues.AsSpan(i * cpus, cpus));
        }

        return map.UpdateBatch(_drainedKeys.AsSpan(0, count), _drainedValues.AsSpan(0, count * cpus)).Processed;
    }
}
