namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_GET_NEXT_KEY (reference §7.1). Hash maps are ZERO_SEED, so successors are predicted exactly with
/// <see cref="HashOrderModel"/> (§7.2); no LRU map here is ever full, so nothing is evicted.
/// </summary>
internal static class GetNextKeyCases
{
    private static readonly BpfMapType[] HashTypes = [.. Elements.HashFamily];

    public static IEnumerable<ConformanceCase> All() =>
        HashTypes.SelectMany(Hash)
            .Concat(Maps.ArrayTypes.SelectMany(ArrayType))
            .Concat(new[] { BpfMapType.Queue, BpfMapType.Stack }.SelectMany(QueueOrStack));

    private static readonly uint[] FixtureIds = [11, 22, 33, 44, 55, 66, 77];

    /// <summary>A ZERO_SEED map of 16 holding <see cref="FixtureIds"/>, and the model of its order.</summary>
    private static (BpfMapHandle Map, HashOrderModel Model) Fixture(ConformanceContext ctx, BpfMapType type)
    {
        var spec = Maps.Spec(type, maxEntries: 16);
        var map = Elements.Filled(ctx, spec, FixtureIds);
        var model = new HashOrderModel(spec);
        foreach (var id in FixtureIds)
        {
            Expect.Errno(Errno.None, model.Update(Elements.Key(map, id), BpfElementFlags.Any), "model insert");
        }

        return (map, model);
    }

    private static IEnumerable<ConformanceCase> Hash(BpfMapType type)
    {
        var slug = Maps.Slug(type);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"get-next-key/{slug}/{condition}", "§7.1", body);

        yield return Case("null-key-on-an-empty-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type));
            ExpectEnd(ctx, map, []);
        });
        yield return Case("a-key-on-an-empty-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type));
            ExpectEnd(ctx, map, Elements.Key(map, 1));
        });
        yield return Case("null-key-on-a-map-of-one-key-returns-that-key", ctx =>
        {
            var map = Elements.Filled(ctx, Maps.Spec(type), 5);
            ExpectNext(ctx, map, [], Elements.Key(map, 5), "first key");
            ExpectEnd(ctx, map, Elements.Key(map, 5));
        });
        yield return Case("null-key-returns-the-first-key-in-bucket-order", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            ExpectNext(ctx, map, [], model.Order[0], "first key");
        });
        yield return Case("each-key-returns-its-successor-in-bucket-order", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var order = model.Order;
            // Asked out of order, each key on its own: no hidden cursor state.
            for (var i = order.Count - 2; i >= 0; i--)
            {
                ExpectNext(ctx, map, order[i], order[i + 1], $"successor of key #{i}");
            }
        });
        yield return Case("the-last-key-gives-enoent", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            ExpectEnd(ctx, map, model.Order[^1]);
        });
        yield return Case("an-absent-key-restarts-at-the-first-key", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            ExpectNext(ctx, map, Elements.Key(map, 1000), model.Order[0], "next of an absent key");
        });
        yield return Case("a-just-deleted-key-restarts-at-the-first-key", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var victim = model.Order[^2];
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, victim), "delete");
            Expect.Errno(Errno.None, model.Delete(victim), "model delete");
            ExpectNext(ctx, map, victim, model.Order[0], "next of the deleted key");
        });
        yield return Case("deleting-the-first-key-then-asking-for-its-successor-restarts-at-the-new-first-key", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var first = model.Order[0];
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, first), "delete");
            Expect.Errno(Errno.None, model.Delete(first), "model delete");
            ExpectNext(ctx, map, first, model.Order[0], "next of the deleted key");
        });
        yield return Case("null-next-key-with-a-result-gives-efault", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, [], []), "first key into NULL");
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, model.Order[0], []), "successor into NULL");
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, Elements.Key(map, 1000), []), "restart into NULL");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("null-next-key-after-the-last-key-gives-enoent", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            Expect.Errno(Errno.ENOENT, ctx.Backend.GetNextKey(map, model.Order[^1], []), "next of the last key into NULL");
        });
        yield return Case("null-next-key-on-an-empty-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type));
            Expect.Errno(Errno.ENOENT, ctx.Backend.GetNextKey(map, [], []), "first key into NULL");
        });
        yield return Case("a-full-walk-visits-every-key-once-in-bucket-order", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            Expect.Sequence(model.Order, Walk(ctx, map), "the walk");
            Expect.Sequence(model.Order, Walk(ctx, map), "a second walk");
        });
        yield return Case("fetching-the-successor-before-deleting-visits-every-key-once", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var visited = new List<byte[]>();
            var key = Array.Empty<byte>();
            var next = new byte[map.Layout.KeySize];
            Expect.Errno(Errno.None, ctx.Backend.GetNextKey(map, key, next), "first key");
            key = next.ToArray();
            while (true)
            {
                visited.Add(key);
                var errno = ctx.Backend.GetNextKey(map, key, next);
                Expect.Errno(Errno.None, ctx.Backend.Delete(map, key), "delete of the visited key");
                if (errno == Errno.ENOENT)
                {
                    break;
                }

                Expect.Errno(Errno.None, errno, "successor");
                Expect.True(visited.Count <= FixtureIds.Length, "the walk ends");
                key = next.ToArray();
            }

            Expect.Sequence(model.Order, visited, "the keys visited");
            ExpectEnd(ctx, map, []);
        });
        yield return Case("next-key-buffer-longer-than-the-key-gets-exactly-key-size-bytes", ctx =>
        {
            var map = Elements.Filled(ctx, Maps.Spec(type, keySize: 5), 9);
            var next = Elements.Poisoned(9);
            Expect.Errno(Errno.None, ctx.Backend.GetNextKey(map, [], next), "first key");
            Expect.Bytes(Data.Concat(Data.Key(9, 5), Elements.Poisoned(4)), next, "the next-key buffer");
        });
        yield return Case("leaves-the-map-unchanged", ctx =>
        {
            var (map, model) = Fixture(ctx, type);
            var before = Elements.Snapshot(ctx, map);
            foreach (var key in model.Order)
            {
                _ = ctx.Backend.GetNextKey(map, key, new byte[map.Layout.KeySize]);
            }

            Elements.Unchanged(ctx, map, before, "after the walk");
            Elements.HoldsExactly(ctx, map, FixtureIds.Select(id => (id, (int)id)), "the entries");
        });
    }

    private static IEnumerable<ConformanceCase> ArrayType(BpfMapType type)
    {
        var slug = Maps.Slug(type);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"get-next-key/{slug}/{condition}", "§7.1", body);

        BpfMapHandle Fixture(ConformanceContext ctx) => Elements.Filled(ctx, Maps.Spec(type), 2, 5);

        yield return Case("null-key-returns-index-0", ctx => ExpectNext(ctx, Fixture(ctx), [], Data.U32(0), "first key"));
        foreach (var k in new uint[] { 0, 3, 6 })
        {
            yield return Case($"index-{k}-returns-index-{k + 1}", ctx => ExpectNext(ctx, Fixture(ctx), Data.U32(k), Data.U32(k + 1), "successor"));
        }

        yield return Case("the-last-index-gives-enoent", ctx => ExpectEnd(ctx, Fixture(ctx), Data.U32(7)));
        foreach (var (name, k) in new[] { ("max-entries", 8u), ("max-entries-plus-1", 9u), ("uint-max", uint.MaxValue) })
        {
            yield return Case($"index-{name}-restarts-at-index-0", ctx => ExpectNext(ctx, Fixture(ctx), Data.U32(k), Data.U32(0), "next past the end"));
        }

        yield return Case("null-next-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, [], []), "first key into NULL");
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, Data.U32(3), []), "successor into NULL");
            Expect.Errno(Errno.EFAULT, ctx.Backend.GetNextKey(map, Data.U32(8), []), "restart into NULL");
        });
        yield return Case("null-next-key-after-the-last-index-gives-enoent", ctx =>
            Expect.Errno(Errno.ENOENT, ctx.Backend.GetNextKey(Fixture(ctx), Data.U32(7), []), "next of the last index into NULL"));
        yield return Case("a-full-walk-visits-every-index-in-order-written-or-not", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Sequence(Enumerable.Range(0, 8).Select(i => Data.U32((uint)i)), Walk(ctx, map), "the walk");
        });
        yield return Case("an-array-of-one-returns-0-then-enoent", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 1));
            ExpectNext(ctx, map, [], Data.U32(0), "first key");
            ExpectEnd(ctx, map, Data.U32(0));
            ExpectNext(ctx, map, Data.U32(1), Data.U32(0), "next past the end");
        });
    }

    private static IEnumerable<ConformanceCase> QueueOrStack(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        foreach (var (name, key) in new[] { ("null-key", Array.Empty<byte>()), ("non-null-key", Data.U32(0)) })
        {
            yield return new ConformanceCase($"get-next-key/{slug}/{name}-gives-einval", "§7.1", ctx =>
            {
                var map = ctx.CreateMap(Elements.Plain(type));
                Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 1)), "push");
                var next = Elements.Poisoned(4);
                Expect.Errno(Errno.EINVAL, ctx.Backend.GetNextKey(map, key, next), "get-next-key");
                Expect.Bytes(Elements.Poisoned(4), next, "the next-key buffer after EINVAL");
            });
        }
    }

    /// <summary>GET_NEXT_KEY from <paramref name="key"/> returns exactly <paramref name="expected"/>.</summary>
    private static void ExpectNext(ConformanceContext ctx, BpfMapHandle map, byte[] key, byte[] expected, string step)
    {
        var next = Elements.Poisoned(map.Layout.KeySize);
        Expect.Errno(Errno.None, ctx.Backend.GetNextKey(map, key, next), step);
        Expect.Bytes(expected, next, step);
    }

    /// <summary>GET_NEXT_KEY from <paramref name="key"/> gives ENOENT and writes nothing.</summary>
    private static void ExpectEnd(ConformanceContext ctx, BpfMapHandle map, byte[] key)
    {
        var next = Elements.Poisoned(map.Layout.KeySize);
        Expect.Errno(Errno.ENOENT, ctx.Backend.GetNextKey(map, key, next), $"next of {Data.Hex(key)}");
        Expect.Bytes(Elements.Poisoned(map.Layout.KeySize), next, "the next-key buffer after ENOENT");
    }

    /// <summary>Every key from a NULL start to ENOENT, bounded by max_entries.</summary>
    internal static List<byte[]> Walk(ConformanceContext ctx, BpfMapHandle map)
    {
        var keys = new List<byte[]>();
        var key = Array.Empty<byte>();
        var next = new byte[map.Layout.KeySize];
        while (true)
        {
            var errno = ctx.Backend.GetNextKey(map, key, next);
            if (errno == Errno.ENOENT)
            {
                return keys;
            }

            Expect.Errno(Errno.None, errno, "walk: get-next-key");
            keys.Add(next.ToArray());
            Expect.True(keys.Count <= map.Spec.MaxEntries, "walk: at most max_entries keys");
            key = next.ToArray();
        }
    }
}
