namespace BpfMaps.Conformance.Cases;

/// <summary>BPF_MAP_DELETE_ELEM (reference §6).</summary>
internal static class DeleteCases
{
    private static readonly (BpfMapType Type, bool NoPrealloc)[] HashTypes =
        [.. Elements.HashVariants, (BpfMapType.LruHash, false), (BpfMapType.LruPerCpuHash, false)];

    public static IEnumerable<ConformanceCase> All() =>
        HashTypes.SelectMany(v => Hash(v.Type, v.NoPrealloc))
            .Concat(Maps.ArrayTypes.SelectMany(ArrayType))
            .Concat(new[] { BpfMapType.Queue, BpfMapType.Stack }.SelectMany(QueueOrStack));

    private static IEnumerable<ConformanceCase> Hash(BpfMapType type, bool noPrealloc)
    {
        var slug = Maps.Slug(type);
        var variant = Elements.VariantPrefix(noPrealloc);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"delete/{slug}/{variant}{condition}", "§6", body);

        BpfMapHandle Fixture(ConformanceContext ctx) => Elements.Filled(ctx, Elements.Spec(type, noPrealloc), 1, 2, 3);

        yield return Case("existing-key-removes-only-that-key", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 2)), "delete");
            Elements.Absent(ctx, map, 2, "the deleted key");
            Elements.HoldsExactly(ctx, map, [(1, 1), (3, 3)], "the map");
        });
        yield return Case("absent-key-gives-enoent", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.ENOENT, ctx.Backend.Delete(map, Elements.Key(map, 9)), "delete");
            Elements.Unchanged(ctx, map, before, "after ENOENT");
        });
        yield return Case("in-an-empty-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(Elements.Spec(type, noPrealloc));
            Expect.Errno(Errno.ENOENT, ctx.Backend.Delete(map, Elements.Key(map, 0)), "delete");
        });
        yield return Case("the-same-key-twice-gives-enoent-the-second-time", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 1)), "first delete");
            Expect.Errno(Errno.ENOENT, ctx.Backend.Delete(map, Elements.Key(map, 1)), "second delete");
            Elements.HoldsExactly(ctx, map, [(2, 2), (3, 3)], "the map");
        });
        yield return Case("null-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Delete(map, []), "delete with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("every-key-empties-the-map", ctx =>
        {
            var map = Fixture(ctx);
            foreach (var id in new uint[] { 3, 1, 2 })
            {
                Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, id)), $"delete {id}");
            }

            var next = Elements.Poisoned(map.Layout.KeySize);
            Expect.Errno(Errno.ENOENT, ctx.Backend.GetNextKey(map, [], next), "get-next-key on the emptied map");
            Expect.Bytes(Elements.Poisoned(map.Layout.KeySize), next, "the next-key buffer after ENOENT");
        });
        yield return Case("then-reinsert-restores-the-key-with-its-new-value", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 3)), "delete");
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 3), Data.Value(map, 33), BpfElementFlags.NoExist), "reinsert");
            Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2), (3, 33)], "the map");
        });
    }

    private static IEnumerable<ConformanceCase> ArrayType(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        foreach (var (name, index) in new[]
                 {
                     ("a-written-index", 2u), ("a-never-written-index", 5u), ("index-max-entries", 8u), ("index-uint-max", uint.MaxValue),
                 })
        {
            yield return new ConformanceCase($"delete/{slug}/{name}-gives-einval", "§6", ctx =>
            {
                var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
                var before = Elements.Snapshot(ctx, map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Delete(map, Data.U32(index)), "delete");
                Elements.Unchanged(ctx, map, before, "after EINVAL");
            });
        }

        yield return new ConformanceCase($"delete/{slug}/null-key-gives-efault", "§6", ctx =>
        {
            var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Delete(map, []), "delete with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
    }

    private static IEnumerable<ConformanceCase> QueueOrStack(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        foreach (var (name, key) in new[] { ("null-key", System.Array.Empty<byte>()), ("non-null-key", Data.U32(0)) })
        {
            yield return new ConformanceCase($"delete/{slug}/{name}-gives-einval", "§6", ctx =>
            {
                var map = ctx.CreateMap(Elements.Plain(type));
                Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 1)), "push");
                Expect.Errno(Errno.EINVAL, ctx.Backend.Delete(map, key), "delete");
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, [], value), "peek");
                Expect.Bytes(Data.Value(map, 1), value, "the element is still there");
            });
        }
    }
}
