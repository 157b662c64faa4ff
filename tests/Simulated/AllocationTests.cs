using System.Buffers.Binary;
using BpfMaps.Testing;

namespace BpfMaps.Simulated.Tests;

/// <summary>
/// Zero allocations in steady state through the raw contract (issue 7): every element command and every batch call
/// of every map type, after a warm-up that inserted and deleted each key at least once, allocates nothing, as on the
/// kernel. Growth while a map first fills is allowed; what a call allocates is measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public sealed class AllocationTests
{
    private const int Calls = 1000;

    private readonly SimulatedBpfMapBackend _backend = new();

    [Fact]
    public void HashElementCommandsAllocateNothing()
    {
        using var hash = Create(new BpfMapSpec(BpfMapType.Hash, 4, 8, 64));
        using var full = Create(new BpfMapSpec(BpfMapType.Hash, 4, 8, 4));
        using var perCpu = Create(new BpfMapSpec(BpfMapType.PerCpuHash, 4, 12, 64));
        using var locked = Create(new BpfMapSpec(BpfMapType.Hash, 4, 12, 64) { Btf = BpfMapBtf.SpinLockAt(4) });
        var (key, absent, value, perCpuValue, lockedValue) = (U32(1), U32(999), new byte[8], new byte[perCpu.Layout.ValueSize], new byte[12]);
        var next = new byte[4];
        for (var k = 0u; k < 40; k++)
        {
            Ok(_backend.Update(hash, U32(k), value));
            Ok(_backend.Update(perCpu, U32(k), perCpuValue));
            Ok(_backend.Update(locked, U32(k), lockedValue));
        }

        for (var k = 0u; k < 4; k++)
        {
            Ok(_backend.Update(full, U32(k), value));
        }

        var (fresh, two) = (U32(1000), U32(2));
        AssertAllocateNothing(new()
        {
            ["HASH Update of a new key + Delete"] = () => { Ok(_backend.Update(hash, fresh, value)); Ok(_backend.Delete(hash, fresh)); },
            ["HASH Update replacing a key"] = () => Ok(_backend.Update(hash, key, value)),
            ["HASH Update BPF_EXIST replacing a key"] = () => Ok(_backend.Update(hash, key, value, BpfElementFlags.Exist)),
            ["HASH Update BPF_NOEXIST of an existing key (EEXIST)"] = () => Expect(Errno.EEXIST, _backend.Update(hash, key, value, BpfElementFlags.NoExist)),
            ["HASH Update of a new key into a full map (E2BIG)"] = () => Expect(Errno.E2BIG, _backend.Update(full, fresh, value)),
            ["HASH Update replacing a key of a full map"] = () => Ok(_backend.Update(full, two, value)),
            ["HASH Lookup (found)"] = () => Ok(_backend.Lookup(hash, key, value)),
            ["HASH Lookup (absent)"] = () => Expect(Errno.ENOENT, _backend.Lookup(hash, absent, value)),
            ["HASH Delete (absent)"] = () => Expect(Errno.ENOENT, _backend.Delete(hash, absent)),
            ["HASH Update + LookupAndDelete"] = () => { Ok(_backend.Update(hash, fresh, value)); Ok(_backend.LookupAndDelete(hash, fresh, value)); },
            ["HASH GetNextKey (first)"] = () => Ok(_backend.GetNextKey(hash, [], next)),
            ["HASH GetNextKey (of a key)"] = () => Ok(_backend.GetNextKey(hash, key, next)),
            ["HASH GetNextKey (absent key)"] = () => Ok(_backend.GetNextKey(hash, absent, next)),
            ["PERCPU_HASH Update of a new key + Delete"] = () => { Ok(_backend.Update(perCpu, fresh, perCpuValue)); Ok(_backend.Delete(perCpu, fresh)); },
            ["PERCPU_HASH Update replacing a key (in place)"] = () => Ok(_backend.Update(perCpu, key, perCpuValue)),
            ["PERCPU_HASH Lookup"] = () => Ok(_backend.Lookup(perCpu, key, perCpuValue)),
            ["PERCPU_HASH Update + LookupAndDelete"] = () => { Ok(_backend.Update(perCpu, fresh, perCpuValue)); Ok(_backend.LookupAndDelete(perCpu, fresh, perCpuValue)); },
            ["HASH with a spin lock Update BPF_F_LOCK (in place)"] = () => Ok(_backend.Update(locked, key, lockedValue, BpfElementFlags.Lock)),
            ["HASH with a spin lock Update replacing a key"] = () => Ok(_backend.Update(locked, key, lockedValue)),
            ["HASH with a spin lock Lookup BPF_F_LOCK"] = () => Ok(_backend.Lookup(locked, key, lockedValue, BpfElementFlags.Lock)),
        });
    }

    [Theory]
    [InlineData(BpfMapType.LruHash, BpfMapFlags.None)]
    [InlineData(BpfMapType.LruHash, BpfMapFlags.NoCommonLru)]
    [InlineData(BpfMapType.LruPerCpuHash, BpfMapFlags.None)]
    [InlineData(BpfMapType.LruPerCpuHash, BpfMapFlags.NoCommonLru)]
    public void LruElementCommandsAllocateNothing(BpfMapType type, BpfMapFlags flags)
    {
        using var lru = Create(new BpfMapSpec(type, 4, 8, 48) { Flags = flags });
        using var tiny = Create(new BpfMapSpec(type, 4, 8, 2) { Flags = flags });
        var (key, value, evicting) = (U32(1), new byte[lru.Layout.ValueSize], new byte[4]);
        var (fresh, next) = (0u, 0u);
        Ok(_backend.Update(lru, key, value));
        AssertAllocateNothing(new()
        {
            // Keys cycle through four times max_entries, so that every update of a new key evicts.
            ["Update of new keys (evicting)"] = () => Ok(_backend.Update(lru, U32Into(evicting, next++ % 192), value)),
            ["program writes of new keys from CPUs 0, 1, 2 in turn (evicting)"] = () =>
                Ok(_backend.WriteAsProgram(lru, U32Into(evicting, next++ % 192), value.AsSpan(0, 8), cpu: (int)(next % 3))),

            // §12.1: two nodes for three CPUs, so that with the common LRU a CPU finds nothing free nor evictable
            // and steals another CPU's pending node.
            ["program writes of new keys into 2 entries from CPUs 0, 1, 2 in turn (stealing)"] = () =>
                Ok(_backend.WriteAsProgram(tiny, U32Into(evicting, next++ % 192), value.AsSpan(0, 8), cpu: (int)(next % 3))),
            ["Update replacing a key"] = () => Ok(_backend.Update(lru, key, value)),
            ["Update BPF_EXIST replacing a key"] = () => Ok(_backend.Update(lru, key, value, BpfElementFlags.Exist)),
            ["Update BPF_NOEXIST of an existing key (EEXIST)"] = () => Expect(Errno.EEXIST, _backend.Update(lru, key, value, BpfElementFlags.NoExist)),
            ["Lookup"] = () => Ok(_backend.Lookup(lru, key, value)),
            ["Update of a new key + Delete"] = () => { Ok(_backend.Update(lru, U32Into(evicting, 1000 + (fresh++ % 8)), value)); Ok(_backend.Delete(lru, evicting)); },
            ["Update + LookupAndDelete"] = () => { Ok(_backend.Update(lru, U32Into(evicting, 2000), value)); Ok(_backend.LookupAndDelete(lru, evicting, value)); },
        }, Name(type, flags));

        // Commands on another CPU's lists (§12); RunOnCpu itself allocates (an AsyncLocal), so it is entered unmeasured.
        using (_backend.RunOnCpu(2))
        {
            AssertAllocateNothing(new()
            {
                ["Update of new keys on CPU 2 (evicting)"] = () => Ok(_backend.Update(lru, U32Into(evicting, next++ % 192), value)),
                ["Update replacing a key on CPU 2"] = () => Ok(_backend.Update(lru, key, value)),
            }, Name(type, flags));
        }

        static string Name(BpfMapType type, BpfMapFlags flags) => type + (flags == BpfMapFlags.None ? " " : " BPF_F_NO_COMMON_LRU ");
    }

    [Fact]
    public void ArrayElementCommandsAllocateNothing()
    {
        using var array = Create(new BpfMapSpec(BpfMapType.Array, 4, 12, 64));
        using var perCpu = Create(new BpfMapSpec(BpfMapType.PerCpuArray, 4, 12, 64));
        var (key, past, value, perCpuValue, next) = (U32(5), U32(64), new byte[12], new byte[perCpu.Layout.ValueSize], new byte[4]);
        var index = 0u;

        AssertAllocateNothing(new()
        {
            ["ARRAY Update"] = () => Ok(_backend.Update(array, U32Into(next, index++ % 64), value)),
            ["ARRAY Lookup"] = () => Ok(_backend.Lookup(array, key, value)),
            ["ARRAY Lookup (past the end)"] = () => Expect(Errno.ENOENT, _backend.Lookup(array, past, value)),
            ["ARRAY GetNextKey"] = () => Ok(_backend.GetNextKey(array, key, next)),
            ["ARRAY Delete (EINVAL)"] = () => Expect(Errno.EINVAL, _backend.Delete(array, key)),
            ["PERCPU_ARRAY Update"] = () => Ok(_backend.Update(perCpu, key, perCpuValue)),
            ["PERCPU_ARRAY Lookup"] = () => Ok(_backend.Lookup(perCpu, key, perCpuValue)),
        });
    }

    [Theory]
    [InlineData(BpfMapType.Queue)]
    [InlineData(BpfMapType.Stack)]
    public void QueueAndStackCommandsAllocateNothing(BpfMapType type)
    {
        using var map = Create(new BpfMapSpec(type, 0, 8, 8));
        using var full = Create(new BpfMapSpec(type, 0, 8, 8));
        var value = new byte[8];
        for (var i = 0; i < 8; i++)
        {
            Ok(_backend.Update(full, [], value));
        }

        AssertAllocateNothing(new()
        {
            ["push + pop"] = () => { Ok(_backend.Update(map, [], value)); Ok(_backend.LookupAndDelete(map, [], value)); },
            ["push + peek + pop"] = () => { Ok(_backend.Update(map, [], value)); Ok(_backend.Lookup(map, [], value)); Ok(_backend.LookupAndDelete(map, [], value)); },
            ["push BPF_EXIST overwriting the oldest (full)"] = () => Ok(_backend.Update(full, [], value, BpfElementFlags.Exist)),
            ["push into a full map (E2BIG)"] = () => Expect(Errno.E2BIG, _backend.Update(full, [], value)),
            ["peek"] = () => Ok(_backend.Lookup(full, [], value)),
            ["pop of an empty map (ENOENT)"] = () => Expect(Errno.ENOENT, _backend.LookupAndDelete(map, [], value)),
        }, type + " ");
    }

    [Theory]
    [InlineData(BpfMapType.Hash)]
    [InlineData(BpfMapType.PerCpuHash)]
    [InlineData(BpfMapType.LruHash)]
    [InlineData(BpfMapType.LruPerCpuHash)]
    public void HashBatchCallsAllocateNothing(BpfMapType type)
    {
        using var map = Create(new BpfMapSpec(type, 4, 8, 64));
        using var drained = Create(new BpfMapSpec(type, 4, 8, 64));
        var valueSize = (int)map.Layout.ValueSize;
        var (keys, values) = (new byte[40 * 4], new byte[40 * valueSize]);
        for (var k = 0; k < 40; k++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(k * 4), (uint)k);
        }

        var count = 40u;
        Ok(_backend.UpdateBatch(map, keys, values, ref count));
        var fresh = new byte[4 * 4];
        for (var k = 0; k < 4; k++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(fresh.AsSpan(k * 4), 100u + (uint)k);
        }

        var pass = new BatchPass(_backend, chunk: 16, valueSize);
        AssertAllocateNothing(new()
        {
            ["UpdateBatch of 4 new keys + DeleteBatch"] = () =>
            {
                var n = 4u;
                Ok(_backend.UpdateBatch(map, fresh, values.AsSpan(0, 4 * valueSize), ref n));
                n = 4;
                Ok(_backend.DeleteBatch(map, fresh, ref n));
            },
            ["UpdateBatch of 40 existing keys"] = () => { var n = 40u; Ok(_backend.UpdateBatch(map, keys, values, ref n)); },
            ["DeleteBatch of missing keys (ENOENT)"] = () => { var n = 4u; Expect(Errno.ENOENT, _backend.DeleteBatch(map, fresh, ref n)); },
            ["LookupBatch pass over 40 elements"] = () => pass.Run(map, andDelete: false),
            ["UpdateBatch of 40 keys + LookupAndDeleteBatch pass"] = () =>
            {
                var n = 40u;
                Ok(_backend.UpdateBatch(drained, keys, values, ref n));
                pass.Run(drained, andDelete: true);
            },
        }, type + " ", calls: 200);
    }

    [Theory]
    [InlineData(BpfMapType.Array)]
    [InlineData(BpfMapType.PerCpuArray)]
    public void ArrayBatchCallsAllocateNothing(BpfMapType type)
    {
        using var map = Create(new BpfMapSpec(type, 4, 8, 40));
        var valueSize = (int)map.Layout.ValueSize;
        var (keys, values) = (new byte[40 * 4], new byte[40 * valueSize]);
        for (var k = 0; k < 40; k++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(k * 4), (uint)k);
        }

        var pass = new BatchPass(_backend, chunk: 16, valueSize);
        AssertAllocateNothing(new()
        {
            ["UpdateBatch of 40 indexes"] = () => { var n = 40u; Ok(_backend.UpdateBatch(map, keys, values, ref n)); },
            ["LookupBatch pass over 40 elements"] = () => pass.Run(map, andDelete: false),
        }, type + " ", calls: 200);
    }

    [Theory]
    [InlineData(BpfMapType.Hash)]
    [InlineData(BpfMapType.PerCpuHash)]
    [InlineData(BpfMapType.LruPerCpuHash)]
    [InlineData(BpfMapType.PerCpuArray)]
    [InlineData(BpfMapType.Queue)]
    public void ProgramWritesAllocateNothing(BpfMapType type)
    {
        var keyless = type == BpfMapType.Queue;
        using var map = Create(new BpfMapSpec(type, keyless ? 0u : 4u, 8, 16));
        var (key, value, popped) = (keyless ? [] : U32(3), new byte[8], new byte[8]);

        AssertAllocateNothing(new()
        {
            ["WriteAsProgram"] = () =>
            {
                Ok(_backend.WriteAsProgram(map, key, value, cpu: 1));
                if (keyless)
                {
                    Ok(_backend.LookupAndDelete(map, [], popped));
                }
            },
        }, type + " ");
    }

    /// <summary>Asserts that each case allocates nothing in steady state; the failure lists every one that does.</summary>
    private static void AssertAllocateNothing(Dictionary<string, Action> cases, string prefix = "", int calls = Calls)
    {
        var allocating = new List<string>();
        foreach (var (name, operation) in cases)
        {
            var bytes = Allocations.SteadyState(operation, calls);
            if (bytes != 0)
            {
                allocating.Add($"{prefix}{name}: {bytes} bytes in {calls} calls ({(double)bytes / calls:0.#} per call)");
            }
        }

        Assert.True(allocating.Count == 0, "Allocating in steady state:\n" + string.Join("\n", allocating));
    }

    private BpfMapHandle Create(BpfMapSpec spec)
    {
        Ok(_backend.CreateMap(spec, out var map));
        return map!;
    }

    // Checked without Assert.Equal, whose boxing would be measured too.
    private static void Ok(Errno errno) => Expect(Errno.None, errno);

    private static void Expect(Errno expected, Errno errno)
    {
        if (errno != expected)
        {
            throw new InvalidOperationException($"Expected {expected}, got {errno}.");
        }
    }

    private static byte[] U32(uint value) => U32Into(new byte[4], value);

    private static byte[] U32Into(byte[] buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        return buffer;
    }

    /// <summary>Batch lookups from the first bucket or index to the end, in chunks, into buffers made once.</summary>
    private sealed class BatchPass(IBpfMapBackend backend, int chunk, int valueSize)
    {
        private readonly byte[] _keys = new byte[chunk * 4];
        private readonly byte[] _values = new byte[chunk * valueSize];
        private readonly byte[] _cursors = new byte[8];

        public void Run(BpfMapHandle map, bool andDelete)
        {
            var started = false;
            while (true)
            {
                var count = (uint)chunk;
                var inBatch = started ? _cursors.AsSpan(0, 4) : [];
                var errno = andDelete
                    ? backend.LookupAndDeleteBatch(map, inBatch, _cursors.AsSpan(4, 4), _keys, _values, ref count)
                    : backend.LookupBatch(map, inBatch, _cursors.AsSpan(4, 4), _keys, _values, ref count);
                if (errno != Errno.None)
                {
                    Expect(Errno.ENOENT, errno);
                    return;
                }

                _cursors.AsSpan(4, 4).CopyTo(_cursors);
                started = true;
            }
        }
    }
}
