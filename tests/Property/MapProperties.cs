using BpfMaps.Conformance;

namespace BpfMaps.PropertyTests;

/// <summary>
/// Properties every backend must satisfy, whatever the map's sizes. They need no second backend to compare with, so
/// they run on each backend alone (the simulator everywhere, the kernel where bpf(2) works); a leaf supplies the
/// backend. The kernel leaf is not pinned to a CPU, so LRU maps are checked only through the invariants that hold under
/// CPU migration (reference §12.1).
/// </summary>
public abstract class MapProperties
{
    private static readonly BpfMapType[] KeyedTypes =
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.Array, BpfMapType.PerCpuArray, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];
    private static readonly BpfMapType[] HashTypes = [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];
    private static readonly BpfMapType[] NonLruHashTypes = [BpfMapType.Hash, BpfMapType.PerCpuHash];
    private static readonly BpfMapType[] LruTypes = [BpfMapType.LruHash, BpfMapType.LruPerCpuHash];
    private static readonly BpfMapType[] ArrayTypes = [BpfMapType.Array, BpfMapType.PerCpuArray];
    private static readonly BpfMapType[] PerCpuTypes = [BpfMapType.PerCpuHash, BpfMapType.PerCpuArray, BpfMapType.LruPerCpuHash];
    private static readonly BpfMapType[] QueueStackTypes = [BpfMapType.Queue, BpfMapType.Stack];
    private static readonly BpfMapType[] AllTypes = [.. KeyedTypes, .. QueueStackTypes];

    protected abstract IBpfMapBackend CreateBackend();

    /// <summary>
    /// §4, §5: an update that succeeds is read back byte for byte at once, for every keyed type; LRU updates never fail
    /// and the just-written key is present right after (§12.1, true under CPU migration too).
    /// </summary>
    [Fact]
    public void UpdateThenLookupReturnsWhatWasWritten() => Check(KeyedTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            // Non-LRU hash maps take at most max_entries keys, so their keys come from a pool of that size.
            var pool = map.Spec.Type switch
            {
                BpfMapType.Hash or BpfMapType.PerCpuHash => DistinctKeys(map, random, KeyCount(map, (int)map.Spec.MaxEntries)),
                _ when map.Spec.Type.IsLru() => DistinctKeys(map, random, KeyCount(map, 2 * (int)map.Spec.MaxEntries)),
                _ => [],
            };
            for (var i = random.Next(1, 2 * (int)map.Spec.MaxEntries); i > 0; i--)
            {
                var key = map.Spec.Type.IsArrayFamily() ? Data.U32((uint)random.Next((int)map.Spec.MaxEntries)) : pool[random.Next(pool.Count)];
                var value = RandomBytes(random, map.Layout.ValueSize);
                Expect.Errno(Errno.None, backend.Update(map, key, value), $"update {Data.Hex(key)}");
                var read = new byte[map.Layout.ValueSize];
                Expect.Errno(Errno.None, backend.Lookup(map, key, read), $"lookup {Data.Hex(key)}");
                Expect.Bytes(value, read, "value read back");
            }
        }
    });

    /// <summary>§5.1: BPF_NOEXIST on a key that exists is EEXIST and leaves the first value (non-LRU: an LRU update may evict the key itself first, §5.3).</summary>
    [Fact]
    public void NoExistTwiceGivesEexistAndKeepsTheFirstValue() => Check(NonLruHashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = RandomKey(map, random);
            var first = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, first, BpfElementFlags.NoExist), "first NOEXIST");
            Expect.Errno(Errno.EEXIST, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.NoExist), "second NOEXIST");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(first, read, "the first value stays");
        }
    });

    /// <summary>§2: each CPU's slot of a per-CPU value is stored apart, padding included.</summary>
    [Fact]
    public void PerCpuSlotsAreIndependentAndKeepTheirPadding() => Check(PerCpuTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = RandomKey(map, random);
            var value = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, value), "update all slots");
            var cpu = random.Next(backend.PossibleCpuCount);
            var slot = RandomBytes(random, map.Layout.PerCpuSlotSize);
            slot.CopyTo(value.AsSpan((int)map.Layout.SlotOffset(cpu)));
            Expect.Errno(Errno.None, backend.Update(map, key, value), $"update with slot {cpu} changed");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(value, read, "every slot, padding included");
        }
    });

    /// <summary>
    /// §8.5: UPDATE_BATCH applies its elements in order and stops at the first failure (a new key in a full non-LRU
    /// hash map, an array index past max_entries), count = the successes before it, no rollback; LRU maps never fail.
    /// </summary>
    [Fact]
    public void UpdateBatchCountIsTheSuccessfulPrefix() => Check([.. HashTypes, .. ArrayTypes], (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var max = (int)map.Spec.MaxEntries;
            var pool = map.Spec.Type.IsArrayFamily()
                ? [.. Enumerable.Range(0, max + 3).Select(i => Data.U32((uint)i))]
                : DistinctKeys(map, random, KeyCount(map, 2 * max));
            var present = new HashSet<string>(StringComparer.Ordinal);
            if (map.Spec.Type is BpfMapType.Hash or BpfMapType.PerCpuHash)
            {
                foreach (var key in pool.Take(random.Next(max + 1)))
                {
                    Expect.Errno(Errno.None, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize)), "fill");
                    present.Add(Data.Hex(key));
                }
            }

            var count = (uint)random.Next(0, (2 * max) + 1);
            var keys = Enumerable.Range(0, (int)count).Select(_ => pool[random.Next(pool.Count)]).ToList();
            var values = Data.Split(RandomBytes(random, count * map.Layout.ValueSize), count, map.Layout.ValueSize);

            // The model: an array index below max_entries always succeeds; a non-LRU hash key succeeds if present
            // or if there is room; an LRU update always succeeds.
            var prefix = 0;
            foreach (var key in keys)
            {
                var ok = map.Spec.Type switch
                {
                    _ when map.Spec.Type.IsArrayFamily() => Data.ReadU32(key) < max,
                    _ when map.Spec.Type.IsLru() => true,
                    _ => present.Contains(Data.Hex(key)) || present.Count < max,
                };
                if (!ok)
                {
                    break;
                }

                present.Add(Data.Hex(key));
                prefix++;
            }

            var done = count;
            var errno = backend.UpdateBatch(map, Data.Concat([.. keys]), Data.Concat([.. values]), ref done);
            Expect.Errno(prefix < keys.Count ? Errno.E2BIG : Errno.None, errno, "update batch");
            Expect.Equal((uint)prefix, done, "count");

            // The last value written to each key of the prefix is what a lookup reads, unless an LRU evicted it.
            var last = new Dictionary<string, (byte[] Key, byte[] Value)>(StringComparer.Ordinal);
            for (var i = 0; i < prefix; i++)
            {
                last[Data.Hex(keys[i])] = (keys[i], values[i]);
            }

            foreach (var (key, value) in last.Values)
            {
                var read = new byte[map.Layout.ValueSize];
                var found = backend.Lookup(map, key, read);
                if (map.Spec.Type.IsLru() && found == Errno.ENOENT)
                {
                    continue;
                }

                Expect.Errno(Errno.None, found, $"lookup {Data.Hex(key)}");
                Expect.Bytes(value, read, $"value of {Data.Hex(key)}");
            }

            if (map.Spec.Type is BpfMapType.Hash or BpfMapType.PerCpuHash)
            {
                Expect.Equal(present.Count, Maps.Keys(backend, map).Count, "keys in the map");
            }
        }
    });

    /// <summary>§8.3: a LOOKUP_BATCH walk from cursor 0 (NULL) to ENOENT returns each key of the map exactly once, with its value.</summary>
    [Fact]
    public void LookupBatchFromCursorZeroToEnoentReturnsEachKeyOnce() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var written = Fill(backend, map, random);
            var contents = Maps.Dump(backend, map);
            var seen = BatchWalk(backend, map, (uint)random.Next(1, 9), andDelete: false);
            Expect.Contents(contents, seen, "the walk against get-next-key and lookup");
            ExpectWrittenKeysAreTheContents(map, written, contents);
        }
    });

    /// <summary>§8.3: a LOOKUP_AND_DELETE_BATCH walk returns each element once and leaves the map empty.</summary>
    [Fact]
    public void LookupAndDeleteBatchWalkReturnsEachElementOnceAndEmptiesTheMap() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            Fill(backend, map, random);
            var contents = Maps.Dump(backend, map);
            var seen = BatchWalk(backend, map, (uint)random.Next(1, 9), andDelete: true);
            Expect.Contents(contents, seen, "the elements the walk returned");
            Expect.Errno(Errno.ENOENT, backend.GetNextKey(map, [], new byte[map.Layout.KeySize]), "first key of the emptied map");
        }
    });

    /// <summary>§7.1: a GET_NEXT_KEY walk from NULL visits each key once, and exactly the keys a lookup finds.</summary>
    [Fact]
    public void GetNextKeyWalkVisitsEveryKeyOnce() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var written = Fill(backend, map, random);
            var keys = Maps.Keys(backend, map);
            Expect.Equal(keys.Count, keys.Select(k => Data.Hex(k)).Distinct(StringComparer.Ordinal).Count(), "keys visited twice");
            ExpectWrittenKeysAreTheContents(map, written, Maps.Dump(backend, map));
            foreach (var key in written)
            {
                var found = backend.Lookup(map, key, new byte[map.Layout.ValueSize]);
                Expect.Equal(keys.Any(k => k.AsSpan().SequenceEqual(key)), found == Errno.None, $"{Data.Hex(key)} found by lookup and by the walk");
            }
        }
    });

    /// <summary>§8.6: DELETE_BATCH deletes keys in order and stops at the first absent one (ENOENT), count = the deletions before it.</summary>
    [Fact]
    public void DeleteBatchCountIsThePrefixOfPresentKeys() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var written = Fill(backend, map, random);
            var present = Maps.Keys(backend, map).Select(k => Data.Hex(k)).ToHashSet(StringComparer.Ordinal);
            var pool = written.Concat(DistinctKeys(map, random, 2)).ToList();
            var count = (uint)random.Next(0, (2 * (int)map.Spec.MaxEntries) + 1);
            var keys = Enumerable.Range(0, (int)count).Select(_ => pool[random.Next(pool.Count)]).ToList();
            var prefix = 0;
            while (prefix < keys.Count && present.Remove(Data.Hex(keys[prefix])))
            {
                prefix++;
            }

            var done = count;
            var errno = backend.DeleteBatch(map, Data.Concat([.. keys]), ref done);
            Expect.Errno(prefix < keys.Count ? Errno.ENOENT : Errno.None, errno, "delete batch");
            Expect.Equal((uint)prefix, done, "count");
            Expect.SameSet(present.Select(Convert.FromHexString), Maps.Keys(backend, map), "keys left");
        }
    });

    /// <summary>§3.1, §5.1: a non-LRU hash map holds exactly max_entries keys; a replacing update still succeeds when full.</summary>
    [Fact]
    public void NonLruHashMapsHoldExactlyMaxEntriesKeys() => Check(NonLruHashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var max = (int)map.Spec.MaxEntries;
            var keys = DistinctKeys(map, random, KeyCount(map, max + 1));
            if (keys.Count <= max)
            {
                return; // one-byte keys: no key beyond a 256-entry map
            }

            foreach (var key in keys.Take(max))
            {
                Expect.Errno(Errno.None, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.NoExist), "fill");
            }

            var extra = keys[max];
            Expect.Errno(Errno.E2BIG, backend.Update(map, extra, RandomBytes(random, map.Layout.ValueSize)), "a new key in a full map");
            Expect.Errno(Errno.E2BIG, backend.Update(map, extra, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.NoExist), "NOEXIST in a full map");
            var existing = keys[random.Next(max)];
            Expect.Errno(Errno.None, backend.Update(map, existing, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.Exist), "replace in a full map");
            Expect.Errno(Errno.None, backend.Delete(map, existing), "delete one");
            Expect.Errno(Errno.None, backend.Update(map, extra, RandomBytes(random, map.Layout.ValueSize)), "the freed room takes a new key");
            Expect.Equal(max, Maps.Keys(backend, map).Count, "keys in the map");
        }
    });

    /// <summary>
    /// §12.1, invariants only (they hold under CPU migration, so the kernel leaf needs no pinning): an LRU update of a
    /// new key never fails, the key is present right after, and at the end max_entries ≥ count ≥ min(inserted,
    /// max_entries − ncpus·target_free). Common LRU only: per-CPU lists bound each CPU separately (§12.2).
    /// </summary>
    [Fact]
    public void LruUpdatesNeverFailAndTheCountStaysInItsBounds_InvariantsOnly() => Check(LruTypes, (backend, c) =>
    {
        var spec = c.Spec with { Flags = c.Spec.Flags & ~BpfMapFlags.NoCommonLru };
        var (map, random) = Open(backend, c with { Spec = spec });
        using (map)
        {
            var max = (int)spec.MaxEntries;
            var keys = DistinctKeys(map, random, KeyCount(map, random.Next(1, (3 * max) + 1)));
            foreach (var key in keys)
            {
                Expect.Errno(Errno.None, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.NoExist), $"insert {Data.Hex(key)}");
                Expect.Errno(Errno.None, backend.Lookup(map, key, new byte[map.Layout.ValueSize]), "the key just written");
            }

            var count = Maps.Keys(backend, map).Count;
            var targetFree = Math.Clamp(max / backend.PossibleCpuCount / 2, 1, 128);
            Expect.True(count <= max, $"count {count} ≤ max_entries {max}");
            Expect.True(count >= Math.Min(keys.Count, max - (backend.PossibleCpuCount * targetFree)),
                $"count {count} ≥ min({keys.Count} inserted, {max} − {backend.PossibleCpuCount}·{targetFree})");
        }
    });

    /// <summary>§11.2: a queue pops in FIFO order and a stack in LIFO order; a full map refuses BPF_ANY (E2BIG) and BPF_EXIST drops the oldest.</summary>
    [Fact]
    public void QueuesAreFifoAndStacksLifo() => Check(QueueStackTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var model = new LinkedList<byte[]>(); // oldest first
            var stack = map.Spec.Type == BpfMapType.Stack;
            for (var step = random.Next(1, 4 * (int)map.Spec.MaxEntries); step > 0; step--)
            {
                var value = new byte[map.Layout.ValueSize];
                switch (random.Next(4))
                {
                    case 0 or 1:
                        var pushed = RandomBytes(random, map.Layout.ValueSize);
                        var exist = random.Next(2) == 0;
                        var full = model.Count == map.Spec.MaxEntries;
                        Expect.Errno(full && !exist ? Errno.E2BIG : Errno.None,
                            backend.Update(map, [], pushed, exist ? BpfElementFlags.Exist : BpfElementFlags.Any), $"push (EXIST {exist}, full {full})");
                        if (full && exist)
                        {
                            model.RemoveFirst();
                        }

                        if (!full || exist)
                        {
                            model.AddLast(pushed);
                        }

                        break;
                    case 2:
                        Expect.Errno(model.Count == 0 ? Errno.ENOENT : Errno.None, backend.LookupAndDelete(map, [], value), "pop");
                        if (model.Count > 0)
                        {
                            Expect.Bytes(stack ? model.Last!.Value : model.First!.Value, value, "popped");
                            if (stack)
                            {
                                model.RemoveLast();
                            }
                            else
                            {
                                model.RemoveFirst();
                            }
                        }

                        break;
                    default:
                        Expect.Errno(model.Count == 0 ? Errno.ENOENT : Errno.None, backend.Lookup(map, [], value), "peek");
                        if (model.Count > 0)
                        {
                            Expect.Bytes(stack ? model.Last!.Value : model.First!.Value, value, "peeked");
                        }

                        break;
                }
            }
        }
    });

    /// <summary>§10: after BPF_MAP_FREEZE every write is EPERM (a second freeze too), and reads still answer.</summary>
    [Fact]
    public void FrozenMapsRefuseWritesAndKeepAnsweringReads() => Check(AllTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = map.Spec.Type.IsQueueOrStack() ? [] : RandomKey(map, random);
            var value = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, value), "update before the freeze");
            Expect.Errno(Errno.None, backend.Freeze(map), "freeze");
            Expect.Errno(Errno.EPERM, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize)), "update");
            Expect.Errno(Errno.EPERM, backend.Delete(map, key), "delete");
            Expect.Errno(Errno.EPERM, backend.LookupAndDelete(map, key, new byte[map.Layout.ValueSize]), "lookup-and-delete");
            var count = 1u;
            Expect.Errno(Errno.EPERM, backend.UpdateBatch(map, key, value, ref count), "update batch");
            Expect.Errno(Errno.EPERM, backend.Freeze(map), "second freeze");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(value, read, "the value written before the freeze");
        }
    });

    /// <summary>
    /// §4, §5.2, §6, §7.1: array indexes always exist below max_entries (NOEXIST is EEXIST) and never at or past it
    /// (lookup ENOENT, update E2BIG for any valid flags); nothing is deleted; get-next-key walks 0..max−1 and restarts
    /// at 0 from past the end.
    /// </summary>
    [Fact]
    public void ArrayIndexesExistExactlyBelowMaxEntries() => Check(ArrayTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var max = (uint)map.Spec.MaxEntries;
            var inside = Data.U32((uint)random.Next((int)max));
            var past = Data.U32(max + (uint)random.Next(0, 3) + (random.Next(4) == 0 ? int.MaxValue : 0u));
            var value = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.EEXIST, backend.Update(map, inside, value, BpfElementFlags.NoExist), "NOEXIST below max_entries");
            Expect.Errno(Errno.None, backend.Lookup(map, inside, new byte[map.Layout.ValueSize]), "lookup below max_entries");
            Expect.Errno(Errno.ENOENT, backend.Lookup(map, past, new byte[map.Layout.ValueSize]), "lookup past the end");
            foreach (var flags in new[] { BpfElementFlags.Any, BpfElementFlags.NoExist, BpfElementFlags.Exist })
            {
                Expect.Errno(Errno.E2BIG, backend.Update(map, past, value, flags), $"update past the end with {flags}");
            }

            Expect.Errno(Errno.EINVAL, backend.Delete(map, random.Next(2) == 0 ? inside : past), "delete");
            Expect.Sequence(Enumerable.Range(0, (int)max).Select(i => Data.U32((uint)i)), Maps.Keys(backend, map), "get-next-key walk");
            var next = new byte[4];
            Expect.Errno(Errno.None, backend.GetNextKey(map, past, next), "get-next-key past the end");
            Expect.Bytes(Data.U32(0), next, "restarts at 0");
        }
    });

    /// <summary>Resolves the backend first, so that a kernel leaf skips before FsCheck runs anything.</summary>
    private void Check(BpfMapType[] types, Action<IBpfMapBackend, MapCase> body)
    {
        var backend = CreateBackend();
        PropertyRunner.Check(Generators.Maps(types), c => body(backend, c));
    }

    private static (BpfMapHandle Map, Random Random) Open(IBpfMapBackend backend, MapCase c)
    {
        Expect.Errno(Errno.None, backend.CreateMap(c.Spec, out var map), $"create {c}");
        return (map!, new Random(c.ContentSeed));
    }

    // Up to max_entries distinct keys written with random values; an LRU may have evicted some of them since.
    private static List<byte[]> Fill(IBpfMapBackend backend, BpfMapHandle map, Random random)
    {
        var keys = DistinctKeys(map, random, KeyCount(map, random.Next(0, (int)map.Spec.MaxEntries + 1)));
        foreach (var key in keys)
        {
            Expect.Errno(Errno.None, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize)), $"fill {Data.Hex(key)}");
        }

        return keys;
    }

    // Every key written is in the map, except those an LRU evicted.
    private static void ExpectWrittenKeysAreTheContents(BpfMapHandle map, List<byte[]> written, List<(byte[] Key, byte[] Value)> contents)
    {
        if (map.Spec.Type.IsLru())
        {
            Expect.True(contents.All(e => written.Any(w => w.AsSpan().SequenceEqual(e.Key))), "the map holds only keys written");
            return;
        }

        Expect.SameSet(written, contents.Select(e => e.Key), "the keys written");
    }

    // LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) from NULL to ENOENT; on ENOSPC the chunk doubles and the same cursor
    // is retried (§8.3).
    private static List<(byte[] Key, byte[] Value)> BatchWalk(IBpfMapBackend backend, BpfMapHandle map, uint chunk, bool andDelete)
    {
        var seen = new List<(byte[], byte[])>();
        var inBatch = Array.Empty<byte>();
        var outBatch = new byte[BpfMapLayout.CursorSize];
        while (true)
        {
            var count = chunk;
            var keys = new byte[count * map.Layout.KeySize];
            var values = new byte[count * map.Layout.ValueSize];
            var errno = andDelete
                ? backend.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count)
                : backend.LookupBatch(map, inBatch, outBatch, keys, values, ref count);
            if (errno == Errno.ENOSPC)
            {
                Expect.Equal(0u, count, "count with ENOSPC");
                chunk *= 2;
                continue;
            }

            seen.AddRange(Data.Split(keys, count, map.Layout.KeySize).Zip(Data.Split(values, count, map.Layout.ValueSize)));
            if (errno == Errno.ENOENT)
            {
                return seen;
            }

            Expect.Errno(Errno.None, errno, "batch walk");
            Expect.True(count > 0, "a successful call returns elements");
            inBatch = outBatch.ToArray();
        }
    }

    private static byte[] RandomKey(BpfMapHandle map, Random random) =>
        map.Spec.Type.IsArrayFamily() ? Data.U32((uint)random.Next((int)map.Spec.MaxEntries)) : RandomBytes(random, map.Layout.KeySize);

    // One-byte keys have only 256 values.
    private static int KeyCount(BpfMapHandle map, int wanted) => map.Spec.KeySize == 1 ? Math.Min(wanted, 256) : wanted;

    private static List<byte[]> DistinctKeys(BpfMapHandle map, Random random, int count)
    {
        var keys = new Dictionary<string, byte[]>();
        while (keys.Count < count)
        {
            var key = RandomKey(map, random);
            keys.TryAdd(Data.Hex(key), key);
        }

        return [.. keys.Values];
    }

    private static byte[] RandomBytes(Random random, ulong length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
