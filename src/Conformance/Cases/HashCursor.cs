namespace BpfMaps.Conformance.Cases;

/// <summary>
/// The bucket cursor of LOOKUP_BATCH and LOOKUP_AND_DELETE_BATCH on hash maps (reference §8.3): whole buckets,
/// ENOSPC only when the first bucket met does not fit, ENOENT together with data, <c>out_batch</c> = the next
/// non-empty bucket, NULL buffers and their side effects. One generator for both commands: the lookup leaves the map
/// as it was, the lookup-and-delete removes exactly what it returned (and, on a fault, what it had already taken).
/// </summary>
internal static class HashCursor
{
    /// <summary>The cases of one command over the four hash types.</summary>
    public static IEnumerable<ConformanceCase> For(bool andDelete)
    {
        var area = andDelete ? "lookup-and-delete-batch" : "lookup-batch";
        foreach (var type in Batch.HashTypes)
        {
            var shape = HashShape.For(type);
            foreach (var (condition, body) in Bodies(type, shape, andDelete))
            {
                yield return new ConformanceCase($"{area}/{Maps.Slug(type)}/{condition}", "§8.3", body);
            }
        }
    }

    private static IEnumerable<(string Condition, Action<ConformanceContext> Body)> Bodies(BpfMapType type, HashShape s, bool andDelete)
    {
        var n = s.Buckets;

        // Runs body on the shape's map; body returns what a lookup-and-delete removes. Then the map must hold the
        // rest (as tracked, including writes the body made), in iteration order.
        (string, Action<ConformanceContext>) OnShape(string condition, Func<ConformanceContext, BucketMap, IEnumerable<uint>> body) =>
            (condition, ctx =>
            {
                var m = s.Create(ctx, type);
                var removed = body(ctx, m).ToHashSet();
                m.ExpectHolds(ctx, m.Order.Where(id => !andDelete || !removed.Contains(id)), "the map afterwards");
            });

        LookupCall Call(ConformanceContext ctx, BucketMap m, uint? inBatch, uint count, uint? slots = null, bool nullKeys = false,
            bool nullValues = false, bool nullOut = false) =>
            Batch.Lookup(ctx, m.Map, andDelete, inBatch, count, slots, nullKeys, nullValues, nullOut);

        yield return OnShape("whole-map-in-one-call-gives-enoent-with-every-key-in-bucket-order", (ctx, m) =>
        {
            Call(ctx, m, null, 10).Expect(Errno.ENOENT, 6, n, m.Order);
            return m.Order;
        });
        yield return OnShape("count-equal-to-the-element-count-still-gives-enoent-with-all-keys", (ctx, m) =>
        {
            Call(ctx, m, null, 6).Expect(Errno.ENOENT, 6, n, m.Order);
            return m.Order;
        });
        yield return OnShape("in-batch-0-starts-at-the-first-bucket-like-null", (ctx, m) =>
        {
            Call(ctx, m, 0, 10).Expect(Errno.ENOENT, 6, n, m.Order);
            return m.Order;
        });
        yield return OnShape("count-1-returns-the-first-bucket-and-out-batch-skips-the-empty-buckets", (ctx, m) =>
        {
            Call(ctx, m, null, 1, slots: 3).Expect(Errno.None, 1, s.Two, m.In(s.One));
            return m.In(s.One);
        });
        yield return OnShape("bucket-that-does-not-fit-first-gives-enospc-and-out-batch-names-it", (ctx, m) =>
        {
            Call(ctx, m, s.Two, 1, slots: 3).Expect(Errno.ENOSPC, 0, s.Two, []);
            return [];
        });
        yield return OnShape("3-key-bucket-with-count-2-gives-enospc", (ctx, m) =>
        {
            Call(ctx, m, s.Three, 2, slots: 3).Expect(Errno.ENOSPC, 0, s.Three, []);
            return [];
        });
        yield return OnShape("bucket-that-does-not-fit-after-data-ends-the-call-with-success", (ctx, m) =>
        {
            Call(ctx, m, s.Two, 4).Expect(Errno.None, 2, s.Three, m.In(s.Two));
            return m.In(s.Two);
        });
        yield return OnShape("count-filled-exactly-stops-at-the-next-non-empty-bucket-with-success", (ctx, m) =>
        {
            Call(ctx, m, null, 3, slots: 5).Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
            return m.In(s.One, s.Two);
        });
        yield return OnShape("exactly-the-rest-gives-enoent-with-data", (ctx, m) =>
        {
            Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
            return m.In(s.Three);
        });
        yield return OnShape("in-batch-on-an-empty-bucket-skips-to-the-next-non-empty-one", (ctx, m) =>
        {
            Call(ctx, m, s.Two + 1, 10).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
            return m.In(s.Three);
        });
        yield return OnShape("in-batch-on-a-non-empty-bucket-starts-with-that-bucket", (ctx, m) =>
        {
            Call(ctx, m, s.One, 10).Expect(Errno.ENOENT, 6, n, m.Order);
            return m.Order;
        });
        yield return OnShape("only-empty-buckets-left-gives-enoent-count-0-and-out-batch-n-buckets", (ctx, m) =>
        {
            Call(ctx, m, s.Three + 1, 4).Expect(Errno.ENOENT, 0, n, []);
            return [];
        });
        foreach (var (label, start) in new[] { ("n-buckets", n), ("0x7fffffff", 0x7fffffffu), ("0xffffffff", 0xffffffffu) })
        {
            yield return OnShape($"in-batch-{label}-gives-enoent-count-0-and-out-batch-untouched", (ctx, m) =>
            {
                Call(ctx, m, start, 4).ExpectUntouched(Errno.ENOENT, 0);
                return [];
            });
        }

        yield return OnShape("count-0-returns-success-and-touches-nothing", (ctx, m) =>
        {
            Call(ctx, m, null, 0, slots: 4).ExpectUntouched(Errno.None, 0);
            return [];
        });
        yield return OnShape("count-0-with-in-batch-past-the-end-returns-success", (ctx, m) =>
        {
            Call(ctx, m, n, 0, slots: 4).ExpectUntouched(Errno.None, 0);
            return [];
        });
        yield return OnShape("count-0-with-null-buffers-returns-success", (ctx, m) =>
        {
            Call(ctx, m, null, 0, nullKeys: true, nullValues: true, nullOut: true).ExpectUntouched(Errno.None, 0);
            return [];
        });
        yield return OnShape(
            andDelete
                ? "null-keys-gives-efault-count-0-after-deleting-the-first-bucket"
                : "null-keys-gives-efault-count-0-and-out-batch-untouched",
            (ctx, m) =>
            {
                Call(ctx, m, null, 10, nullKeys: true).ExpectUntouched(Errno.EFAULT, 0);
                return m.In(s.One);
            });
        yield return OnShape(
            andDelete
                ? "null-values-gives-efault-after-copying-and-deleting-the-first-buckets-keys"
                : "null-values-gives-efault-after-copying-the-first-buckets-keys",
            (ctx, m) =>
            {
                Call(ctx, m, null, 10, nullValues: true).Expect(Errno.EFAULT, 0, null, m.Keys(m.In(s.One)), []);
                return m.In(s.One);
            });
        yield return OnShape(
            andDelete
                ? "null-out-batch-gives-efault-count-0-but-copies-and-deletes-everything"
                : "null-out-batch-gives-efault-count-0-but-copies-everything",
            (ctx, m) =>
            {
                Call(ctx, m, null, 10, nullOut: true).Expect(Errno.EFAULT, 0, null, m.Order);
                return m.Order;
            });
        yield return OnShape(
            andDelete
                ? "null-out-batch-with-count-1-gives-efault-and-deletes-the-first-bucket"
                : "null-out-batch-with-count-1-gives-efault-after-copying-the-first-bucket",
            (ctx, m) =>
            {
                Call(ctx, m, null, 1, nullOut: true).Expect(Errno.EFAULT, 0, null, m.In(s.One));
                return m.In(s.One);
            });
        yield return OnShape("null-out-batch-with-enospc-gives-efault-and-copies-nothing", (ctx, m) =>
        {
            Call(ctx, m, s.Two, 1, nullOut: true).ExpectUntouched(Errno.EFAULT, 0);
            return [];
        });
        yield return OnShape("walk-with-count-3-visits-every-key-once-then-enoent-untouched", (ctx, m) =>
        {
            Call(ctx, m, null, 3).Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
            Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
            Call(ctx, m, n, 3).ExpectUntouched(Errno.ENOENT, 0);
            return m.Order;
        });
        yield return OnShape("walk-with-count-2-stops-with-enospc-at-the-3-key-bucket", (ctx, m) =>
        {
            Call(ctx, m, null, 2).Expect(Errno.None, 1, s.Two, m.In(s.One));
            Call(ctx, m, s.Two, 2).Expect(Errno.None, 2, s.Three, m.In(s.Two));
            Call(ctx, m, s.Three, 2).Expect(Errno.ENOSPC, 0, s.Three, []);
            return m.In(s.One, s.Two);
        });
        yield return OnShape("walk-with-count-1-stops-with-enospc-at-the-2-key-bucket", (ctx, m) =>
        {
            Call(ctx, m, null, 1).Expect(Errno.None, 1, s.Two, m.In(s.One));
            Call(ctx, m, s.Two, 1).Expect(Errno.ENOSPC, 0, s.Two, []);
            return m.In(s.One);
        });
        yield return OnShape("key-deleted-from-a-later-bucket-between-calls-is-not-returned", (ctx, m) =>
        {
            Call(ctx, m, null, 3).Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
            var gone = m.In(s.Three)[1];
            Expect.Errno(Errno.None, ctx.Backend.Delete(m.Map, Batch.Key(m.Map, gone)), "delete between the calls");
            var rest = m.In(s.Three).Where(id => id != gone).ToList();
            Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 2, n, rest);
            m.Forget([gone]);
            return m.Order;
        });
        yield return OnShape("key-inserted-into-a-visited-bucket-between-calls-is-not-returned", (ctx, m) =>
        {
            Call(ctx, m, null, 3).Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
            var late = Batch.IdsInBucket(m.Map.Spec, s.One, 1, [.. m.Order])[0];
            m.Add(ctx, late);
            Call(ctx, m, s.Three, 10).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
            return m.Order.Where(id => id != late);
        });
        if (!andDelete)
        {
            yield return OnShape("returned-keys-deleted-between-calls-do-not-disturb-the-cursor", (ctx, m) =>
            {
                var first = m.In(s.One, s.Two);
                Call(ctx, m, null, 3).Expect(Errno.None, 3, s.Three, first);
                foreach (var id in first)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Delete(m.Map, Batch.Key(m.Map, id)), $"delete returned key {id}");
                }

                Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
                m.Forget(first);
                return [];
            });
        }
        else
        {
            yield return OnShape("continuing-from-out-batch-empties-the-map", (ctx, m) =>
            {
                Call(ctx, m, null, 3).Expect(Errno.None, 3, s.Three, m.In(s.One, s.Two));
                Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
                Call(ctx, m, null, 3).Expect(Errno.ENOENT, 0, n, []);
                return m.Order;
            });
            yield return OnShape("second-pass-from-the-start-finds-only-what-enospc-left", (ctx, m) =>
            {
                Call(ctx, m, null, 2).Expect(Errno.None, 1, s.Two, m.In(s.One));
                Call(ctx, m, null, 2).Expect(Errno.None, 2, s.Three, m.In(s.Two));
                Call(ctx, m, null, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
                return m.Order;
            });
        }

        var keepsPlace = type.IsPerCpu();
        yield return OnShape(
            keepsPlace ? "updated-key-keeps-its-place-in-its-bucket" : "replaced-key-moves-to-the-head-of-its-bucket",
            (ctx, m) =>
            {
                var oldest = m.In(s.Three)[^1];
                m.Add(ctx, oldest, movesToHead: !keepsPlace);
                Call(ctx, m, s.Three, 3).Expect(Errno.ENOENT, 3, n, m.In(s.Three));
                return m.In(s.Three);
            });

        yield return ("empty-map-gives-enoent-count-0-and-out-batch-n-buckets", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type, s.MaxEntries));
            var call = Batch.Lookup(ctx, map, andDelete, null, 4);
            call.Expect(Errno.ENOENT, 0, n, [], []);
        });
        yield return ("empty-map-with-null-keys-and-values-gives-enoent-not-efault", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type, s.MaxEntries));
            var call = Batch.Lookup(ctx, map, andDelete, null, 4, nullKeys: true, nullValues: true);
            call.Expect(Errno.ENOENT, 0, n, [], []);
        });
        yield return ("only-the-last-bucket-filled-exactly-gives-enoent-with-data", ctx =>
        {
            var m = BucketMap.Create(ctx, type, s.MaxEntries, (n - 1, 2));
            Batch.Lookup(ctx, m.Map, andDelete, null, 2).Expect(Errno.ENOENT, 2, n, m.Order);
            m.ExpectHolds(ctx, andDelete ? [] : m.Order, "the map afterwards");
        });
        yield return ("first-bucket-larger-than-count-from-the-start-gives-enospc", ctx =>
        {
            var m = BucketMap.Create(ctx, type, s.MaxEntries, (s.Two, 2), (s.Three, 1));
            Batch.Lookup(ctx, m.Map, andDelete, null, 1, slots: 2).Expect(Errno.ENOSPC, 0, s.Two, []);
            m.ExpectUnchanged(ctx);
        });
        yield return ("bucket-0-holding-keys-is-returned-from-the-start", ctx =>
        {
            var m = BucketMap.Create(ctx, type, s.MaxEntries, (0, 2), (s.Two, 1));
            Batch.Lookup(ctx, m.Map, andDelete, null, 2).Expect(Errno.None, 2, s.Two, m.In(0));
            m.ExpectHolds(ctx, andDelete ? m.In(s.Two) : m.Order, "the map afterwards");
        });
        yield return ("max-entries-5-has-8-buckets-so-the-walk-ends-at-8", ctx =>
        {
            var m = BucketMap.Create(ctx, type, 5, (0, 1), (7, 1));
            Batch.Lookup(ctx, m.Map, andDelete, null, 1).Expect(Errno.None, 1, 7, m.In(0));
            Batch.Lookup(ctx, m.Map, andDelete, 7, 1).Expect(Errno.ENOENT, 1, 8, m.In(7));
            m.ExpectHolds(ctx, andDelete ? [] : m.Order, "the map afterwards");
        });
        yield return ("max-entries-1-has-one-bucket-and-the-walk-ends-at-1", ctx =>
        {
            var m = BucketMap.Create(ctx, type, 1, (0, 1));
            Batch.Lookup(ctx, m.Map, andDelete, null, 1).Expect(Errno.ENOENT, 1, 1, m.Order);
            Batch.Lookup(ctx, m.Map, andDelete, 1, 1).ExpectUntouched(Errno.ENOENT, 0);
            m.ExpectHolds(ctx, andDelete ? [] : m.Order, "the map afterwards");
        });
    }
}

/// <summary>
/// The bucket layout the hash cursor cases use: buckets <see cref="One"/>, <see cref="Two"/>, <see cref="Three"/>
/// hold 1, 2 and 3 keys, with empty buckets between them and after the last (reference §8.3's example for the core
/// types; 64 buckets for LRU types, so that six keys written on one CPU stay far from any eviction, §12.1).
/// </summary>
internal sealed record HashShape(uint MaxEntries, uint One, uint Two, uint Three)
{
    public uint Buckets => Jhash.BucketCount(MaxEntries);

    public static HashShape For(BpfMapType type) => type.IsLru() ? new(64, 5, 17, 40) : new(8, 1, 3, 6);

    public BucketMap Create(ConformanceContext ctx, BpfMapType type) =>
        BucketMap.Create(ctx, type, MaxEntries, (One, 1), (Two, 2), (Three, 3));
}
