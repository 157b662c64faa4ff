namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_LOOKUP_AND_DELETE_BATCH: the hash bucket cursor with deletion (§8.3), its side effects on failing calls
/// (§14), flags (§8.2), check order (§1.4) and the support matrix (§8.1: arrays, queues and stacks lack it).
/// </summary>
internal static class LookupAndDeleteBatchCases
{
    public static IEnumerable<ConformanceCase> All() =>
    [
        .. HashCursor.For(andDelete: true),
        .. Extra(),
        .. LookupBatchCases.HashFlags(BatchCommand.LookupAndDelete),
        .. BatchSupportMatrix.Unsupported(BatchCommand.LookupAndDelete),
    ];

    private static IEnumerable<ConformanceCase> Extra()
    {
        foreach (var type in Maps.CoreHashTypes)
        {
            var t = Maps.Slug(type);
            yield return new ConformanceCase($"lookup-and-delete-batch/{t}/emptying-a-full-map-frees-its-capacity", "§8.3", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, maxEntries: 4), [1, 2, 3, 4]);
                Expect.Errno(Errno.E2BIG, ctx.Backend.Update(m.Map, Batch.Key(m.Map, 9), Batch.Value(m.Map, 9)), "insert into the full map");
                Batch.Lookup(ctx, m.Map, true, null, 4).Expect(Errno.ENOENT, 4, 4, m.Order);
                m.Forget([1, 2, 3, 4]);
                foreach (var id in new uint[] { 5, 6, 7, 8 })
                {
                    m.Add(ctx, id);
                }

                Expect.Errno(Errno.E2BIG, ctx.Backend.Update(m.Map, Batch.Key(m.Map, 9), Batch.Value(m.Map, 9)), "insert past the refill");
                m.ExpectHolds(ctx, m.Order, "the refilled map");
            });
            foreach (var valueSize in new uint[] { 5, 12 })
            {
                yield return new ConformanceCase($"lookup-and-delete-batch/{t}/value-size-{valueSize}-values-use-the-layout-stride", "§2", ctx =>
                {
                    var m = BucketMap.Create(ctx, Maps.Spec(type, 8, valueSize: valueSize), (1, 1), (3, 2), (6, 3));
                    Batch.Lookup(ctx, m.Map, true, null, 8).Expect(Errno.ENOENT, 6, 8, m.Order);
                    m.ExpectHolds(ctx, [], "the map afterwards");
                });
            }

            yield return new ConformanceCase($"lookup-and-delete-batch/{t}/key-size-13-count-of-the-first-bucket-deletes-exactly-that-bucket", "§7.2", ctx =>
            {
                var m = BucketMap.FromIds(ctx, Maps.Spec(type, 16, keySize: 13), Enumerable.Range(1, 10).Select(i => (uint)i));
                var order = m.Order;
                var firstBucket = order.Where(id => m.BucketOf(id) <= m.BucketOf(order[0])).ToList();
                var next = order.Skip(firstBucket.Count).Select(m.BucketOf).FirstOrDefault(16u);
                Batch.Lookup(ctx, m.Map, true, null, (uint)firstBucket.Count, slots: 12)
                    .Expect(next == 16 ? Errno.ENOENT : Errno.None, (uint)firstBucket.Count, next, firstBucket);
                m.ExpectHolds(ctx, order.Skip(firstBucket.Count), "the map afterwards");
            });
        }
    }
}
