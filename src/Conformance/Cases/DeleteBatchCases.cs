namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_DELETE_BATCH (§8.6) on the hash family: keys in order, each like DELETE_ELEM; stops at the first error with
/// count = the deletions before it, no rollback (§14); element flags other than 0 are EINVAL (BPF_F_LOCK too without
/// a spin lock), <c>batch.flags</c> is ignored (§8.2); flags before count 0 (§1.4); arrays, queues and stacks lack it (§8.1).
/// </summary>
internal static class DeleteBatchCases
{
    public static IEnumerable<ConformanceCase> All() =>
    [
        .. Hash(),
        .. Flags(),
        .. BatchSupportMatrix.Unsupported(BatchCommand.Delete),
    ];

    /// <summary>DELETE_BATCH of the keys of <paramref name="ids"/>.</summary>
    private static (Errno Errno, uint Count) Delete(ConformanceContext ctx, BpfMapHandle map, uint[] ids, uint? count = null, bool nullKeys = false,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var keys = nullKeys ? [] : Data.Concat([.. ids.Select(id => Batch.Key(map, id))]);
        var c = count ?? (uint)ids.Length;
        var errno = ctx.Backend.DeleteBatch(map, keys, ref c, elementFlags, flags);
        return (errno, c);
    }

    private static IEnumerable<ConformanceCase> Hash()
    {
        foreach (var type in Batch.HashTypes)
        {
            var t = Maps.Slug(type);
            var shape = HashShape.For(type);

            // The §8.3 layout (buckets with 1, 2, 3 keys); body returns the ids it expects deleted.
            ConformanceCase Case(string condition, Func<ConformanceContext, BucketMap, IEnumerable<uint>> body) =>
                new($"delete-batch/{t}/{condition}", "§8.6", ctx =>
                {
                    var m = shape.Create(ctx, type);
                    var all = m.Order;
                    var deleted = body(ctx, m).ToHashSet();
                    m.ExpectHolds(ctx, all.Where(id => !deleted.Contains(id)), "the map afterwards");
                });

            yield return Case("existing-keys-are-deleted-count-3", (ctx, m) =>
            {
                uint[] ids = [m.In(shape.Three)[1], m.In(shape.One)[0], m.In(shape.Two)[0]];
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, ids), Errno.None, 3);
                return ids;
            });
            yield return Case("absent-key-stops-the-batch-enoent-count-2-without-rollback", (ctx, m) =>
            {
                var o = m.Order;
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [o[0], o[1], 9999, o[2]]), Errno.ENOENT, 2);
                return [o[0], o[1]];
            });
            yield return Case("duplicate-key-gives-enoent-on-the-second-count-1", (ctx, m) =>
            {
                var o = m.Order;
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [o[3], o[3], o[4]]), Errno.ENOENT, 1);
                return [o[3]];
            });
            yield return Case("first-key-absent-gives-enoent-count-0-and-deletes-nothing", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [9999, m.Order[0]]), Errno.ENOENT, 0);
                return [];
            });
            yield return Case("null-keys-gives-efault-count-0-and-deletes-nothing", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [], count: 2, nullKeys: true), Errno.EFAULT, 0);
                return [];
            });
            yield return Case("count-0-with-null-keys-succeeds", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [], count: 0, nullKeys: true), Errno.None, 0);
                return [];
            });
            yield return Case("count-0-with-keys-deletes-nothing", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [.. m.Order], count: 0), Errno.None, 0);
                return [];
            });
            yield return Case("count-0-with-absent-keys-succeeds", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [9998, 9999], count: 0), Errno.None, 0);
                return [];
            });
            yield return Case("count-1-of-a-larger-buffer-deletes-only-the-first", (ctx, m) =>
            {
                var o = m.Order;
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [o[5], o[0], o[1]], count: 1), Errno.None, 1);
                return [o[5]];
            });
            yield return Case("every-key-deleted-leaves-an-empty-map-that-lookup-batch-walks-to-n-buckets", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [.. m.Order]), Errno.None, 6);
                Batch.Lookup(ctx, m.Map, false, null, 4).Expect(Errno.ENOENT, 0, shape.Buckets, [], []);
                return m.Order;
            });
            yield return Case("deleting-the-whole-bucket-makes-lookup-batch-skip-it", (ctx, m) =>
            {
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [.. m.In(shape.Two)]), Errno.None, 2);
                Batch.Lookup(ctx, m.Map, false, null, 1, slots: 2).Expect(Errno.None, 1, shape.Three, m.In(shape.One));
                return m.In(shape.Two);
            });
            yield return new ConformanceCase($"delete-batch/{t}/empty-map-gives-enoent-count-0", "§8.6", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, shape.MaxEntries));
                UpdateBatchCases.ExpectResult(Delete(ctx, map, [1, 2]), Errno.ENOENT, 0);
            });
        }

        foreach (var type in Maps.CoreHashTypes)
        {
            yield return new ConformanceCase($"delete-batch/{Maps.Slug(type)}/deleted-keys-free-capacity-in-a-full-map", "§8.6", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3, 4]);
                UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, m.Map, [5]), Errno.E2BIG, 0);
                UpdateBatchCases.ExpectResult(Delete(ctx, m.Map, [2, 4]), Errno.None, 2);
                m.Forget([2, 4]);
                UpdateBatchCases.ExpectResult(UpdateBatchCases.Update(ctx, m.Map, [5, 6, 7]), Errno.E2BIG, 2);
                m.Track(5);
                m.Track(6);
                m.ExpectHolds(ctx, m.Order, "the map afterwards");
            });
        }
    }

    /// <summary>Element flags (§8.2) and their place in the check order (§1.4).</summary>
    private static IEnumerable<ConformanceCase> Flags()
    {
        foreach (var type in Batch.HashTypes)
        {
            var t = Maps.Slug(type);
            foreach (var (name, flags) in Batch.InvalidElementFlags)
            {
                yield return new ConformanceCase($"delete-batch/{t}/elem-flags-{name}-gives-einval-count-untouched-and-deletes-nothing", "§8.2", ctx =>
                {
                    var map = BatchSupportMatrix.Filled(ctx, type);
                    var (errno, count) = Delete(ctx, map, [1, 2], elementFlags: flags);
                    UpdateBatchCases.ExpectResult((errno, count), Errno.EINVAL, 2);
                    Batch.ExpectMapSet(ctx, map, [(Batch.Key(map, 1), Batch.Value(map, 1)), (Batch.Key(map, 2), Batch.Value(map, 2))], "the map afterwards");
                });
            }

            foreach (var (name, flags) in Batch.NonZeroBatchFlags)
            {
                yield return new ConformanceCase($"delete-batch/{t}/batch-flags-{name}-are-ignored", "§8.2", ctx =>
                {
                    var map = BatchSupportMatrix.Filled(ctx, type);
                    UpdateBatchCases.ExpectResult(Delete(ctx, map, [2], flags: flags), Errno.None, 1);
                    Batch.ExpectMapSet(ctx, map, [(Batch.Key(map, 1), Batch.Value(map, 1))], "the map afterwards");
                });
            }

            yield return new ConformanceCase($"delete-batch/{t}/invalid-elem-flags-beat-count-0", "§1.4", ctx =>
            {
                var map = BatchSupportMatrix.Filled(ctx, type);
                UpdateBatchCases.ExpectResult(Delete(ctx, map, [], count: 0, nullKeys: true, elementFlags: BpfElementFlags.NoExist), Errno.EINVAL, 0);
            });
            yield return new ConformanceCase($"delete-batch/{t}/invalid-elem-flags-beat-null-keys", "§1.4", ctx =>
            {
                var map = BatchSupportMatrix.Filled(ctx, type);
                UpdateBatchCases.ExpectResult(Delete(ctx, map, [], count: 2, nullKeys: true, elementFlags: BpfElementFlags.Lock), Errno.EINVAL, 2);
            });
            yield return new ConformanceCase($"delete-batch/{t}/invalid-elem-flags-beat-an-absent-key", "§1.4", ctx =>
            {
                var map = BatchSupportMatrix.Filled(ctx, type);
                UpdateBatchCases.ExpectResult(Delete(ctx, map, [9999], elementFlags: (BpfElementFlags)8), Errno.EINVAL, 1);
            });
        }
    }
}
