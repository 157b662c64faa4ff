namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Exact hash iteration order on ZERO_SEED maps (reference §7.2), walked with GET_NEXT_KEY and compared with
/// <see cref="HashOrderModel"/>, whose buckets come from the catalog's own <see cref="Jhash"/>: inserts go to the head
/// of their bucket, deletes unlink, a replaced HASH key moves to the head of its bucket and a replaced PERCPU_HASH key
/// keeps its place (§5.1). Key sizes 1..20 cover both jhash (odd sizes) and jhash2 (multiples of 4).
/// </summary>
internal static class IterationOrderCases
{
    private const uint MaxEntries = 48;
    private const int Inserted = 40;

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Maps.CoreHashTypes)
        {
            var slug = Maps.Slug(type);
            for (var keySize = 1u; keySize <= 20; keySize++)
            {
                var size = keySize;
                yield return new ConformanceCase($"iteration-order/{slug}/key-size-{size}-inserts-go-to-the-head-of-their-jhash-bucket", "§7.2",
                    ctx => Inserts(ctx, Elements.Spec(type, false, MaxEntries, keySize: size)));
                yield return new ConformanceCase($"iteration-order/{slug}/key-size-{size}-deletes-unlink-keys-from-their-bucket", "§7.2",
                    ctx => Deletes(ctx, Elements.Spec(type, false, MaxEntries, keySize: size)));
                yield return new ConformanceCase($"iteration-order/{slug}/key-size-{size}-{ReplacementWords(type)}", "§7.2",
                    ctx => Replacements(ctx, Elements.Spec(type, false, MaxEntries, keySize: size)));
            }

            foreach (var keySize in new uint[] { 3, 8, 13 })
            {
                yield return new ConformanceCase($"iteration-order/{slug}/no-prealloc-key-size-{keySize}-inserts-go-to-the-head-of-their-jhash-bucket", "§7.2",
                    ctx => Inserts(ctx, Elements.Spec(type, true, MaxEntries, keySize: keySize)));
                yield return new ConformanceCase($"iteration-order/{slug}/no-prealloc-key-size-{keySize}-{ReplacementWords(type)}", "§7.2",
                    ctx => Replacements(ctx, Elements.Spec(type, true, MaxEntries, keySize: keySize)));
            }

            foreach (var keySize in new uint[] { 1, 4, 6, 9, 16, 20 })
            {
                yield return new ConformanceCase($"iteration-order/{slug}/key-size-{keySize}-random-operations-follow-the-jhash-model-step-by-step", "§7.2",
                    ctx => RandomOperations(ctx, Elements.Spec(type, false, 40, keySize: keySize), seed: keySize));
            }

            foreach (var max in new uint[] { 2, 3, 5, 17, 100, 1000 })
            {
                yield return new ConformanceCase($"iteration-order/{slug}/max-entries-{max}-uses-roundup-pow-of-two-buckets", "§7.2",
                    ctx => BucketCount(ctx, Elements.Spec(type, false, max)));
            }

            yield return new ConformanceCase($"iteration-order/{slug}/without-zero-seed-a-walk-visits-every-key-once-compared-as-a-set", "§7.2",
                ctx => WithoutZeroSeed(ctx, Maps.Spec(type, MaxEntries, keySize: 6) with { Flags = BpfMapFlags.None }));
        }
    }

    private static string ReplacementWords(BpfMapType type) =>
        type == BpfMapType.Hash ? "a-replaced-key-moves-to-the-head-of-its-bucket" : "a-replaced-key-keeps-its-place-in-its-bucket";

    /// <summary>Distinct ids for any key size ≥ 1: 7919 is odd, so i ↦ 13 + 7919·i is a bijection on every low byte range.</summary>
    private static uint Id(int i) => 13 + (7919 * (uint)i);

    private static (BpfMapHandle Map, HashOrderModel Model) Filled(ConformanceContext ctx, BpfMapSpec spec, int count)
    {
        var map = ctx.CreateMap(spec);
        var model = new HashOrderModel(spec);
        for (var i = 0; i < count; i++)
        {
            var key = Elements.Key(map, Id(i));
            Expect.Errno(model.Update(key, BpfElementFlags.Any), ctx.Backend.Update(map, key, Data.Value(map, i)), $"insert #{i}");
        }

        return (map, model);
    }

    private static void ExpectOrder(ConformanceContext ctx, BpfMapHandle map, HashOrderModel model, string step) =>
        Expect.Sequence(model.Order, GetNextKeyCases.Walk(ctx, map), step);

    /// <summary>Buckets holding at least two keys: where chain order is observable.</summary>
    private static List<uint> SharedBuckets(HashOrderModel model, uint bucketCount) =>
        [.. Enumerable.Range(0, (int)bucketCount).Select(b => (uint)b).Where(b => model.Chain(b).Count >= 2)];

    private static void Inserts(ConformanceContext ctx, BpfMapSpec spec)
    {
        var (map, model) = Filled(ctx, spec, Inserted);
        Expect.True(SharedBuckets(model, Jhash.BucketCount(spec.MaxEntries)).Count > 0, "some bucket holds two keys (chain order is observable)");
        ExpectOrder(ctx, map, model, "the walk after the inserts");
        // Every key's value is where the walk says.
        var values = Maps.Dump(ctx.Backend, map);
        for (var i = 0; i < Inserted; i++)
        {
            var key = Elements.Key(map, Id(i));
            var found = values.Single(e => e.Key.AsSpan().SequenceEqual(key));
            Expect.Bytes(Data.Value(map, i), found.Value, $"value of insert #{i}");
        }
    }

    private static void Deletes(ConformanceContext ctx, BpfMapSpec spec)
    {
        var (map, model) = Filled(ctx, spec, Inserted);
        var buckets = Jhash.BucketCount(spec.MaxEntries);
        // The head of every shared bucket, then every third key: heads, middles and tails of chains.
        var victims = SharedBuckets(model, buckets).Select(b => model.Chain(b)[0]).ToList();
        victims.AddRange(Enumerable.Range(0, Inserted).Where(i => i % 3 == 1).Select(i => Elements.Key(map, Id(i)))
            .Where(k => !victims.Any(v => v.AsSpan().SequenceEqual(k))));
        foreach (var victim in victims)
        {
            Expect.Errno(model.Delete(victim), ctx.Backend.Delete(map, victim), $"delete {Data.Hex(victim)}");
        }

        ExpectOrder(ctx, map, model, "the walk after the deletes");
        // Put the victims back: each goes to the head of its bucket again.
        for (var i = victims.Count - 1; i >= 0; i--)
        {
            Expect.Errno(model.Update(victims[i], BpfElementFlags.NoExist),
                ctx.Backend.Update(map, victims[i], Data.Value(map, 1000 + i), BpfElementFlags.NoExist), $"reinsert {Data.Hex(victims[i])}");
        }

        ExpectOrder(ctx, map, model, "the walk after the reinserts");
    }

    private static void Replacements(ConformanceContext ctx, BpfMapSpec spec)
    {
        var (map, model) = Filled(ctx, spec, Inserted);
        var buckets = Jhash.BucketCount(spec.MaxEntries);
        var before = model.Order;
        // The oldest key of every shared bucket (its tail), alternately with BPF_ANY and BPF_EXIST.
        var shared = SharedBuckets(model, buckets);
        var replaced = new List<(byte[] Key, int Seed)>();
        for (var n = 0; n < shared.Count; n++)
        {
            var tail = model.Chain(shared[n])[^1];
            var flags = n % 2 == 0 ? BpfElementFlags.Any : BpfElementFlags.Exist;
            Expect.Errno(model.Update(tail, flags), ctx.Backend.Update(map, tail, Data.Value(map, 500 + n), flags), $"replace {Data.Hex(tail)}");
            replaced.Add((tail, 500 + n));
        }

        var moved = !before.Select(k => Data.Hex(k)).SequenceEqual(model.Order.Select(k => Data.Hex(k)));
        Expect.Equal(spec.Type == BpfMapType.Hash, moved, "the model moves replaced keys exactly for HASH");
        ExpectOrder(ctx, map, model, "the walk after the replacements");
        foreach (var (key, seed) in replaced)
        {
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.None, ctx.Backend.Lookup(map, key, value), "lookup of a replaced key");
            Expect.Bytes(Data.Value(map, seed), value, "the replaced value");
        }
    }

    private static void RandomOperations(ConformanceContext ctx, BpfMapSpec spec, uint seed)
    {
        var map = ctx.CreateMap(spec);
        var model = new HashOrderModel(spec);
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var outcomes = new HashSet<Errno>();
        var state = 0x9E3779B9u ^ seed;
        uint NextRandom()
        {
            // xorshift32: fixed and backend-independent.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return state;
        }

        for (var step = 0; step < 300; step++)
        {
            var key = Elements.Key(map, Id((int)(NextRandom() % 64)));
            var hex = Data.Hex(key);
            var op = NextRandom() % 8;
            if (op < 2)
            {
                var expected = model.Delete(key);
                Expect.Errno(expected, ctx.Backend.Delete(map, key), $"step {step}: delete {hex}");
                values.Remove(hex);
                outcomes.Add(expected);
            }
            else
            {
                var flags = op switch { 2 => BpfElementFlags.NoExist, 3 => BpfElementFlags.Exist, _ => BpfElementFlags.Any };
                var expected = model.Update(key, flags);
                Expect.Errno(expected, ctx.Backend.Update(map, key, Data.Value(map, step), flags), $"step {step}: update {hex} flags {(ulong)flags}");
                if (expected == Errno.None)
                {
                    values[hex] = step;
                }

                outcomes.Add(expected);
            }

            ExpectOrder(ctx, map, model, $"step {step}: the walk");
        }

        Expect.True(outcomes.Contains(Errno.EEXIST) && outcomes.Contains(Errno.ENOENT), "the sequence met EEXIST and ENOENT");
        Expect.Contents(
            model.Order.Select(k => (k, Data.Value(map, values[Data.Hex(k)]))),
            Maps.Dump(ctx.Backend, map),
            "the final entries");
    }

    private static void BucketCount(ConformanceContext ctx, BpfMapSpec spec)
    {
        var count = (int)Math.Min(spec.MaxEntries, 60);
        var (map, model) = Filled(ctx, spec, count);
        ExpectOrder(ctx, map, model, $"the walk of {count} keys in {Jhash.BucketCount(spec.MaxEntries)} buckets");
    }

    private static void WithoutZeroSeed(ConformanceContext ctx, BpfMapSpec spec)
    {
        var map = ctx.CreateMap(spec);
        var keys = Enumerable.Range(0, Inserted).Select(i => Elements.Key(map, Id(i))).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(map, keys[i], Data.Value(map, i)), $"insert #{i}");
        }

        // The seed is random per map: only the set is predictable, and one map walks the same way twice.
        var first = GetNextKeyCases.Walk(ctx, map);
        Expect.SameSet(keys, first, "the keys walked");
        Expect.Sequence(first, GetNextKeyCases.Walk(ctx, map), "a second walk of the same map");
        Expect.Errno(Errno.None, ctx.Backend.Delete(map, keys[7]), "delete");
        Expect.SameSet(keys.Where((_, i) => i != 7), GetNextKeyCases.Walk(ctx, map), "the keys walked after a delete");
    }
}
