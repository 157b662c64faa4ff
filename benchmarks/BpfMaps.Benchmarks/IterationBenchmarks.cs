using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace BpfMaps.Benchmarks;

/// <summary>
/// One pass over every element of a HASH map (keys and values): a get-next-key walk with a lookup per key, as code
/// without batch commands iterates, against the typed reader (<see cref="BpfKeyValueMap{TKey, TValue}.Read"/> with
/// its automatic chunk sizes). The sparse map has 2^20 buckets for 1000 keys: every pass crosses every bucket.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class IterationBenchmarks
{
    private const string KernelPass = "Kernel pass";
    private const string SimPass = "Simulator pass";

    private readonly NativeBlock _native = new();
    private IBpfMapBackend _kernelBackend = null!;
    private IBpfMapBackend _simBackend = null!;
    private BpfHashMap<uint, ulong> _kernel = null!;
    private BpfHashMap<uint, ulong> _sim = null!;
    private BpfMapReader<uint, ulong> _kernelReader = null!;
    private BpfMapReader<uint, ulong> _simReader = null!;
    private byte[] _first = new byte[sizeof(uint)];
    private byte[] _second = new byte[sizeof(uint)];
    private byte[] _value = new byte[sizeof(ulong)];
    private ElemAttr* _getNextKey;
    private ElemAttr* _lookup;
    private BatchAttr* _batch;
    private uint _chunk;
    private byte* _nativeFirst;
    private byte* _nativeSecond;

    [Params(MapShape.Dense, MapShape.Sparse)]
    public MapShape Map { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var backends = new Backends();
        (_kernelBackend, _simBackend) = (backends.Kernel, backends.Simulator);
        var (maxEntries, count) = Map == MapShape.Dense ? (Maps.DenseEntries, (int)Maps.DenseEntries) : (Maps.SparseEntries, Maps.SparseKeys);
        var keys = Maps.OnePerBucket(count, maxEntries);
        var values = keys.Select(k => (ulong)k).ToArray();
        _kernel = new BpfHashMap<uint, ulong>(backends.Kernel, maxEntries, BpfMapFlags.ZeroSeed);
        _sim = new BpfHashMap<uint, ulong>(backends.Simulator, maxEntries, BpfMapFlags.ZeroSeed);
        _kernel.UpdateBatch(keys, values).ThrowIfFailed();
        _sim.UpdateBatch(keys, values).ThrowIfFailed();
        _kernelReader = _kernel.Read();
        _simReader = _sim.Read();

        var fd = Maps.Fd(_kernel);
        _nativeFirst = _native.Bytes(sizeof(uint));
        _nativeSecond = _native.Bytes(sizeof(uint));
        _getNextKey = _native.Alloc<ElemAttr>();
        *_getNextKey = new ElemAttr { MapFd = fd };
        _lookup = _native.Alloc<ElemAttr>();
        *_lookup = new ElemAttr { MapFd = fd, Value = (ulong)_native.Bytes(sizeof(ulong)) };

        // The bare batch pass asks for the reader's first chunk every time (4096 elements of 12 bytes, or max_entries).
        _chunk = (uint)Math.Min(maxEntries, 4096);
        var cursors = _native.Bytes(2 * BpfMapLayout.CursorSize);
        _batch = _native.Alloc<BatchAttr>();
        *_batch = new BatchAttr
        {
            InBatch = (ulong)cursors,
            OutBatch = (ulong)(cursors + BpfMapLayout.CursorSize),
            Keys = (ulong)_native.Bytes((int)_chunk * sizeof(uint)),
            Values = (ulong)_native.Bytes((int)_chunk * sizeof(ulong)),
            MapFd = fd,
        };

        Maps.Check(GetNextKeyWalk_Bare() == count && GetNextKeyWalk_Kernel() == count && GetNextKeyWalk_Sim() == count, "walks visit every key");
        Maps.Check(LookupBatchPass_Bare() == count, "a bare batch pass reads every key");
        Maps.Check(GetNextKeyKeysOnly_Kernel() == count && GetNextKeyKeysOnly_Sim() == count, "key walks visit every key");
        Maps.Check(Read_KernelTyped() == count && Read_SimTyped() == count, "readers return every element");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernelReader.Dispose();
        _simReader.Dispose();
        _kernel.Dispose();
        _sim.Dispose();
        _native.Dispose();
    }

    [Benchmark, BenchmarkCategory(KernelPass)]
    public int GetNextKeyWalk_Bare()
    {
        var count = 0;
        _getNextKey->Key = 0;
        _getNextKey->Value = (ulong)_nativeFirst;
        while (BareSyscall.Bpf(BareSyscall.MapGetNextKey, _getNextKey, BareSyscall.GetNextKeySize) == 0)
        {
            _lookup->Key = _getNextKey->Value;
            if (BareSyscall.Bpf(BareSyscall.MapLookupElem, _lookup, BareSyscall.ElemSize) == 0)
            {
                count++;
            }

            // The key just found is where the next step starts; the other buffer takes the next key.
            _getNextKey->Key = _getNextKey->Value;
            _getNextKey->Value = _getNextKey->Value == (ulong)_nativeFirst ? (ulong)_nativeSecond : (ulong)_nativeFirst;
        }

        return count;
    }

    // LOOKUP_BATCH chunks of the reader's first size until ENOENT, with no library code: the floor of a batch pass.
    [Benchmark, BenchmarkCategory(KernelPass)]
    public int LookupBatchPass_Bare()
    {
        var count = 0;
        var inBatch = _batch->InBatch;
        _batch->InBatch = 0;
        while (true)
        {
            _batch->Count = _chunk;
            var result = BareSyscall.Bpf(BareSyscall.MapLookupBatch, _batch, BareSyscall.BatchSize);
            count += (int)_batch->Count;
            if (result != 0)
            {
                break;
            }

            // Go on from out_batch.
            *(uint*)inBatch = *(uint*)_batch->OutBatch;
            _batch->InBatch = inBatch;
        }

        _batch->InBatch = inBatch;
        return count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory(KernelPass)]
    public int GetNextKeyWalk_Kernel() => Walk(_kernelBackend, _kernel.Handle, lookups: true);

    [Benchmark, BenchmarkCategory(KernelPass)]
    public int GetNextKeyKeysOnly_Kernel() => Walk(_kernelBackend, _kernel.Handle, lookups: false);

    [Benchmark, BenchmarkCategory(KernelPass)]
    public int Read_KernelTyped() => Read(_kernelReader);

    [Benchmark(Baseline = true), BenchmarkCategory(SimPass)]
    public int GetNextKeyWalk_Sim() => Walk(_simBackend, _sim.Handle, lookups: true);

    [Benchmark, BenchmarkCategory(SimPass)]
    public int GetNextKeyKeysOnly_Sim() => Walk(_simBackend, _sim.Handle, lookups: false);

    [Benchmark, BenchmarkCategory(SimPass)]
    public int Read_SimTyped() => Read(_simReader);

    private int Walk(IBpfMapBackend backend, BpfMapHandle map, bool lookups)
    {
        var count = 0;
        var key = _first;
        var next = _second;
        var errno = backend.GetNextKey(map, [], key);
        while (errno == Errno.None)
        {
            if (!lookups || backend.Lookup(map, key, _value) == Errno.None)
            {
                count++;
            }

            errno = backend.GetNextKey(map, key, next);
            (key, next) = (next, key);
        }

        return count;
    }

    private static int Read(BpfMapReader<uint, ulong> reader)
    {
        var count = 0;
        foreach (var _ in reader)
        {
            count++;
        }

        return count;
    }
}
