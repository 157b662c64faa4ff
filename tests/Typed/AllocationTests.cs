using System.Runtime.InteropServices;
using BpfMaps.Testing;

namespace BpfMaps.Typed.Tests;

/// <summary>
/// Zero allocations in steady state, measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, on both
/// backends (issue 7): every typed operation allocates nothing (new elements, replacements, LRU evictions, pushes and
/// pops, batch updates and deletes, reads and drains), and the typed layer adds nothing to what its backend's own
/// calls allocate.
/// </summary>
public abstract class AllocationTests : BackendTests
{
    [Fact]
    public void ElementCommandsAllocateNothing()
    {
        using var hash = new BpfHashMap<FlowKey, ulong>(Backend, 64);
        using var perCpu = new BpfPerCpuHashMap<uint, Counters>(Backend, 64);
        using var perCpuDense = new BpfPerCpuHashMap<uint, ulong>(Backend, 64);
        using var lru = new BpfLruHashMap<uint, ulong>(Backend, 64);
        using var array = new BpfArrayMap<Counters>(Backend, 64);
        using var perCpuArray = new BpfPerCpuArrayMap<uint>(Backend, 64);
        using var queue = new BpfQueue<ulong>(Backend, 8);
        var key = new FlowKey(1, 2, 3);
        var absent = new FlowKey(9, 9, 9);
        hash.Update(key, 1);
        var counters = new Counters[perCpu.PossibleCpuCount];
        var dense = new ulong[perCpu.PossibleCpuCount];
        var words = new uint[perCpu.PossibleCpuCount];
        perCpu.Update(1, counters);
        perCpuDense.Update(1, dense);
        lru.Update(1, 1);

        AssertAllocateNothing(new()
        {
            ["hash TryLookup (found)"] = () => hash.TryLookup(key, out _),
            ["hash TryLookup (absent)"] = () => hash.TryLookup(absent, out _),
            ["hash Lookup"] = () => hash.Lookup(key),
            ["hash TryAdd (exists)"] = () => hash.TryAdd(key, 2),
            ["hash TryReplace (absent)"] = () => hash.TryReplace(absent, 2),
            ["hash TryDelete (absent)"] = () => hash.TryDelete(absent),
            ["hash TryLookupAndDelete (absent)"] = () => hash.TryLookupAndDelete(absent, out _),
            ["per-CPU hash TryLookup (12-byte values, padded)"] = () => perCpu.TryLookup(1, counters),
            ["per-CPU hash Update (12-byte values, padded)"] = () => perCpu.Update(1, counters),
            ["per-CPU hash TryReplace (8-byte values, in place)"] = () => perCpuDense.TryReplace(1, dense),
            ["per-CPU hash Lookup (8-byte values, in place)"] = () => perCpuDense.Lookup(1, dense),
            ["LRU hash TryLookup"] = () => lru.TryLookup(1, out _),
            ["array Lookup"] = () => array.Lookup(5),
            ["array Update"] = () => array.Update(5, new Counters(1, 2, 3)),
            ["per-CPU array Lookup"] = () => perCpuArray.Lookup(5, words),
            ["per-CPU array Update"] = () => perCpuArray.Update(5, words),
            ["queue TryPeek (empty)"] = () => queue.TryPeek(out _),
            ["queue TryPop (empty)"] = () => queue.TryPop(out _),
        });
    }

    [Fact]
    public void BatchCallsAllocateNothing()
    {
        using var hash = new BpfHashMap<uint, ulong>(Backend, 64);
        using var perCpu = new BpfPerCpuHashMap<uint, uint>(Backend, 64);
        using var array = new BpfArrayMap<ulong>(Backend, 64);
        using var perCpuArray = new BpfPerCpuArrayMap<Counters>(Backend, 64);
        var keys = new uint[] { 1, 2, 3, 4 };
        var missing = new uint[] { 50, 51, 52 };
        var values = new ulong[] { 10, 20, 30, 40 };
        var perCpuWords = new uint[keys.Length * perCpu.PossibleCpuCount];
        var perCpuCounters = new Counters[keys.Length * perCpu.PossibleCpuCount];
        perCpu.UpdateBatch(keys, perCpuWords).ThrowIfFailed();

        AssertAllocateNothing(new()
        {
            ["array UpdateBatch"] = () => array.UpdateBatch(keys, values),
            ["per-CPU array UpdateBatch (padded values, pooled buffer)"] = () => perCpuArray.UpdateBatch(keys, perCpuCounters),
            ["per-CPU hash UpdateBatch (existing keys)"] = () => perCpu.UpdateBatch(keys, perCpuWords),
            ["hash DeleteBatch (missing keys)"] = () => hash.DeleteBatch(missing),
            ["hash DeleteBatchSkippingMissing"] = () => hash.DeleteBatchSkippingMissing(missing),
            ["BpfBatchResult.ThrowIfFailed (complete)"] = () => array.UpdateBatch(keys, values).ThrowIfFailed(),
        });
    }

    [Fact]
    public void AGetNextKeyWalkAllocatesNothing()
    {
        var backend = new ForwardingBackend(Backend) { WithoutBatchLookup = true };
        using var map = new BpfHashMap<uint, ulong>(backend, 64);
        for (var key = 0u; key < 40; key++)
        {
            map.Update(key, key);
        }

        using var reader = map.Read(new BpfIterationOptions { InitialChunkSize = 8 });
        var sum = 0UL;
        AssertAllocateNothing(new()
        {
            ["get-next-key pass"] = () =>
            {
                foreach (var (_, value) in reader)
                {
                    sum += value;
                }
            },
        }, operations: 50);
        Assert.Equal(BpfIterationMethod.GetNextKey, reader.Method);
        Assert.True(sum > 0);
    }

    [Fact]
    public void EveryOperationAllocatesNothing()
    {
        using var hash = new BpfHashMap<FlowKey, ulong>(Backend, 1024);
        using var lru = new BpfLruHashMap<uint, ulong>(Backend, 64);
        using var perCpuLru = new BpfLruPerCpuHashMap<uint, Counters>(Backend, 64);
        using var queue = new BpfQueue<ulong>(Backend, 8);
        using var stack = new BpfStack<Counters>(Backend, 8);
        using var batched = new BpfHashMap<uint, ulong>(Backend, 1024);
        using var array = new BpfArrayMap<ulong>(Backend, 500);
        using var perCpuArray = new BpfPerCpuArrayMap<Counters>(Backend, 300);
        var keys = Enumerable.Range(0, 300).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => (ulong)k).ToArray();
        var counters = new Counters[perCpuLru.PossibleCpuCount];
        var next = 0u;
        batched.UpdateBatch(keys, values).ThrowIfFailed();
        using var hashReader = batched.Read();
        using var arrayReader = array.Read();
        using var perCpuReader = perCpuArray.Read();
        using var drainMap = new BpfPerCpuHashMap<uint, ulong>(Backend, 1024);
        var perCpuValues = new ulong[keys.Length * drainMap.PossibleCpuCount];
        using var drain = drainMap.Drain();
        var key = new FlowKey(1, 2, 3);
        var existing = new FlowKey(7, 7, 7);
        hash.Update(existing, 1);
        using var lruExisting = new BpfLruHashMap<uint, ulong>(Backend, 64);
        lruExisting.Update(7, 1);

        AssertAllocateNothing(new()
        {
            ["hash Update + TryDelete of a new key"] = () => { hash.Update(key, 1); hash.TryDelete(key); },
            ["hash TryAdd + TryLookupAndDelete"] = () => { hash.TryAdd(key, 1); hash.TryLookupAndDelete(key, out _); },
            ["hash Update of an existing key"] = () => hash.Update(existing, 2),
            ["hash TryReplace of an existing key"] = () => hash.TryReplace(existing, 3),
            ["hash Update + TryDelete of new keys, 2048 in turn"] = () => { var k = new FlowKey(next++ % 2048, 0, 0); hash.Update(k, 1); hash.TryDelete(k); },
            ["LRU hash Update of new keys (evicting)"] = () => lru.Update(next++, 1),
            ["LRU hash Update of an existing key"] = () => lruExisting.Update(7, 2),
            ["LRU per-CPU hash Update of new keys (evicting, padded)"] = () => perCpuLru.Update(next++, counters),
            ["queue Push + TryPop"] = () => { queue.Push(1); queue.TryPop(out _); },
            ["queue Push + TryPeek + TryPop"] = () => { queue.Push(1); queue.TryPeek(out _); queue.TryPop(out _); },
            ["stack Push (overwriting) + TryPeek"] = () => { stack.Push(default, overwriteOldest: true); stack.TryPeek(out _); },
            ["hash UpdateBatch + DeleteBatch of new keys"] = () => { batched.DeleteBatch(keys); batched.UpdateBatch(keys, values); },
        });
        AssertAllocateNothing(new()
        {
            ["hash read pass"] = () => Consume(hashReader),
            ["array read pass"] = () => Consume(arrayReader),
            ["per-CPU array read pass (padded values)"] = () =>
            {
                foreach (var (_, perCpu) in perCpuReader)
                {
                    _ = perCpu[0];
                }
            },
            ["per-CPU hash UpdateBatch + drain pass"] = () => { drainMap.UpdateBatch(keys, perCpuValues); Consume(drain); },
        }, operations: 50);
    }

    [Fact]
    public void TheTypedLayerAddsNothingToTheBackendsOwnAllocations()
    {
        var backend = Backend;
        using var hash = new BpfHashMap<uint, ulong>(backend, 1024);
        using var lru = new BpfLruHashMap<uint, ulong>(backend, 1024);
        using var queue = new BpfQueue<ulong>(backend, 8);
        using var array = new BpfArrayMap<ulong>(backend, 300);
        using var perCpu = new BpfPerCpuHashMap<uint, ulong>(backend, 256);
        var keys = Enumerable.Range(0, 200).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => (ulong)k).ToArray();
        hash.UpdateBatch(keys, values).ThrowIfFailed();
        lru.Update(7, 7);
        perCpu.UpdateBatch(keys, new ulong[keys.Length * perCpu.PossibleCpuCount]).ThrowIfFailed();
        var (key, value) = (Bytes(1000u), Bytes(5UL));
        var (existing, lruKey, none, popped) = (Bytes(3u), Bytes(7u), Array.Empty<byte>(), new byte[8]);
        var keyBytes = MemoryMarshal.AsBytes(keys.AsSpan()).ToArray();
        var valueBytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var options = new BpfIterationOptions { InitialChunkSize = 32, MaxChunkSize = 32 };
        using var hashReader = hash.Read(options);
        using var arrayReader = array.Read(options);
        using var perCpuReader = perCpu.Read(options);
        var raw = new RawPass(backend, 32, (int)perCpu.Handle.Layout.ValueSize);
        var drainMap = new BpfHashMap<uint, ulong>(backend, 1024);
        using var drain = drainMap.Drain(options);

        AssertAddsNothing(new()
        {
            ["hash Update + TryDelete of a new key"] = (
                () => { hash.Update(1000, 5); hash.TryDelete(1000); },
                () => { backend.Update(hash.Handle, key, value); backend.Delete(hash.Handle, key); }),
            ["hash Update of an existing key"] = (() => hash.Update(3, 5), () => backend.Update(hash.Handle, existing, value)),
            ["hash TryLookupAndDelete"] = (
                () => { hash.Update(1000, 5); hash.TryLookupAndDelete(1000, out _); },
                () => { backend.Update(hash.Handle, key, value); backend.LookupAndDelete(hash.Handle, key, popped); }),
            ["LRU hash Update of an existing key"] = (() => lru.Update(7, 5), () => backend.Update(lru.Handle, lruKey, value)),
            ["queue Push + TryPop"] = (
                () => { queue.Push(5); queue.TryPop(out _); },
                () => { backend.Update(queue.Handle, none, value); backend.LookupAndDelete(queue.Handle, none, popped); }),
            ["hash UpdateBatch of existing keys"] = (
                () => hash.UpdateBatch(keys, values),
                () => { var count = (uint)keys.Length; backend.UpdateBatch(hash.Handle, keyBytes, valueBytes, ref count); }),
            ["hash read pass"] = (() => Consume(hashReader), () => raw.Run(hash.Handle, andDelete: false)),
            ["array read pass"] = (() => Consume(arrayReader), () => raw.Run(array.Handle, andDelete: false)),
            ["per-CPU hash read pass"] = (() => Consume(perCpuReader), () => raw.Run(perCpu.Handle, andDelete: false)),
            ["hash drain pass"] = (
                () => { drainMap.UpdateBatch(keys, values); Consume(drain); },
                () => { var count = (uint)keys.Length; backend.UpdateBatch(drainMap.Handle, keyBytes, valueBytes, ref count); raw.Run(drainMap.Handle, andDelete: true); }),
        });
        drainMap.Dispose();
    }

    /// <summary>Asserts that each case allocates nothing in steady state; the failure lists every one that does.</summary>
    protected static void AssertAllocateNothing(Dictionary<string, Action> cases, int operations = 1000)
    {
        var allocating = cases
            .Select(o => (o.Key, Bytes: Allocations.SteadyState(o.Value, operations)))
            .Where(o => o.Bytes != 0)
            .Select(o => $"{o.Key}: {o.Bytes} bytes in {operations} calls")
            .ToList();
        Assert.True(allocating.Count == 0, "Allocating in steady state:\n" + string.Join("\n", allocating));
    }

    /// <summary>Sums the values of a pass.</summary>
    protected static ulong Consume(BpfMapReader<uint, ulong> reader)
    {
        var sum = 0UL;
        foreach (var (_, value) in reader)
        {
            sum += value;
        }

        return sum;
    }

    /// <summary>Sums CPU 0's values of a pass.</summary>
    protected static ulong Consume(BpfPerCpuMapReader<uint, ulong> reader)
    {
        var sum = 0UL;
        foreach (var (_, values) in reader)
        {
            sum += values[0];
        }

        return sum;
    }

    /// <summary>The bytes of a key or value.</summary>
    protected static byte[] Bytes<T>(T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    private static void AssertAddsNothing(Dictionary<string, (Action Typed, Action Raw)> operations)
    {
        var measured = operations
            .Select(o => (o.Key, Typed: Allocations.SteadyState(o.Value.Typed, 200), Raw: Allocations.SteadyState(o.Value.Raw, 200)))
            .ToList();
        var adding = measured.Where(o => o.Typed != o.Raw).Select(o => $"{o.Key}: typed {o.Typed} bytes, backend alone {o.Raw} bytes").ToList();
        Assert.True(adding.Count == 0, "The typed layer allocates beyond its backend:\n" + string.Join("\n", adding));
    }

    /// <summary>The batch lookups a reader with a fixed chunk makes, made directly on the backend.</summary>
    private sealed class RawPass(IBpfMapBackend backend, int chunk, int valueSize)
    {
        private readonly byte[] _keys = new byte[chunk * 8];
        private readonly byte[] _values = new byte[chunk * valueSize];
        private readonly byte[] _cursors = new byte[8];

        public void Run(BpfMapHandle map, bool andDelete)
        {
            var started = false;
            while (true)
            {
                var count = (uint)chunk;
                var inBatch = started ? _cursors.AsSpan(0, 4) : [];
                var keys = _keys.AsSpan(0, chunk * (int)map.Spec.KeySize);
                var values = _values.AsSpan(0, chunk * (int)map.Layout.ValueSize);
                var errno = andDelete
                    ? backend.LookupAndDeleteBatch(map, inBatch, _cursors.AsSpan(4, 4), keys, values, ref count)
                    : backend.LookupBatch(map, inBatch, _cursors.AsSpan(4, 4), keys, values, ref count);
                if (errno != Errno.None)
                {
                    // Checked without Assert.Equal, which would allocate.
                    Assert.True(errno == Errno.ENOENT);
                    return;
                }

                _cursors.AsSpan(4, 4).CopyTo(_cursors);
                started = true;
            }
        }
    }
}

public sealed class KernelAllocationTests : AllocationTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => KernelLeaf.Configure(options);

    protected override void EnsureAvailable() => KernelLeaf.EnsureAvailable();
}

public sealed class SimulatedAllocationTests : AllocationTests
{
    protected override void Configure(Hosting.BpfMapsOptions options) => SimulatedLeaf.Configure(options);
}
