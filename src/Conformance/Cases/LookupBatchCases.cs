namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_LOOKUP_BATCH: the hash bucket cursor (§8.3, shared with LOOKUP_AND_DELETE_BATCH), the array key cursor
/// (§8.4), exact hash order for many key sizes (§7.2), value strides (§2), flags (§8.2), check order (§1.4) and the
/// support matrix (§8.1).
/// </summary>
internal static class LookupBatchCases
{
    public static IEnumerable<ConformanceCase> All() =>
    [
        .. HashCursor.For(andDelete: false),
        .. BatchSupportMatrix.ByKernel([.. ArrayCursor(), .. KeySizes(), .. ValueSizes(), .. ArrayFlags()], BatchCommand.Lookup),
        .. HashFlags(BatchCommand.Lookup),
        .. BatchSupportMatrix.Unsupported(BatchCommand.Lookup),
    ];

    /// <summary>
    /// Element flags and <c>batch.flags</c> on the hash family (§8.2): anything but 0 is EINVAL for both fields,
    /// before the <c>count == 0</c> shortcut and before any cursor or buffer is looked at (§1.4); nothing is touched.
    /// </summary>
    public static IEnumerable<ConformanceCase> HashFlags(BatchCommand command)
    {
        var area = BatchSupportMatrix.Area(command);
        var andDelete = command == BatchCommand.LookupAndDelete;
        foreach (var type in Batch.HashTypes)
        {
            var t = Maps.Slug(type);
            var shape = HashShape.For(type);
            foreach (var (name, flags) in Batch.InvalidElementFlags)
            {
                void Refused(ConformanceContext ctx)
                {
                    var m = shape.Create(ctx, type);
                    Batch.Lookup(ctx, m.Map, andDelete, null, 4, elementFlags: flags).ExpectUntouched(Errno.EINVAL, 4);
                    m.ExpectUnchanged(ctx);
                }

                yield return Batch.IsCpuFlagOf(type, flags, command)
                    ? new ConformanceCase($"{area}/{t}/elem-flags-{name}-{KernelChanges.CpuFlags.Outcomes("reads-cpu-0s-values", "gives-einval-and-touches-nothing")}", "§8.2",
                        ctx => (ctx.Since(KernelChanges.CpuFlags) ? c => CpuFlagCases.LookupBatchOnCpu(c, type, 0) : (Action<ConformanceContext>)Refused)(ctx))
                    : new ConformanceCase($"{area}/{t}/elem-flags-{name}-gives-einval-and-touches-nothing", "§8.2", Refused);
            }

            foreach (var (name, flags) in Batch.NonZeroBatchFlags)
            {
                yield return new ConformanceCase($"{area}/{t}/batch-flags-{name}-gives-einval-and-touches-nothing", "§8.2", ctx =>
                {
                    var m = shape.Create(ctx, type);
                    Batch.Lookup(ctx, m.Map, andDelete, null, 4, flags: flags).ExpectUntouched(Errno.EINVAL, 4);
                    m.ExpectUnchanged(ctx);
                });
            }

            yield return new ConformanceCase($"{area}/{t}/invalid-elem-flags-beat-count-0", "§1.4", ctx =>
            {
                var m = shape.Create(ctx, type);
                Batch.Lookup(ctx, m.Map, andDelete, null, 0, slots: 2, elementFlags: BpfElementFlags.NoExist).ExpectUntouched(Errno.EINVAL, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return new ConformanceCase($"{area}/{t}/invalid-batch-flags-beat-count-0", "§1.4", ctx =>
            {
                var m = shape.Create(ctx, type);
                Batch.Lookup(ctx, m.Map, andDelete, null, 0, slots: 2, flags: (BpfBatchFlags)1).ExpectUntouched(Errno.EINVAL, 0);
                m.ExpectUnchanged(ctx);
            });
            yield return new ConformanceCase($"{area}/{t}/invalid-elem-flags-beat-in-batch-past-the-end", "§1.4", ctx =>
            {
                var m = shape.Create(ctx, type);
                Batch.Lookup(ctx, m.Map, andDelete, shape.Buckets, 4, elementFlags: BpfElementFlags.Lock).ExpectUntouched(Errno.EINVAL, 4);
                m.ExpectUnchanged(ctx);
            });
            yield return new ConformanceCase($"{area}/{t}/invalid-batch-flags-beat-null-buffers", "§1.4", ctx =>
            {
                var m = shape.Create(ctx, type);
                Batch.Lookup(ctx, m.Map, andDelete, null, 4, nullKeys: true, nullValues: true, nullOut: true, flags: (BpfBatchFlags)1)
                    .ExpectUntouched(Errno.EINVAL, 4);
                m.ExpectUnchanged(ctx);
            });
        }
    }

    /// <summary>The array key cursor (§8.4) on max_entries 4 with indexes 0, 1, 3 written and 2 left zero.</summary>
    private static IEnumerable<ConformanceCase> ArrayCursor()
    {
        foreach (var type in Maps.ArrayTypes)
        {
            var t = Maps.Slug(type);

            ConformanceCase Case(string condition, Action<ConformanceContext, BpfMapHandle, Func<uint[], (List<byte[]> Keys, List<byte[]> Values)>> body) =>
                new($"lookup-batch/{t}/{condition}", "§8.4", ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
                    Batch.Insert(ctx, map, 0, 1, 3);
                    var values = new[] { Batch.Value(map, 0), Batch.Value(map, 1), Batch.Zero(map), Batch.Value(map, 3) };
                    body(ctx, map, indexes => ([.. indexes.Select(Data.U32)], [.. indexes.Select(i => values[i])]));
                    Batch.ExpectArray(ctx, map, values, "the array afterwards");
                });

            yield return Case("whole-array-with-a-larger-count-gives-enoent-count-4-and-out-batch-3", (ctx, map, at) =>
            {
                var (k, v) = at([0, 1, 2, 3]);
                Batch.Lookup(ctx, map, false, null, 10).Expect(Errno.ENOENT, 4, 3, k, v);
            });
            yield return Case("count-equal-to-max-entries-gives-success-not-enoent", (ctx, map, at) =>
            {
                var (k, v) = at([0, 1, 2, 3]);
                Batch.Lookup(ctx, map, false, null, 4).Expect(Errno.None, 4, 3, k, v);
            });
            yield return Case("in-batch-last-index-gives-enoent-count-0-and-out-batch-untouched", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, 3, 4).ExpectUntouched(Errno.ENOENT, 0));
            yield return Case("in-batch-1-count-1-returns-index-2-and-out-batch-2", (ctx, map, at) =>
            {
                var (k, v) = at([2]);
                Batch.Lookup(ctx, map, false, 1, 1, slots: 2).Expect(Errno.None, 1, 2, k, v);
            });
            yield return Case("in-batch-0-is-a-key-so-the-lookup-starts-at-index-1", (ctx, map, at) =>
            {
                var (k, v) = at([1, 2, 3]);
                Batch.Lookup(ctx, map, false, 0, 10).Expect(Errno.ENOENT, 3, 3, k, v);
            });
            foreach (var (label, start) in new[] { ("max-entries", 4u), ("100", 100u), ("0xffffffff", 0xffffffffu) })
            {
                yield return Case($"in-batch-{label}-restarts-at-index-0", (ctx, map, at) =>
                {
                    var (k, v) = at([0, 1, 2, 3]);
                    Batch.Lookup(ctx, map, false, start, 10).Expect(Errno.ENOENT, 4, 3, k, v);
                });
            }

            yield return Case("count-2-from-the-start-out-batch-is-the-last-index-returned", (ctx, map, at) =>
            {
                var (k, v) = at([0, 1]);
                Batch.Lookup(ctx, map, false, null, 2, slots: 4).Expect(Errno.None, 2, 1, k, v);
            });
            yield return Case("walk-with-count-2-ends-with-an-empty-enoent-call", (ctx, map, at) =>
            {
                var (k1, v1) = at([0, 1]);
                Batch.Lookup(ctx, map, false, null, 2).Expect(Errno.None, 2, 1, k1, v1);
                var (k2, v2) = at([2, 3]);
                Batch.Lookup(ctx, map, false, 1, 2).Expect(Errno.None, 2, 3, k2, v2);
                Batch.Lookup(ctx, map, false, 3, 2).ExpectUntouched(Errno.ENOENT, 0);
            });
            yield return Case("walk-with-count-3-ends-with-enoent-and-data", (ctx, map, at) =>
            {
                var (k1, v1) = at([0, 1, 2]);
                Batch.Lookup(ctx, map, false, null, 3).Expect(Errno.None, 3, 2, k1, v1);
                var (k2, v2) = at([3]);
                Batch.Lookup(ctx, map, false, 2, 3).Expect(Errno.ENOENT, 1, 3, k2, v2);
            });
            yield return Case("null-out-batch-gives-efault-but-writes-count-and-elements", (ctx, map, at) =>
            {
                var (k, v) = at([0, 1]);
                Batch.Lookup(ctx, map, false, null, 2, nullOut: true).Expect(Errno.EFAULT, 2, null, k, v);
            });
            yield return Case("null-out-batch-after-enoent-with-data-gives-efault-and-count-4", (ctx, map, at) =>
            {
                var (k, v) = at([0, 1, 2, 3]);
                Batch.Lookup(ctx, map, false, 100, 10, nullOut: true).Expect(Errno.EFAULT, 4, null, k, v);
            });
            yield return Case("null-out-batch-with-nothing-returned-gives-enoent", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, 3, 2, nullOut: true).ExpectUntouched(Errno.ENOENT, 0));
            yield return Case("null-keys-gives-efault-count-0-and-out-batch-untouched", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, null, 4, nullKeys: true).ExpectUntouched(Errno.EFAULT, 0));
            yield return Case("null-values-gives-efault-after-writing-the-first-key", (ctx, map, at) =>
            {
                var (k, _) = at([0]);
                Batch.Lookup(ctx, map, false, null, 4, nullValues: true).Expect(Errno.EFAULT, 0, null, k, []);
            });
            yield return Case("null-keys-past-the-end-gives-enoent-not-efault", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, 3, 4, nullKeys: true, nullValues: true).ExpectUntouched(Errno.ENOENT, 0));
            yield return Case("count-0-returns-success-and-touches-nothing", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, null, 0, slots: 2).ExpectUntouched(Errno.None, 0));
            yield return Case("count-0-with-null-buffers-returns-success", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, null, 0, nullKeys: true, nullValues: true, nullOut: true).ExpectUntouched(Errno.None, 0));
            yield return Case("count-0-with-in-batch-last-index-returns-success", (ctx, map, _) =>
                Batch.Lookup(ctx, map, false, 3, 0, slots: 2).ExpectUntouched(Errno.None, 0));

            yield return new ConformanceCase($"lookup-batch/{t}/fresh-array-returns-every-index-with-zero-values", "§8.4", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 3));
                Batch.Lookup(ctx, map, false, null, 3)
                    .Expect(Errno.None, 3, 2, [Data.U32(0), Data.U32(1), Data.U32(2)], [Batch.Zero(map), Batch.Zero(map), Batch.Zero(map)]);
            });
            yield return new ConformanceCase($"lookup-batch/{t}/max-entries-1-count-1-gives-success-then-enoent", "§8.4", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 1));
                Batch.Insert(ctx, map, 0);
                Batch.Lookup(ctx, map, false, null, 1).Expect(Errno.None, 1, 0, [0u]);
                Batch.Lookup(ctx, map, false, 0, 1).ExpectUntouched(Errno.ENOENT, 0);
            });
        }
    }

    /// <summary>
    /// Exact order for many key sizes (§7.2, §8.3): jhash2 for multiples of 4, jhash over bytes otherwise, several
    /// mixing rounds for long keys. Starting at every bucket index pins the bucket of every key.
    /// </summary>
    private static IEnumerable<ConformanceCase> KeySizes()
    {
        var sizes = new Dictionary<BpfMapType, uint[]>
        {
            [BpfMapType.Hash] = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 20, 25, 40, 64],
            [BpfMapType.PerCpuHash] = [3, 8, 13],
            [BpfMapType.LruHash] = [6, 16],
            [BpfMapType.LruPerCpuHash] = [12],
        };
        foreach (var (type, keySizes) in sizes)
        {
            foreach (var keySize in keySizes)
            {
                yield return new ConformanceCase(
                    $"lookup-batch/{Maps.Slug(type)}/key-size-{keySize}-every-in-batch-returns-exactly-the-keys-of-that-bucket-and-after",
                    "§7.2",
                    ctx =>
                    {
                        // 64 buckets for LRU types keep 12 keys far from any eviction (§12).
                        var max = type.IsLru() ? 64u : 16u;
                        var m = BucketMap.FromIds(ctx, Maps.Spec(type, max, keySize: keySize), Enumerable.Range(1, 12).Select(i => (uint)i));
                        Batch.Lookup(ctx, m.Map, false, null, max).Expect(Errno.ENOENT, 12, max, m.Order);
                        for (var b = 0u; b < max; b++)
                        {
                            var from = m.Order.Where(id => m.BucketOf(id) >= b).ToList();
                            var call = Batch.Lookup(ctx, m.Map, false, b, max);
                            try
                            {
                                call.Expect(Errno.ENOENT, (uint)from.Count, max, from);
                            }
                            catch (ConformanceFailureException ex)
                            {
                                throw new ConformanceFailureException($"in_batch {b}: {ex.Message}", ex);
                            }
                        }

                        m.ExpectUnchanged(ctx);
                    });
            }
        }
    }

    /// <summary>Value strides (§2): value_size exactly for HASH and ARRAY, round_up(value_size, 8) per possible CPU for per-CPU maps.</summary>
    private static IEnumerable<ConformanceCase> ValueSizes()
    {
        foreach (var type in Maps.CoreTypes)
        {
            foreach (var valueSize in new uint[] { 1, 5, 12, 24 })
            {
                var stride = type.IsPerCpu()
                    ? $"round-up-{BpfMapLayout.RoundUpTo8(valueSize)}-bytes-per-possible-cpu"
                    : $"{valueSize}-bytes";
                yield return new ConformanceCase($"lookup-batch/{Maps.Slug(type)}/value-size-{valueSize}-elements-are-{stride}-apart", "§2", ctx =>
                {
                    if (type.IsArrayFamily())
                    {
                        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 3, valueSize: valueSize));
                        Batch.Insert(ctx, map, 0, 1, 2);
                        Batch.Lookup(ctx, map, false, null, 3, slots: 4).Expect(Errno.None, 3, 2, [0u, 1, 2]);
                    }
                    else
                    {
                        var m = BucketMap.Create(ctx, Maps.Spec(type, 8, valueSize: valueSize), (1, 1), (3, 2), (6, 3));
                        Batch.Lookup(ctx, m.Map, false, null, 8).Expect(Errno.ENOENT, 6, 8, m.Order);
                    }
                });
            }
        }
    }

    /// <summary>Array lookups check the element flags but not <c>batch.flags</c> (§8.2), flags before count 0 (§1.4).</summary>
    private static IEnumerable<ConformanceCase> ArrayFlags()
    {
        foreach (var type in Maps.ArrayTypes)
        {
            var t = Maps.Slug(type);
            foreach (var (name, flags) in Batch.InvalidElementFlags)
            {
                void Refused(ConformanceContext ctx)
                {
                    var map = ArrayOf(ctx, type);
                    Batch.Lookup(ctx, map, false, null, 4, elementFlags: flags).ExpectUntouched(Errno.EINVAL, 4);
                    ExpectArrayOf(ctx, map);
                }

                yield return Batch.IsCpuFlagOf(type, flags, BatchCommand.Lookup)
                    ? new ConformanceCase($"lookup-batch/{t}/elem-flags-{name}-{KernelChanges.CpuFlags.Outcomes("reads-cpu-0s-values", "gives-einval-and-touches-nothing")}", "§8.2",
                        ctx => (ctx.Since(KernelChanges.CpuFlags) ? c => CpuFlagCases.LookupBatchOnCpu(c, type, 0) : (Action<ConformanceContext>)Refused)(ctx))
                    : new ConformanceCase($"lookup-batch/{t}/elem-flags-{name}-gives-einval-and-touches-nothing", "§8.2", Refused);
            }

            foreach (var (name, flags) in Batch.NonZeroBatchFlags)
            {
                yield return new ConformanceCase($"lookup-batch/{t}/batch-flags-{name}-are-ignored", "§8.2", ctx =>
                {
                    var map = ArrayOf(ctx, type);
                    Batch.Lookup(ctx, map, false, null, 10, flags: flags).Expect(Errno.ENOENT, 4, 3, [0u, 1, 2, 3]);
                    ExpectArrayOf(ctx, map);
                });
            }

            yield return new ConformanceCase($"lookup-batch/{t}/invalid-elem-flags-beat-count-0", "§1.4", ctx =>
            {
                var map = ArrayOf(ctx, type);
                Batch.Lookup(ctx, map, false, null, 0, slots: 2, elementFlags: BpfElementFlags.Exist).ExpectUntouched(Errno.EINVAL, 0);
            });
            yield return new ConformanceCase($"lookup-batch/{t}/invalid-elem-flags-beat-null-buffers", "§1.4", ctx =>
            {
                var map = ArrayOf(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4, nullKeys: true, nullValues: true, nullOut: true, elementFlags: BpfElementFlags.Lock)
                    .ExpectUntouched(Errno.EINVAL, 4);
            });
            yield return new ConformanceCase($"lookup-batch/{t}/batch-flags-with-count-0-return-success", "§1.4", ctx =>
            {
                var map = ArrayOf(ctx, type);
                Batch.Lookup(ctx, map, false, null, 0, slots: 2, flags: (BpfBatchFlags)1).ExpectUntouched(Errno.None, 0);
            });
        }
    }

    private static BpfMapHandle ArrayOf(ConformanceContext ctx, BpfMapType type)
    {
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
        Batch.Insert(ctx, map, 0, 1, 2, 3);
        return map;
    }

    private static void ExpectArrayOf(ConformanceContext ctx, BpfMapHandle map) =>
        Batch.ExpectArray(ctx, map, [.. Enumerable.Range(0, 4).Select(i => Batch.Value(map, (uint)i))], "the array afterwards");
}
