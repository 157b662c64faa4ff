namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_UPDATE_BATCH (§8.5): elements in order, each like UPDATE_ELEM with BPF_ANY; stops at the first error with
/// count = the successes before it and no rollback (§14); element flags other than 0 are EINVAL, <c>batch.flags</c>
/// is ignored (§8.2); flags before count 0 (§1.4); queues and stacks lack it (§8.1).
/// </summary>
internal static class UpdateBatchCases
{
    public static IEnumerable<ConformanceCase> All() =>
    [
        .. BatchSupportMatrix.ByKernel([.. Common(), .. HashCapacity(), .. Lru(), .. Arrays(), .. ValueSizes(), .. Flags()], BatchCommand.Update),
        .. BatchSupportMatrix.Unsupported(BatchCommand.Update),
    ];

    /// <summary>UPDATE_BATCH of <paramref name="ids"/> with <paramref name="values"/> (default: each id's value).</summary>
    public static (Errno Errno, uint Count) Update(ConformanceContext ctx, BpfMapHandle map, uint[] ids, byte[][]? values = null,
        uint? count = null, bool nullKeys = false, bool nullValues = false,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(map);
        var keys = nullKeys ? [] : Data.Concat([.. ids.Select(id => Batch.Key(map, id))]);
        var vals = nullValues ? [] : Data.Concat(values ?? [.. ids.Select(id => Batch.Value(map, id))]);
        var c = count ?? (uint)ids.Length;
        var errno = ctx.Backend.UpdateBatch(map, keys, vals, ref c, elementFlags, flags);
        return (errno, c);
    }

    /// <summary>Checks errno and count of an update batch.</summary>
    public static void ExpectResult((Errno Errno, uint Count) result, Errno errno, uint count)
    {
        Expect.Errno(errno, result.Errno, "update-batch");
        Expect.Equal(count, result.Count, "count");
    }

    private static IEnumerable<ConformanceCase> Common()
    {
        foreach (var type in Batch.HashTypes)
        {
            var t = Maps.Slug(type);
            var max = HashShape.For(type).MaxEntries;
            ConformanceCase Case(string condition, Action<ConformanceContext, BucketMap> body) =>
                new($"update-batch/{t}/{condition}", "§8.5", ctx => body(ctx, BucketMap.Create(ctx, type, max, (2, 3))));

            yield return Case("new-keys-are-inserted-count-3", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [1001, 1002, 1003]), Errno.None, 3);
                foreach (var id in new uint[] { 1001, 1002, 1003 })
                {
                    m.Track(id);
                }

                m.ExpectHolds(ctx, m.Order, "the map afterwards");
            });
            var inPlace = type.IsPerCpu();
            yield return Case(
                inPlace ? "replaced-key-keeps-its-place-in-its-bucket" : "replaced-key-moves-to-the-head-of-its-bucket",
                (ctx, m) =>
                {
                    var oldest = m.Order[^1];
                    ExpectResult(Update(ctx, m.Map, [oldest], [Batch.OtherValue(m.Map, oldest)]), Errno.None, 1);
                    m.Track(oldest, movesToHead: !inPlace);
                    Batch.ExpectMap(ctx, m.Map, m.Order.Select(id => (Batch.Key(m.Map, id), id == oldest ? Batch.OtherValue(m.Map, id) : Batch.Value(m.Map, id))),
                        "the map afterwards");
                });
            yield return Case("new-and-existing-keys-are-inserted-and-replaced-count-2", (ctx, m) =>
            {
                var existing = m.Order[1];
                ExpectResult(Update(ctx, m.Map, [existing, 1009], [Batch.OtherValue(m.Map, existing), Batch.Value(m.Map, 1009)]), Errno.None, 2);
                m.Track(existing, movesToHead: !inPlace);
                m.Track(1009);
                Batch.ExpectMap(ctx, m.Map, m.Order.Select(id => (Batch.Key(m.Map, id), id == existing ? Batch.OtherValue(m.Map, id) : Batch.Value(m.Map, id))),
                    "the map afterwards");
            });
            yield return Case("duplicate-keys-are-applied-in-order-last-value-wins-count-3", (ctx, m) =>
            {
                var last = Data.Value(m.Map, 250);
                ExpectResult(Update(ctx, m.Map, [1005, 1005, 1005], [Batch.Value(m.Map, 1005), Batch.OtherValue(m.Map, 1005), last]), Errno.None, 3);
                m.Track(1005);
                Batch.ExpectMap(ctx, m.Map, m.Order.Select(id => (Batch.Key(m.Map, id), id == 1005 ? last : Batch.Value(m.Map, id))), "the map afterwards");
            });
            yield return Case("null-keys-gives-efault-count-0-and-writes-nothing", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [1001, 1002], nullKeys: true), Errno.EFAULT, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return Case("null-values-gives-efault-count-0-and-writes-nothing", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [m.Order[0], 1002], nullValues: true), Errno.EFAULT, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return Case("null-keys-and-values-with-count-2-gives-efault-count-0", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [], count: 2, nullKeys: true, nullValues: true), Errno.EFAULT, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return Case("count-0-with-null-keys-and-values-succeeds", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [], count: 0, nullKeys: true, nullValues: true), Errno.None, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return Case("count-0-with-buffers-writes-nothing", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [1001, 1002], count: 0), Errno.None, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return Case("count-1-of-a-larger-buffer-writes-only-the-first-element", (ctx, m) =>
            {
                ExpectResult(Update(ctx, m.Map, [1001, 1002, 1003], count: 1), Errno.None, 1);
                m.Track(1001);
                m.ExpectHolds(ctx, m.Order, "the map afterwards");
            });
        }
    }

    /// <summary>Non-LRU hash maps hold exactly max_entries keys; the batch stops at the first E2BIG without rollback (§8.5, §5.1).</summary>
    private static IEnumerable<ConformanceCase> HashCapacity()
    {
        foreach (var type in Maps.CoreHashTypes)
        {
            var t = Maps.Slug(type);
            var inPlace = type.IsPerCpu();
            yield return new ConformanceCase($"update-batch/{t}/six-new-keys-into-max-entries-4-gives-e2big-count-4-without-rollback", "§8.5", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), []);
                ExpectResult(Update(ctx, m.Map, [1, 2, 3, 4, 5, 6]), Errno.E2BIG, 4);
                foreach (var id in new uint[] { 1, 2, 3, 4 })
                {
                    m.Track(id);
                }

                m.ExpectHolds(ctx, m.Order, "keys 1-4 present, 5 and 6 absent");
            });
            yield return new ConformanceCase($"update-batch/{t}/full-map-replaces-an-existing-key-then-a-new-key-gives-e2big-count-1", "§8.5", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3, 4]);
                ExpectResult(
                    Update(ctx, m.Map, [2, 9, 3], [Batch.OtherValue(m.Map, 2), Batch.Value(m.Map, 9), Batch.OtherValue(m.Map, 3)]),
                    Errno.E2BIG, 1);
                m.Track(2, movesToHead: !inPlace);
                Batch.ExpectMap(ctx, m.Map, m.Order.Select(id => (Batch.Key(m.Map, id), id == 2 ? Batch.OtherValue(m.Map, id) : Batch.Value(m.Map, id))),
                    "key 2 replaced, 9 absent, 3 not replaced");
            });
            yield return new ConformanceCase($"update-batch/{t}/full-map-batch-of-existing-keys-replaces-them-all-count-4", "§8.5", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3, 4]);
                ExpectResult(Update(ctx, m.Map, [4, 3, 2, 1], [.. new uint[] { 4, 3, 2, 1 }.Select(id => Batch.OtherValue(m.Map, id))]), Errno.None, 4);
                foreach (var id in new uint[] { 4, 3, 2, 1 })
                {
                    m.Track(id, movesToHead: !inPlace);
                }

                Batch.ExpectMap(ctx, m.Map, m.Order.Select(id => (Batch.Key(m.Map, id), Batch.OtherValue(m.Map, id))), "every key replaced");
            });
            yield return new ConformanceCase($"update-batch/{t}/first-new-key-into-a-full-map-gives-e2big-count-0", "§8.5", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3, 4]);
                ExpectResult(Update(ctx, m.Map, [9, 1], [Batch.Value(m.Map, 9), Batch.OtherValue(m.Map, 1)]), Errno.E2BIG, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return new ConformanceCase($"update-batch/{t}/new-key-after-the-last-free-slot-gives-e2big-count-1", "§8.5", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3]);
                ExpectResult(Update(ctx, m.Map, [5, 6, 1], [Batch.Value(m.Map, 5), Batch.Value(m.Map, 6), Batch.OtherValue(m.Map, 1)]), Errno.E2BIG, 1);
                m.Track(5);
                m.ExpectHolds(ctx, m.Order, "5 inserted, 6 absent, 1 not replaced");
            });
        }
    }

    /// <summary>LRU maps evict instead of failing; which keys survive is not deterministic, so only invariants are checked (§8.5, §12).</summary>
    private static IEnumerable<ConformanceCase> Lru()
    {
        foreach (var type in new[] { BpfMapType.LruHash, BpfMapType.LruPerCpuHash })
        {
            yield return new ConformanceCase($"update-batch/{Maps.Slug(type)}/six-new-keys-into-max-entries-4-succeed-count-6-invariants-only", "§8.5", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
                ExpectResult(Update(ctx, map, [1, 2, 3, 4, 5, 6]), Errno.None, 6);
                var held = Maps.Dump(ctx.Backend, map);
                Expect.True(held.Count is >= 1 and <= 4, $"1 to 4 keys held (got {held.Count})");
                var written = Enumerable.Range(1, 6).Select(i => Data.Concat(Batch.Key(map, (uint)i), Batch.Value(map, (uint)i)))
                    .Select(b => Data.Hex(b)).ToHashSet(StringComparer.Ordinal);
                Expect.True(held.All(e => written.Contains(Data.Hex(Data.Concat(e.Key, e.Value)))), "every held key is a batch key with its batch value");
                Expect.True(held.Any(e => e.Key.AsSpan().SequenceEqual(Batch.Key(map, 6))), "the last key written is held");
            });
        }
    }

    /// <summary>Arrays: indexes in order, E2BIG at the first index out of range, no rollback (§8.5, §5.2).</summary>
    private static IEnumerable<ConformanceCase> Arrays()
    {
        foreach (var type in Maps.ArrayTypes)
        {
            var t = Maps.Slug(type);

            // max_entries 4, fresh (all zero); body returns the indexes it expects written, with their values.
            ConformanceCase Case(string condition, Func<ConformanceContext, BpfMapHandle, Dictionary<uint, byte[]>> body) =>
                new($"update-batch/{t}/{condition}", "§8.5", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
                    var written = body(ctx, map);
                    Batch.ExpectArray(ctx, map, [.. Enumerable.Range(0, 4).Select(i => written.TryGetValue((uint)i, out var v) ? v : Batch.Zero(map))],
                        "the array afterwards");
                });

            Dictionary<uint, byte[]> Own(BpfMapHandle map, params uint[] ids) => ids.ToDictionary(id => id, id => Batch.Value(map, id));

            yield return Case("indexes-are-written-in-batch-order-count-3", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [2, 0, 3]), Errno.None, 3);
                return Own(map, 2, 0, 3);
            });
            yield return Case("out-of-range-index-gives-e2big-after-the-earlier-ones-count-2", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [0, 1, 7, 2]), Errno.E2BIG, 2);
                return Own(map, 0, 1);
            });
            yield return Case("index-max-entries-first-gives-e2big-count-0", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [4, 0]), Errno.E2BIG, 0);
                return [];
            });
            yield return Case("index-0xffffffff-gives-e2big-count-1", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [3, 0xffffffff, 1]), Errno.E2BIG, 1);
                return Own(map, 3);
            });
            yield return Case("duplicate-indexes-are-applied-in-order-last-value-wins-count-3", (ctx, map) =>
            {
                var last = Data.Value(map, 250);
                ExpectResult(Update(ctx, map, [2, 2, 2], [Batch.Value(map, 2), Batch.OtherValue(map, 2), last]), Errno.None, 3);
                return new() { [2] = last };
            });
            yield return Case("every-index-written-again-replaces-the-old-values", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [0, 1, 2, 3]), Errno.None, 4);
                ExpectResult(Update(ctx, map, [3, 2, 1, 0], [.. new uint[] { 3, 2, 1, 0 }.Select(i => Batch.OtherValue(map, i))]), Errno.None, 4);
                return Enumerable.Range(0, 4).ToDictionary(i => (uint)i, i => Batch.OtherValue(map, (uint)i));
            });
            yield return Case("null-keys-gives-efault-count-0-and-writes-nothing", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [0, 1], nullKeys: true), Errno.EFAULT, 0);
                return [];
            });
            yield return Case("null-values-gives-efault-count-0-and-writes-nothing", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [0, 1], nullValues: true), Errno.EFAULT, 0);
                return [];
            });
            yield return Case("count-0-with-null-keys-and-values-succeeds", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [], count: 0, nullKeys: true, nullValues: true), Errno.None, 0);
                return [];
            });
            yield return Case("count-0-with-an-out-of-range-index-succeeds", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [9], count: 0), Errno.None, 0);
                return [];
            });
            yield return Case("count-1-of-a-larger-buffer-writes-only-the-first-element", (ctx, map) =>
            {
                ExpectResult(Update(ctx, map, [1, 2, 3], count: 1), Errno.None, 1);
                return Own(map, 1);
            });
        }
    }

    /// <summary>The values buffer stride (§2): value_size for HASH/ARRAY, round_up(value_size, 8) × possible CPUs for per-CPU maps.</summary>
    private static IEnumerable<ConformanceCase> ValueSizes()
    {
        foreach (var type in Maps.CoreTypes)
        {
            foreach (var valueSize in new uint[] { 1, 5, 12 })
            {
                var stride = type.IsPerCpu() ? $"round-up-{BpfMapLayout.RoundUpTo8(valueSize)}-bytes-per-possible-cpu" : $"{valueSize}-bytes";
                yield return new ConformanceCase($"update-batch/{Maps.Slug(type)}/value-size-{valueSize}-elements-are-read-{stride}-apart", "§2", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 3, valueSize: valueSize));
                    ExpectResult(Update(ctx, map, [0, 1, 2]), Errno.None, 3);
                    Batch.ExpectMapSet(ctx, map, new uint[] { 0, 1, 2 }.Select(id => (Batch.Key(map, id), Batch.Stored(ctx, map, id))), "the map afterwards");
                });
            }
        }
    }

    /// <summary>Element flags other than 0 are EINVAL before anything is read (also with count 0); batch.flags is ignored (§8.2, §1.4).</summary>
    private static IEnumerable<ConformanceCase> Flags()
    {
        foreach (var type in Batch.UpdatableTypes)
        {
            var t = Maps.Slug(type);
            foreach (var (name, flags) in Batch.InvalidElementFlags)
            {
                void Refused(ConformanceContext ctx)
                {
                    var map = BatchSupportMatrix.Filled(ctx, type);
                    BatchSupportMatrix.ExpectRefusedUntouched(ctx, map, BatchCommand.Update, Errno.EINVAL, flags, BpfBatchFlags.None);
                }

                yield return Batch.IsCpuFlagOf(type, flags, BatchCommand.Update)
                    ? new ConformanceCase($"update-batch/{t}/elem-flags-{name}-{KernelChanges.CpuFlags.Outcomes("writes-cpu-0s-values", "gives-einval-count-untouched-and-writes-nothing")}", "§8.2",
                        ctx => (ctx.Since(KernelChanges.CpuFlags) ? c => CpuFlagCases.UpdateBatchWith(c, type, flags) : (Action<ConformanceContext>)Refused)(ctx))
                    : new ConformanceCase($"update-batch/{t}/elem-flags-{name}-gives-einval-count-untouched-and-writes-nothing", "§8.2", Refused);
            }

            foreach (var (name, flags) in Batch.NonZeroBatchFlags)
            {
                yield return new ConformanceCase($"update-batch/{t}/batch-flags-{name}-are-ignored", "§8.2", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
                    ExpectResult(Update(ctx, map, [1, 2], flags: flags), Errno.None, 2);
                    Batch.ExpectMapSet(ctx, map, Expected(map, 1, 2), "the map afterwards");
                });
            }

            yield return new ConformanceCase($"update-batch/{t}/invalid-elem-flags-beat-count-0", "§1.4", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
                ExpectResult(Update(ctx, map, [], count: 0, nullKeys: true, nullValues: true, elementFlags: BpfElementFlags.NoExist), Errno.EINVAL, 0);
            });
            yield return new ConformanceCase($"update-batch/{t}/invalid-elem-flags-beat-null-keys-and-values", "§1.4", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
                ExpectResult(Update(ctx, map, [], count: 3, nullKeys: true, nullValues: true, elementFlags: BpfElementFlags.Lock), Errno.EINVAL, 3);
                Batch.ExpectMapSet(ctx, map, Expected(map), "the map afterwards");
            });
            if (type.IsArrayFamily())
            {
                yield return new ConformanceCase($"update-batch/{t}/invalid-elem-flags-beat-an-out-of-range-index", "§1.4", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
                    ExpectResult(Update(ctx, map, [8], elementFlags: BpfElementFlags.Exist), Errno.EINVAL, 1);
                });
            }
            else if (!type.IsLru())
            {
                yield return new ConformanceCase($"update-batch/{t}/invalid-elem-flags-beat-a-full-map", "§1.4", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 2));
                    Batch.Insert(ctx, map, 1, 2);
                    ExpectResult(Update(ctx, map, [3], elementFlags: BpfElementFlags.NoExist), Errno.EINVAL, 1);
                    Batch.ExpectMapSet(ctx, map, Expected(map, 1, 2), "the map afterwards");
                });
            }
        }
    }

    /// <summary>What a fresh map of 8 entries holds after <paramref name="ids"/> were written with their values.</summary>
    private static IEnumerable<(byte[] Key, byte[] Value)> Expected(BpfMapHandle map, params uint[] ids) =>
        map.Spec.Type.IsArrayFamily()
            ? Enumerable.Range(0, (int)map.Spec.MaxEntries).Select(i => (Data.U32((uint)i), ids.Contains((uint)i) ? Batch.Value(map, (uint)i) : Batch.Zero(map)))
            : ids.Select(id => (Batch.Key(map, id), Batch.Value(map, id)));
}
