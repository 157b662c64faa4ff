using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace BpfMaps.Benchmarks;

/// <summary>
/// Element commands on one key, by five paths (the method's suffix): <c>Bare</c> (the syscall with a prepared attr,
/// the baseline), <c>Kernel</c> and <c>Sim</c> (<see cref="IBpfMapBackend"/>), <c>KernelTyped</c> and <c>SimTyped</c>
/// (the typed maps). Both backends hold the same keys in the same buckets (BPF_F_ZERO_SEED).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract unsafe class ElementBenchmarks
{
    private ElemAttr* _lookup;
    private ElemAttr* _update;

    private protected IBpfMapBackend KernelBackend { get; private set; } = null!;
    private protected IBpfMapBackend SimBackend { get; private set; } = null!;
    private protected BpfMapHandle KernelHandle { get; private set; } = null!;
    private protected BpfMapHandle SimHandle { get; private set; } = null!;
    private protected byte[] Key { get; private set; } = [];
    private protected byte[] Value { get; private set; } = [];

    /// <summary>Native memory for the bare attrs, freed by <see cref="ReleaseNative"/>.</summary>
    private protected NativeBlock Native { get; } = new();

    /// <summary>The key in native memory, and a value buffer there.</summary>
    private protected byte* NativeKey { get; private set; }

    private protected byte* NativeValue { get; private set; }

    /// <summary>Prepares the raw and bare paths for <paramref name="key"/>, a key both maps hold.</summary>
    private protected void Prepare(Backends backends, BpfMap kernel, BpfMap simulated, uint key)
    {
        (KernelBackend, SimBackend) = (backends.Kernel, backends.Simulator);
        (KernelHandle, SimHandle) = (kernel.Handle, simulated.Handle);
        var valueSize = (int)kernel.Handle.Layout.ValueSize;
        Key = Maps.Bytes(key);
        Value = new byte[valueSize];

        NativeKey = Native.Bytes(sizeof(uint));
        *(uint*)NativeKey = key;
        NativeValue = Native.Bytes(valueSize);
        _lookup = Native.Alloc<ElemAttr>();
        *_lookup = new ElemAttr { MapFd = Maps.Fd(kernel), Key = (ulong)NativeKey, Value = (ulong)NativeValue };
        _update = Native.Alloc<ElemAttr>();
        *_update = *_lookup;
    }

    private protected void ReleaseNative() => Native.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.Lookup)]
    public long Lookup_Bare() => BareSyscall.Bpf(BareSyscall.MapLookupElem, _lookup, BareSyscall.ElemSize);

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public Errno Lookup_Kernel() => KernelBackend.Lookup(KernelHandle, Key, Value);

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public Errno Lookup_Sim() => SimBackend.Lookup(SimHandle, Key, Value);

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.Update)]
    public long Update_Bare() => BareSyscall.Bpf(BareSyscall.MapUpdateElem, _update, BareSyscall.ElemSize);

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public Errno Update_Kernel() => KernelBackend.Update(KernelHandle, Key, Value);

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public Errno Update_Sim() => SimBackend.Update(SimHandle, Key, Value);

    /// <summary>Runs every benchmark once and checks that it succeeds.</summary>
    private protected void CheckElementPaths()
    {
        Maps.Check(Lookup_Bare() == 0 && Lookup_Kernel() == Errno.None && Lookup_Sim() == Errno.None, "lookups of a present key succeed");
        Maps.Check(Update_Bare() == 0 && Update_Kernel() == Errno.None && Update_Sim() == Errno.None, "updates of a present key succeed");
    }
}

/// <summary>Element commands on a HASH map of 4-byte keys and 8-byte values, dense or sparse.</summary>
public unsafe class HashElementBenchmarks : ElementBenchmarks
{
    private BpfHashMap<uint, ulong> _kernel = null!;
    private BpfHashMap<uint, ulong> _sim = null!;
    private uint _key;
    private ulong _value;
    private byte[] _nextKey = [];
    private ElemAttr* _delete;
    private ElemAttr* _insert;
    private ElemAttr* _getNextKey;

    [Params(MapShape.Dense, MapShape.Sparse)]
    public MapShape Map { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var backends = new Backends();
        var (maxEntries, count) = Map == MapShape.Dense ? (Maps.DenseEntries, (int)Maps.DenseEntries) : (Maps.SparseEntries, Maps.SparseKeys);
        var keys = Maps.OnePerBucket(count, maxEntries);
        var values = keys.Select(k => (ulong)k).ToArray();
        _kernel = new BpfHashMap<uint, ulong>(backends.Kernel, maxEntries, BpfMapFlags.ZeroSeed);
        _sim = new BpfHashMap<uint, ulong>(backends.Simulator, maxEntries, BpfMapFlags.ZeroSeed);
        _kernel.UpdateBatch(keys, values).ThrowIfFailed();
        _sim.UpdateBatch(keys, values).ThrowIfFailed();
        _key = keys[keys.Length / 2];
        _value = _key;
        _nextKey = new byte[sizeof(uint)];
        Prepare(backends, _kernel, _sim, _key);
        var fd = Maps.Fd(_kernel);
        _delete = Native.Alloc<ElemAttr>();
        *_delete = new ElemAttr { MapFd = fd, Key = (ulong)NativeKey };
        _insert = Native.Alloc<ElemAttr>();
        *_insert = new ElemAttr { MapFd = fd, Key = (ulong)NativeKey, Value = (ulong)NativeValue, Flags = (ulong)BpfElementFlags.NoExist };
        _getNextKey = Native.Alloc<ElemAttr>();
        *_getNextKey = new ElemAttr { MapFd = fd, Key = (ulong)NativeKey, Value = (ulong)Native.Bytes(sizeof(uint)) };

        CheckElementPaths();
        Maps.Check(Lookup_KernelTyped() && Lookup_SimTyped() && Update_KernelTyped() && Update_SimTyped(), "typed lookups and updates succeed");
        Maps.Check(DeleteInsert_Bare() == 0 && DeleteInsert_Kernel() == Errno.None && DeleteInsert_Sim() == Errno.None, "delete and insert succeed");
        Maps.Check(DeleteInsert_KernelTyped() && DeleteInsert_SimTyped(), "typed delete and insert succeed");
        Maps.Check(GetNextKey_Bare() == 0 && GetNextKey_Kernel() == Errno.None && GetNextKey_Sim() == Errno.None, "get-next-key finds a next key");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel.Dispose();
        _sim.Dispose();
        ReleaseNative();
    }

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public bool Lookup_KernelTyped() => _kernel.TryLookup(_key, out _value);

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public bool Lookup_SimTyped() => _sim.TryLookup(_key, out _value);

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public bool Update_KernelTyped()
    {
        _kernel.Update(_key, _value);
        return true;
    }

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public bool Update_SimTyped()
    {
        _sim.Update(_key, _value);
        return true;
    }

    // A delete needs the key back for the next invocation: each of these deletes the key and inserts it again.
    [Benchmark(Baseline = true), BenchmarkCategory(Ops.DeleteInsert)]
    public long DeleteInsert_Bare() =>
        BareSyscall.Bpf(BareSyscall.MapDeleteElem, _delete, BareSyscall.DeleteSize) | BareSyscall.Bpf(BareSyscall.MapUpdateElem, _insert, BareSyscall.ElemSize);

    [Benchmark, BenchmarkCategory(Ops.DeleteInsert)]
    public Errno DeleteInsert_Kernel() =>
        KernelBackend.Delete(KernelHandle, Key) | KernelBackend.Update(KernelHandle, Key, Value, BpfElementFlags.NoExist);

    [Benchmark, BenchmarkCategory(Ops.DeleteInsert)]
    public bool DeleteInsert_KernelTyped() => _kernel.TryDelete(_key) & _kernel.TryAdd(_key, _value);

    [Benchmark, BenchmarkCategory(Ops.DeleteInsert)]
    public Errno DeleteInsert_Sim() =>
        SimBackend.Delete(SimHandle, Key) | SimBackend.Update(SimHandle, Key, Value, BpfElementFlags.NoExist);

    [Benchmark, BenchmarkCategory(Ops.DeleteInsert)]
    public bool DeleteInsert_SimTyped() => _sim.TryDelete(_key) & _sim.TryAdd(_key, _value);

    [Benchmark(Baseline = true), BenchmarkCategory(Ops.GetNextKey)]
    public long GetNextKey_Bare() => BareSyscall.Bpf(BareSyscall.MapGetNextKey, _getNextKey, BareSyscall.GetNextKeySize);

    [Benchmark, BenchmarkCategory(Ops.GetNextKey)]
    public Errno GetNextKey_Kernel() => KernelBackend.GetNextKey(KernelHandle, Key, _nextKey);

    [Benchmark, BenchmarkCategory(Ops.GetNextKey)]
    public Errno GetNextKey_Sim() => SimBackend.GetNextKey(SimHandle, Key, _nextKey);
}

/// <summary>Element commands on a PERCPU_HASH map of 4-byte keys and 8-byte values per CPU (1024 keys).</summary>
public class PerCpuElementBenchmarks : ElementBenchmarks
{
    private BpfPerCpuHashMap<uint, ulong> _kernel = null!;
    private BpfPerCpuHashMap<uint, ulong> _sim = null!;
    private uint _key;
    private ulong[] _perCpu = [];

    [GlobalSetup]
    public void Setup()
    {
        var backends = new Backends();
        var keys = Maps.OnePerBucket((int)Maps.DenseEntries, Maps.DenseEntries);
        var values = new ulong[keys.Length * backends.PossibleCpus];
        _kernel = new BpfPerCpuHashMap<uint, ulong>(backends.Kernel, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _sim = new BpfPerCpuHashMap<uint, ulong>(backends.Simulator, Maps.DenseEntries, BpfMapFlags.ZeroSeed);
        _kernel.UpdateBatch(keys, values).ThrowIfFailed();
        _sim.UpdateBatch(keys, values).ThrowIfFailed();
        _key = keys[keys.Length / 2];
        _perCpu = new ulong[backends.PossibleCpus];
        Prepare(backends, _kernel, _sim, _key);

        CheckElementPaths();
        Maps.Check(Lookup_KernelTyped() && Lookup_SimTyped() && Update_KernelTyped() && Update_SimTyped(), "typed lookups and updates succeed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel.Dispose();
        _sim.Dispose();
        ReleaseNative();
    }

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public bool Lookup_KernelTyped() => _kernel.TryLookup(_key, _perCpu);

    [Benchmark, BenchmarkCategory(Ops.Lookup)]
    public bool Lookup_SimTyped() => _sim.TryLookup(_key, _perCpu);

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public bool Update_KernelTyped()
    {
        _kernel.Update(_key, _perCpu);
        return true;
    }

    [Benchmark, BenchmarkCategory(Ops.Update)]
    public bool Update_SimTyped()
    {
        _sim.Update(_key, _perCpu);
        return true;
    }
}

/// <summary>Category names: the operation a row measures.</summary>
internal static class Ops
{
    public const string Lookup = "Lookup";
    public const string Update = "Update";
    public const string DeleteInsert = "Delete+Insert";
    public const string GetNextKey = "GetNextKey";
    public const string LookupBatch = "LookupBatch";
    public const string UpdateBatch = "UpdateBatch";
    public const string LookupAndDeleteBatch = "LookupAndDeleteBatch+UpdateBatch";
}
