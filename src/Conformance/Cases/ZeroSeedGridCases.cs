namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Bit-exactness of ZERO_SEED hash maps across key sizes 1 to 20 and max_entries 1 to 1000 (reference §7.2, §8.3):
/// the get-next-key order, and every LOOKUP_BATCH call of full walks in several chunk sizes (errno, count, keys,
/// values, out_batch, ENOSPC), each predicted by <see cref="HashOrderModel"/> and the bucket-cursor algorithm of §8.3.
/// </summary>
internal static class ZeroSeedGridCases
{
    private static readonly uint[] MaxEntries = [1, 2, 3, 5, 17, 100, 333, 1000];
    private static readonly uint[] Chunks = [1, 2, 7, 64];

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Maps.CoreHashTypes)
        {
            for (var keySize = 1u; keySize <= 20; keySize++)
            {
                foreach (var max in MaxEntries)
                {
                    var (k, m) = (keySize, max);
                    yield return new ConformanceCase(
                        $"zero-seed-grid/{Maps.Slug(type)}/key-size-{k}-max-{m}-full-map-order-and-every-lookup-batch-chunk-are-exact",
                        "§7.2, §8.3",
                        ctx => FullMapWalks(ctx, type, k, m));
                }
            }
        }
    }

    private static void FullMapWalks(ConformanceContext ctx, BpfMapType type, uint keySize, uint maxEntries)
    {
        var spec = Maps.Spec(type, maxEntries, keySize: keySize);
        var map = ctx.CreateMap(spec);
        var model = new HashOrderModel(spec);
        var random = new Random((int)((keySize * 10_000) + maxEntries));
        var values = new Dictionary<string, byte[]>();

        // Fill to capacity (or to the size of the key space), then one key more, which a full map refuses (§5.1).
        var keySpace = keySize >= 4 ? ulong.MaxValue : 1UL << (int)(8 * keySize);
        var fill = (int)Math.Min(maxEntries, keySpace);
        var keys = new List<byte[]>();
        while (keys.Count < fill + 1 && (ulong)keys.Count < keySpace)
        {
            var key = new byte[keySize];
            random.NextBytes(key);
            if (values.TryAdd(Data.Hex(key), Data.Bytes(values.Count, map.Layout.ValueSize)))
            {
                keys.Add(key);
            }
        }

        foreach (var key in keys)
        {
            Expect.Errno(model.Update(key, BpfElementFlags.Any), ctx.Backend.Update(map, key, values[Data.Hex(key)]), $"update {Data.Hex(key)}");
        }

        // Replace every third key: HASH moves it to the head of its chain, PERCPU_HASH keeps its place (§5.1).
        for (var i = 0; i < keys.Count; i += 3)
        {
            if (model.Contains(keys[i]))
            {
                Expect.Errno(model.Update(keys[i], BpfElementFlags.Exist), ctx.Backend.Update(map, keys[i], values[Data.Hex(keys[i])], BpfElementFlags.Exist), "replace");
            }
        }

        Expect.Sequence(model.Order, Maps.Keys(ctx.Backend, map), "get-next-key order");
        foreach (var chunk in Chunks)
        {
            LookupBatchWalk(ctx, map, model, values, chunk);
        }
    }

    /// <summary>Walks the map with LOOKUP_BATCH from the start; on ENOSPC retries the same cursor with a doubled count.</summary>
    private static void LookupBatchWalk(ConformanceContext ctx, BpfMapHandle map, HashOrderModel model, Dictionary<string, byte[]> values, uint chunk)
    {
        var inBatch = Array.Empty<byte>();
        var count = chunk;
        for (var call = 0; call <= model.Count + 64; call++)
        {
            var expected = Predict(model, inBatch.Length == 0 ? 0 : Data.ReadU32(inBatch), count);
            var outBatch = Data.U32(Batch.CursorSentinel);
            var keyBuffer = new byte[count * map.Layout.KeySize];
            var valueBuffer = new byte[count * map.Layout.ValueSize];
            var done = count;
            var step = $"chunk {chunk}, call {call} from bucket {(inBatch.Length == 0 ? 0 : Data.ReadU32(inBatch))} with count {count}";
            Expect.Errno(expected.Errno, ctx.Backend.LookupBatch(map, inBatch, outBatch, keyBuffer, valueBuffer, ref done), step);
            Expect.Equal((uint)expected.Keys.Count, done, $"{step}: count");
            Expect.Sequence(expected.Keys, Data.Split(keyBuffer, done, map.Layout.KeySize), $"{step}: keys");
            Expect.Sequence(expected.Keys.Select(k => values[Data.Hex(k)]), Data.Split(valueBuffer, done, map.Layout.ValueSize), $"{step}: values");
            Expect.Bytes(Data.U32(expected.OutBatch ?? Batch.CursorSentinel), outBatch, $"{step}: out_batch");
            switch (expected.Errno)
            {
                case Errno.ENOENT:
                    return;
                case Errno.ENOSPC:
                    count *= 2;
                    break;
                default:
                    inBatch = outBatch;
                    count = chunk;
                    break;
            }
        }

        throw new ConformanceFailureException($"chunk {chunk}: the walk did not end");
    }

    /// <summary>
    /// The §8.3 algorithm over the model's buckets: whole buckets only; ENOSPC when the first non-empty bucket does
    /// not fit; ENOENT once the last bucket is passed, with whatever was copied; out_batch = the next bucket to read.
    /// </summary>
    private static (Errno Errno, List<byte[]> Keys, uint? OutBatch) Predict(HashOrderModel model, uint bucket, uint count)
    {
        var buckets = Jhash.BucketCount(model.MaxEntries);
        var keys = new List<byte[]>();
        if (bucket >= buckets)
        {
            return (Errno.ENOENT, keys, null);
        }

        while (true)
        {
            var chain = model.Chain(bucket);
            if (chain.Count > count - keys.Count)
            {
                return (keys.Count == 0 ? Errno.ENOSPC : Errno.None, keys, bucket);
            }

            keys.AddRange(chain);
            if (++bucket >= buckets)
            {
                return (Errno.ENOENT, keys, bucket);
            }
        }
    }
}
