namespace BpfMaps.Conformance.Cases;

/// <summary>
/// The two public documentation pages for BPF_MAP_LOOKUP_BATCH and BPF_MAP_UPDATE_BATCH (docs.ebpf.io style, in
/// shared/seeds), taken attribute by attribute and flag by flag: each case pins what the kernel does. Where the page
/// is wrong the name says "seed-says-... -kernel-...". Spin-lock rows (BPF_F_LOCK with a lock present) need BTF and
/// are not here.
/// </summary>
internal static class SeedPageCases
{
    public static IEnumerable<ConformanceCase> All() =>
        [.. BatchSupportMatrix.ByKernel(LookupPage(), BatchCommand.Lookup), .. BatchSupportMatrix.ByKernel(UpdatePage(), BatchCommand.Update)];

    private static IEnumerable<ConformanceCase> LookupPage()
    {
        const string area = "seed-lookup-batch";

        // map_fd: the map named by the descriptor is read, no other.
        yield return new ConformanceCase($"{area}/hash/map-fd-selects-which-map-is-read", "§8.3", ctx =>
        {
            var a = BucketMap.FromIds(ctx, Maps.Spec(BpfMapType.Hash, 8), [1, 2]);
            var b = BucketMap.FromIds(ctx, Maps.Spec(BpfMapType.Hash, 8), [3, 4, 5]);
            Batch.Lookup(ctx, b.Map, false, null, 8).Expect(Errno.ENOENT, 3, 8, b.Order);
            Batch.Lookup(ctx, a.Map, false, null, 8).Expect(Errno.ENOENT, 2, 8, a.Order);
        });

        // in_batch: "at the start of iteration it should be set to 0/NULL".
        foreach (var type in Maps.CoreHashTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/in-batch-null-and-in-batch-0-both-start-at-the-first-bucket", "§8.3", ctx =>
            {
                var m = HashShape.For(type).Create(ctx, type);
                Batch.Lookup(ctx, m.Map, false, null, 10).Expect(Errno.ENOENT, 6, 8, m.Order);
                Batch.Lookup(ctx, m.Map, false, 0, 10).Expect(Errno.ENOENT, 6, 8, m.Order);
            });
        }

        foreach (var type in Maps.ArrayTypes)
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/in-batch-0-seed-says-start-of-iteration-kernel-continues-after-index-0",
                "§8.4",
                ctx =>
                {
                    var map = FilledArray(ctx, type);
                    Batch.Lookup(ctx, map, false, 0, 4).Expect(Errno.ENOENT, 3, 3, [1u, 2, 3]);
                    Batch.Lookup(ctx, map, false, null, 4).Expect(Errno.None, 4, 3, [0u, 1, 2, 3]);
                });
        }

        // in_batch/out_batch: "opaque, userspace should just copy the values" — it is a bucket index for hash maps and
        // the last key returned for arrays; copying it back continues without repeats.
        foreach (var type in Maps.CoreHashTypes)
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/opaque-out-batch-is-the-next-bucket-index-and-copied-back-continues-without-repeats",
                "§8.3",
                ctx =>
                {
                    var s = HashShape.For(type);
                    var m = s.Create(ctx, type);
                    var first = Batch.Lookup(ctx, m.Map, false, null, 3);
                    first.Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
                    Batch.Lookup(ctx, m.Map, false, Data.ReadU32(first.OutBatch), 3).Expect(Errno.ENOENT, 3, 8, m.In(s.Three));
                });
        }

        foreach (var type in Maps.ArrayTypes)
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/opaque-out-batch-is-the-last-key-returned-and-copied-back-continues-without-repeats",
                "§8.4",
                ctx =>
                {
                    var map = FilledArray(ctx, type);
                    var first = Batch.Lookup(ctx, map, false, null, 3);
                    first.Expect(Errno.None, 3, 2, [0u, 1, 2]);
                    Batch.Lookup(ctx, map, false, Data.ReadU32(first.OutBatch), 3).Expect(Errno.ENOENT, 1, 3, [3u]);
                });
        }

        // out_batch: "at the start of iteration it should be set to 0/NULL" — a NULL out_batch is EFAULT.
        foreach (var type in Maps.CoreHashTypes)
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/null-out-batch-seed-says-allowed-at-the-start-kernel-gives-efault-with-count-0",
                "§8.3",
                ctx =>
                {
                    var m = HashShape.For(type).Create(ctx, type);
                    Batch.Lookup(ctx, m.Map, false, null, 10, nullOut: true).Expect(Errno.EFAULT, 0, null, m.Order);
                    m.ExpectUnchanged(ctx);
                });
        }

        foreach (var type in Maps.ArrayTypes)
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/null-out-batch-seed-says-allowed-at-the-start-kernel-gives-efault-with-count-written",
                "§8.4",
                ctx =>
                {
                    var map = FilledArray(ctx, type);
                    Batch.Lookup(ctx, map, false, null, 3, nullOut: true).Expect(Errno.EFAULT, 3, null, [0u, 1, 2]);
                });
        }

        // keys: "key_size times count": only the slots returned are written; NULL is EFAULT.
        yield return new ConformanceCase($"{area}/hash/keys-buffer-of-count-slots-gets-only-the-returned-keys", "§8.3", ctx =>
        {
            var m = HashShape.For(BpfMapType.Hash).Create(ctx, BpfMapType.Hash);
            Batch.Lookup(ctx, m.Map, false, null, 5).Expect(Errno.None, 3, 6, m.In(1, 3));
        });
        yield return new ConformanceCase($"{area}/hash/key-size-6-keys-are-packed-6-bytes-apart", "§2", ctx =>
        {
            var m = BucketMap.FromIds(ctx, Maps.Spec(BpfMapType.Hash, 8, keySize: 6), [1, 2, 3, 4, 5]);
            Batch.Lookup(ctx, m.Map, false, null, 8).Expect(Errno.ENOENT, 5, 8, m.Order);
        });
        foreach (var type in Maps.CoreTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/null-keys-gives-efault", type.IsArrayFamily() ? "§8.4" : "§8.3", ctx =>
            {
                var map = Seeded(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4, nullKeys: true).ExpectUntouched(Errno.EFAULT, 0);
            });
        }

        // values: "value_size × # of logical CPUs × count" for per-CPU maps — the stride is round_up(value_size, 8) ×
        // possible CPUs, element-major: element i, CPU c at i × stride + c × round_up(value_size, 8).
        foreach (var type in new[] { BpfMapType.PerCpuHash, BpfMapType.PerCpuArray })
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/values-stride-seed-says-value-size-times-logical-cpus-kernel-uses-round-up-8-times-possible-cpus",
                "§2",
                ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4, valueSize: 12));
                    Expect.Equal(16UL * (ulong)ctx.Cpus, map.Layout.ValueSize, "layout stride");
                    var ids = new uint[] { 0, 1, 2 };
                    foreach (var id in ids)
                    {
                        Expect.Errno(Errno.None, ctx.Backend.Update(map, Batch.Key(map, id), PerCpuPattern(map, id)), $"update {id}");
                    }

                    var call = Batch.Lookup(ctx, map, false, null, 4);
                    Expect.Errno(type.IsArrayFamily() ? Errno.None : Errno.ENOENT, call.Errno, "errno");
                    Expect.Equal(type.IsArrayFamily() ? 4u : 3u, call.Count, "count");
                    var keys = Data.Split(call.Keys, call.Count, map.Layout.KeySize);
                    IEnumerable<uint> order = type.IsArrayFamily()
                        ? [0, 1, 2, 3]
                        : ids.OrderBy(id => Batch.BucketOf(map.Spec, Batch.Key(map, id))).ThenByDescending(id => id);
                    Expect.Sequence(order.Select(id => Batch.Key(map, id)), keys, "keys (bucket order, newest first)");
                    Expect.Bytes(Data.U32(type.IsArrayFamily() ? 3u : 4u), call.OutBatch, "out_batch");
                    for (var i = 0; i < (int)call.Count; i++)
                    {
                        var id = Data.ReadU32(keys[i]);
                        for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                        {
                            var at = (i * (int)map.Layout.ValueSize) + (cpu * 16);
                            var expected = id < 3 ? Elements.Stored(ctx, map, PerCpuPattern(map, id)).AsSpan(cpu * 16, 16) : new byte[16];
                            Expect.Bytes(expected, call.Values.AsSpan(at, 16), $"element {i} (key {id}) cpu {cpu} at byte {at}");
                        }
                    }
                });
            var padding = KernelChanges.PerCpuPaddingNotStored.Outcomes("are-not-stored", "are-returned");
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/per-cpu-padding-bytes-written-by-user-space-{padding}", "§2", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 2, valueSize: 12));
                var written = Batch.Filled(map.Layout.ValueSize, 0xAB);
                var value = Elements.Stored(ctx, map, written);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Batch.Key(map, 1), written), "update with 0xAB padding");
                var call = Batch.Lookup(ctx, map, false, null, 2);
                Expect.Errno(type.IsArrayFamily() ? Errno.None : Errno.ENOENT, call.Errno, "errno");
                Expect.Equal(type.IsArrayFamily() ? 2u : 1u, call.Count, "count");
                Expect.Bytes(Data.U32(type.IsArrayFamily() ? 1u : 2u), call.OutBatch, "out_batch");
                Expect.Bytes(type.IsArrayFamily() ? Data.Keys(map, 0, 1) : Data.Concat(Batch.Key(map, 1), Batch.Filled(4, Batch.KeySentinel)), call.Keys, "keys");
                Expect.Bytes(
                    type.IsArrayFamily() ? Data.Concat(Batch.Zero(map), value) : Data.Concat(value, Batch.Filled(map.Layout.ValueSize, Batch.ValueSentinel)),
                    call.Values,
                    "values: key 1, with its 0xAB padding where the kernel stores it");
            });
        }

        yield return new ConformanceCase($"{area}/hash/values-of-a-non-per-cpu-map-are-value-size-apart-without-padding", "§2", ctx =>
        {
            var m = BucketMap.FromIds(ctx, Maps.Spec(BpfMapType.Hash, 8, valueSize: 5), [1, 2, 3]);
            Batch.Lookup(ctx, m.Map, false, null, 4).Expect(Errno.ENOENT, 3, 8, m.Order);
        });

        // count: "maximum in, actual out" — and ENOSPC when not even the first bucket fits, ENOENT at the end with data.
        yield return new ConformanceCase($"{area}/hash/count-smaller-than-a-bucket-seed-says-fewer-are-returned-kernel-gives-enospc-count-0", "§8.3", ctx =>
        {
            var m = BucketMap.Create(ctx, BpfMapType.Hash, 8, (2, 3));
            Batch.Lookup(ctx, m.Map, false, null, 2).Expect(Errno.ENOSPC, 0, 2, []);
        });
        yield return new ConformanceCase($"{area}/hash/end-of-map-seed-says-0-on-success-kernel-gives-enoent-with-data", "§8.3", ctx =>
        {
            var m = HashShape.For(BpfMapType.Hash).Create(ctx, BpfMapType.Hash);
            Batch.Lookup(ctx, m.Map, false, null, 100).Expect(Errno.ENOENT, 6, 8, m.Order);
        });
        foreach (var type in Maps.ArrayTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/exactly-the-whole-array-gives-0-and-the-next-call-enoent", "§8.4", ctx =>
            {
                var map = FilledArray(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4).Expect(Errno.None, 4, 3, [0u, 1, 2, 3]);
                Batch.Lookup(ctx, map, false, 3, 4).ExpectUntouched(Errno.ENOENT, 0);
            });
        }

        yield return new ConformanceCase($"{area}/hash/count-0-seed-silent-kernel-returns-0-and-writes-nothing", "§1.4", ctx =>
        {
            var m = HashShape.For(BpfMapType.Hash).Create(ctx, BpfMapType.Hash);
            Batch.Lookup(ctx, m.Map, false, null, 0, slots: 2).ExpectUntouched(Errno.None, 0);
        });

        // elem_flags BPF_F_LOCK: "no spin-lock in the value gives -EINVAL" (right, for every type).
        foreach (var type in Maps.CoreTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/elem-flags-f-lock-without-spin-lock-gives-einval", "§8.2", ctx =>
            {
                var map = Seeded(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4, elementFlags: BpfElementFlags.Lock).ExpectUntouched(Errno.EINVAL, 4);
            });
        }

        // flags: "there are currently no valid flags defined" — hash maps refuse non-zero, arrays ignore it.
        foreach (var type in Maps.CoreHashTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/flags-nonzero-gives-einval", "§8.2", ctx =>
            {
                var map = Seeded(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4, flags: (BpfBatchFlags)1).ExpectUntouched(Errno.EINVAL, 4);
            });
        }

        foreach (var type in Maps.ArrayTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/flags-seed-says-none-valid-kernel-ignores-nonzero-on-arrays", "§8.2", ctx =>
            {
                var map = FilledArray(ctx, type);
                Batch.Lookup(ctx, map, false, null, 4, flags: (BpfBatchFlags)1).Expect(Errno.None, 4, 3, [0u, 1, 2, 3]);
            });
        }

        // "less widely supported": queues and stacks have no batch lookup at all.
        foreach (var type in new[] { BpfMapType.Queue, BpfMapType.Stack })
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/support-note-no-batch-lookup-gives-enotsupp-524", "§8.1", ctx =>
            {
                var map = BatchSupportMatrix.Filled(ctx, type);
                var count = 2u;
                var values = new byte[2 * map.Layout.ValueSize];
                Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupBatch(map, [], new byte[4], [], values, ref count), "lookup-batch");
                Expect.Equal(2u, count, "count untouched");
            });
        }
    }

    private static IEnumerable<ConformanceCase> UpdatePage()
    {
        const string area = "seed-update-batch";

        yield return new ConformanceCase($"{area}/hash/map-fd-selects-which-map-is-written", "§8.5", ctx =>
        {
            var a = ctx.CreateMap(Maps.Spec(BpfMapType.Hash, 8));
            var b = ctx.CreateMap(Maps.Spec(BpfMapType.Hash, 8));
            UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, b, [1, 2]), Errno.None, 2);
            Batch.ExpectMapSet(ctx, a, [], "the other map");
            Batch.ExpectMapSet(ctx, b, [(Batch.Key(b, 1), Batch.Value(b, 1)), (Batch.Key(b, 2), Batch.Value(b, 2))], "the map written");
        });

        // count: "the number of elements you wish to update" — it is also written back: the successes before a failure.
        yield return new ConformanceCase($"{area}/hash/count-seed-says-input-only-kernel-writes-back-the-successes-before-e2big", "§8.5", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(BpfMapType.Hash, maxEntries: 2));
            UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, map, [1, 2, 3]), Errno.E2BIG, 2);
        });
        yield return new ConformanceCase($"{area}/array/count-seed-says-input-only-kernel-writes-back-the-successes-before-an-out-of-range-index", "§8.5", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(BpfMapType.Array, maxEntries: 2));
            UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, map, [1, 2, 0]), Errno.E2BIG, 1);
        });

        // keys: "will not be modified" and "sequentially updated to the value in the corresponding index".
        yield return new ConformanceCase($"{area}/hash/keys-and-values-buffers-are-not-modified", "§8.5", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(BpfMapType.Hash, 8));
            var keys = Data.Keys(map, 1, 2, 3);
            var values = Data.Values(map, 1, 2, 3);
            var (keysBefore, valuesBefore) = (keys.ToArray(), values.ToArray());
            var count = 3u;
            Expect.Errno(Errno.None, ctx.Backend.UpdateBatch(map, keys, values, ref count), "update-batch");
            Expect.Bytes(keysBefore, keys, "keys buffer");
            Expect.Bytes(valuesBefore, values, "values buffer");
        });
        foreach (var type in Maps.CoreTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/elements-are-applied-sequentially-so-a-duplicate-key-takes-the-last-value", "§8.5", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
                var last = Data.Value(map, 77);
                UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, map, [1, 1], [Batch.Value(map, 1), last]), Errno.None, 2);
                var value = new byte[map.Layout.ValueSize];
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Batch.Key(map, 1), value), "lookup");
                Expect.Bytes(last, value, "value of the duplicated key");
            });
        }

        // values: "an array of #-logical-CPUs elements of count × value_size" (CPU-major) — the kernel reads
        // element-major, round_up(value_size, 8) per possible CPU.
        foreach (var type in new[] { BpfMapType.PerCpuHash, BpfMapType.PerCpuArray })
        {
            yield return new ConformanceCase(
                $"{area}/{Maps.Slug(type)}/values-layout-seed-says-cpu-major-value-size-kernel-reads-element-major-round-up-8-possible-cpus",
                "§2",
                ctx =>
                {
                    var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4, valueSize: 12));
                    var buffer = Data.Bytes(9, 3 * map.Layout.ValueSize);
                    var keys = Data.Keys(map, 0, 1, 2);
                    var count = 3u;
                    Expect.Errno(Errno.None, ctx.Backend.UpdateBatch(map, keys, buffer, ref count), "update-batch");
                    Expect.Equal(3u, count, "count");
                    for (var i = 0; i < 3; i++)
                    {
                        var value = new byte[map.Layout.ValueSize];
                        Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Batch.Key(map, (uint)i), value), $"lookup {i}");
                        var slice = buffer.AsSpan(i * (int)map.Layout.ValueSize, (int)map.Layout.ValueSize).ToArray();
                        Expect.Bytes(Elements.Stored(ctx, map, slice), value, $"element {i} is slice {i} of the buffer");
                    }
                });
        }

        // flags BPF_ANY: "create or replace" (right).
        foreach (var type in Batch.UpdatableTypes)
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/any-creates-and-replaces", "§8.5", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
                Batch.Insert(ctx, map, 1);
                UpdateBatchCases.ExpectResult(
                    UpdateBatchCases.Update(ctx, map, [1, 2], [Batch.OtherValue(map, 1), Batch.Value(map, 2)], elementFlags: BpfElementFlags.Any),
                    Errno.None, 2);
                var expected = type.IsArrayFamily()
                    ? Enumerable.Range(0, 8).Select(i => (Data.U32((uint)i), i switch { 1 => Batch.OtherValue(map, 1), 2 => Batch.Value(map, 2), _ => Batch.Zero(map) }))
                    : [(Batch.Key(map, 1), Batch.OtherValue(map, 1)), (Batch.Key(map, 2), Batch.Value(map, 2))];
                Batch.ExpectMapSet(ctx, map, expected, "the map afterwards");
            });
        }

        // BPF_NOEXIST / BPF_EXIST(S) in elem_flags: refused up front with EINVAL, whatever the keys.
        foreach (var type in Batch.HashTypes)
        {
            var t = Maps.Slug(type);
            yield return SeedFlag($"{area}/{t}/noexist-elem-flag-on-an-existing-key-seed-says-eexist-kernel-gives-einval", type, BpfElementFlags.NoExist, [1]);
            yield return SeedFlag($"{area}/{t}/noexist-elem-flag-on-new-keys-seed-says-inserts-kernel-gives-einval", type, BpfElementFlags.NoExist, [5, 6]);
            yield return SeedFlag($"{area}/{t}/exist-elem-flag-on-an-absent-key-seed-says-enoent-kernel-gives-einval", type, BpfElementFlags.Exist, [5]);
            yield return SeedFlag($"{area}/{t}/exist-elem-flag-on-existing-keys-seed-says-replaces-kernel-gives-einval", type, BpfElementFlags.Exist, [1, 2]);
            yield return SeedFlag($"{area}/{t}/noexist-elem-flag-with-count-0-seed-says-nothing-to-do-kernel-gives-einval", type, BpfElementFlags.NoExist, []);
        }

        foreach (var type in Maps.ArrayTypes)
        {
            var t = Maps.Slug(type);
            yield return SeedFlag($"{area}/{t}/noexist-elem-flag-seed-says-always-eexist-on-arrays-kernel-gives-einval", type, BpfElementFlags.NoExist, [1]);
            yield return SeedFlag($"{area}/{t}/exist-elem-flag-seed-says-replaces-kernel-gives-einval", type, BpfElementFlags.Exist, [1, 3]);
            yield return SeedFlag($"{area}/{t}/noexist-elem-flag-with-an-out-of-range-index-gives-einval-not-e2big", type, BpfElementFlags.NoExist, [9]);
        }

        // The page calls the field "flags": attr.batch.flags is ignored by UPDATE_BATCH, so NOEXIST/EXIST there do nothing.
        foreach (var type in Maps.CoreTypes)
        {
            var t = Maps.Slug(type);
            yield return new ConformanceCase($"{area}/{t}/noexist-in-batch-flags-seed-says-eexist-kernel-ignores-it-and-replaces", "§8.2", ctx =>
            {
                var map = SeedMap(ctx, type);
                UpdateBatchCases.ExpectResult(
                    UpdateBatchCases.Update(ctx, map, [1], [Batch.OtherValue(map, 1)], flags: (BpfBatchFlags)BpfElementFlags.NoExist), Errno.None, 1);
                ExpectSeedMap(ctx, map, (1, Batch.OtherValue(map, 1)));
            });
            if (type.IsArrayFamily())
            {
                continue;
            }

            yield return new ConformanceCase($"{area}/{t}/exist-in-batch-flags-seed-says-enoent-kernel-ignores-it-and-inserts", "§8.2", ctx =>
            {
                var map = SeedMap(ctx, type);
                UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, map, [5], flags: (BpfBatchFlags)BpfElementFlags.Exist), Errno.None, 1);
                ExpectSeedMap(ctx, map, (5, Batch.Value(map, 5)));
            });
        }

        // BPF_F_LOCK: "no spin lock gives -EINVAL" (right).
        foreach (var type in Batch.UpdatableTypes)
        {
            yield return SeedFlag($"{area}/{Maps.Slug(type)}/f-lock-without-spin-lock-gives-einval", type, BpfElementFlags.Lock, [1]);
        }

        foreach (var type in new[] { BpfMapType.Queue, BpfMapType.Stack })
        {
            yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/no-batch-update-gives-enotsupp-524", "§8.1", ctx =>
            {
                var map = BatchSupportMatrix.Filled(ctx, type);
                var count = 1u;
                Expect.Errno(Errno.ENOTSUPP, ctx.Backend.UpdateBatch(map, [], Batch.Value(map, 3), ref count), "update-batch");
                Expect.Equal(1u, count, "count untouched");
            });
        }
    }

    /// <summary>
    /// A batch with <paramref name="flags"/> in elem_flags over <paramref name="ids"/> on a map holding ids 1 and 2:
    /// EINVAL, count untouched, the map as it was.
    /// </summary>
    private static ConformanceCase SeedFlag(string name, BpfMapType type, BpfElementFlags flags, uint[] ids) =>
        new(name, "§8.2", ctx =>
        {
            var map = SeedMap(ctx, type);
            var result = ids.Length == 0
                ? UpdateBatchCases.Update(ctx, map, [], count: 0, nullKeys: true, nullValues: true, elementFlags: flags)
                : UpdateBatchCases.Update(ctx, map, ids, [.. ids.Select(id => Batch.OtherValue(map, id))], elementFlags: flags);
            UpdateBatchCases.ExpectResult(result, Errno.EINVAL, (uint)ids.Length);
            ExpectSeedMap(ctx, map);
        });

    /// <summary>A map of 8 entries holding ids 1 and 2 with their values.</summary>
    private static BpfMapHandle SeedMap(ConformanceContext ctx, BpfMapType type)
    {
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
        Batch.Insert(ctx, map, 1, 2);
        return map;
    }

    /// <summary>Checks a <see cref="SeedMap"/>: ids 1 and 2 with their values, except the <paramref name="changes"/>.</summary>
    private static void ExpectSeedMap(ConformanceContext ctx, BpfMapHandle map, params (uint Id, byte[] Value)[] changes)
    {
        var held = new Dictionary<uint, byte[]> { [1] = Batch.Value(map, 1), [2] = Batch.Value(map, 2) };
        foreach (var (id, value) in changes)
        {
            held[id] = value;
        }

        var expected = map.Spec.Type.IsArrayFamily()
            ? Enumerable.Range(0, (int)map.Spec.MaxEntries).Select(i => (Data.U32((uint)i), held.TryGetValue((uint)i, out var v) ? v : Batch.Zero(map)))
            : held.Select(e => (Batch.Key(map, e.Key), e.Value));
        Batch.ExpectMapSet(ctx, map, expected, "the map afterwards");
    }

    /// <summary>A ZERO_SEED hash map with ids 1..3, or an array with indexes 0..2 written.</summary>
    private static BpfMapHandle Seeded(ConformanceContext ctx, BpfMapType type)
    {
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
        Batch.Insert(ctx, map, type.IsArrayFamily() ? [0, 1, 2] : [1, 2, 3]);
        return map;
    }

    /// <summary>An array of 4 with every index written.</summary>
    private static BpfMapHandle FilledArray(ConformanceContext ctx, BpfMapType type)
    {
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
        Batch.Insert(ctx, map, 0, 1, 2, 3);
        return map;
    }

    /// <summary>A per-CPU value whose 16-byte CPU slots (value_size 12 + 4 padding) all differ.</summary>
    private static byte[] PerCpuPattern(BpfMapHandle map, uint id) => Data.Bytes(200 + (int)id, map.Layout.ValueSize);
}
