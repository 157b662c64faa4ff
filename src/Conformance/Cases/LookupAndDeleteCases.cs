namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_LOOKUP_AND_DELETE_ELEM on the four hash types and the arrays (reference §11.1). Queue and stack pops are
/// not covered here.
/// </summary>
internal static class LookupAndDeleteCases
{
    private static readonly (string Name, BpfElementFlags Flags)[] BadFlags =
    [
        ("f-lock", BpfElementFlags.Lock),
        ("1", (BpfElementFlags)1),
        ("2", (BpfElementFlags)2),
        ("3", (BpfElementFlags)3),
        ("8", (BpfElementFlags)8),
        ("bit-32", (BpfElementFlags)(1UL << 32)),
    ];

    public static IEnumerable<ConformanceCase> All() =>
        Elements.HashFamily.SelectMany(Hash).Concat(Maps.ArrayTypes.SelectMany(ArrayType));

    /// <summary>
    /// What LOOKUP_AND_DELETE_ELEM answers on a hash map of a kernel that had it for queues and stacks only
    /// (<see cref="KernelChanges.HashLookupAndDelete"/>): ENOTSUPP after the key was copied, whatever the key and the
    /// value buffer, and EINVAL for any flag (it had no flags field); the element stays.
    /// </summary>
    public static Action<ConformanceContext> AbsentOnHash(BpfMapType type) => ctx =>
    {
        var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
        var before = Elements.Snapshot(ctx, map);
        var value = Elements.PoisonedValue(map);
        Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 2), value), "lookup-and-delete of a key");
        Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 9), value), "lookup-and-delete of an absent key");
        Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 2), []), "lookup-and-delete with a NULL value");
        Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 2), value, BpfElementFlags.Lock), "lookup-and-delete with BPF_F_LOCK");
        Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer");
        Elements.Unchanged(ctx, map, before, "the map");
    };

    private static IEnumerable<ConformanceCase> Hash(BpfMapType type)
    {
        var slug = Maps.Slug(type);

        // The cases of a command the hash maps gained in 5.14; the flag and NULL-key cases below answer alike before.
        ConformanceCase Case(string condition, Action<ConformanceContext> body) =>
            new ConformanceCase($"lookup-and-delete/{slug}/{condition}", "§11.1", body)
                .Until(KernelChanges.HashLookupAndDelete, "gives-enotsupp", AbsentOnHash(type));

        BpfMapHandle Fixture(ConformanceContext ctx) => Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);

        yield return Case("existing-key-returns-its-value-and-removes-it", ctx =>
        {
            var map = Fixture(ctx);
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 2), value), "lookup-and-delete");
            Expect.Bytes(Data.Value(map, 2), value, "the value returned");
            Elements.Absent(ctx, map, 2, "the key afterwards");
            Elements.HoldsExactly(ctx, map, [(1, 1), (3, 3)], "the map");
        });
        yield return Case("the-same-key-twice-gives-enoent-the-second-time", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 1), Elements.PoisonedValue(map)), "first");
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 1), value), "second");
            Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOENT");
            Elements.HoldsExactly(ctx, map, [(2, 2), (3, 3)], "the map");
        });
        yield return Case("absent-key-gives-enoent", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 9), value), "lookup-and-delete");
            Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOENT");
            Elements.Unchanged(ctx, map, before, "after ENOENT");
        });
        yield return Case("in-an-empty-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(Maps.Spec(type));
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 1), Elements.PoisonedValue(map)), "lookup-and-delete");
        });

        foreach (var (name, flags) in BadFlags)
        {
            yield return new ConformanceCase($"lookup-and-delete/{slug}/flags-{name}-gives-einval", "§11.1", ctx =>
            {
                var map = Fixture(ctx);
                var before = Elements.Snapshot(ctx, map);
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 2), value, flags), "lookup-and-delete");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after EINVAL");
                Elements.Unchanged(ctx, map, before, "after EINVAL");
            });
        }

        yield return new ConformanceCase($"lookup-and-delete/{slug}/null-key-gives-efault", "§11.1", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.LookupAndDelete(map, [], Elements.PoisonedValue(map)), "lookup-and-delete with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("null-value-on-an-existing-key-gives-efault-and-deletes-the-element-anyway", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.EFAULT, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 3), []), "lookup-and-delete with a NULL value");
            Elements.Absent(ctx, map, 3, "the key afterwards");
            Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2)], "the map");
        });
        yield return Case("null-value-on-an-absent-key-gives-enoent", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 9), []), "lookup-and-delete with a NULL value");
            Elements.Unchanged(ctx, map, before, "after ENOENT");
        });

        if (type.IsPerCpu())
        {
            yield return Case($"value-size-5-returns-every-cpu-slot-{LookupCases.PaddingOutcome}", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, valueSize: 5));
                var written = new byte[map.Layout.ValueSize];
                for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                {
                    Data.Bytes(70 + cpu, map.Layout.PerCpuSlotSize).CopyTo(written, (int)map.Layout.SlotOffset(cpu));
                }

                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 4), written), "update");
                var read = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 4), read), "lookup-and-delete");
                Expect.Bytes(Elements.Stored(ctx, map, written), read, "every CPU's slot, padding as stored");
                Elements.Absent(ctx, map, 4, "the key afterwards");
            });
        }
        else
        {
            yield return Case("value-size-5-writes-exactly-5-bytes", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, valueSize: 5));
                var written = Data.Bytes(5, 5);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 4), written), "update");
                var read = Elements.Poisoned(8);
                Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, Elements.Key(map, 4), read), "lookup-and-delete");
                Expect.Bytes(Data.Concat(written, Elements.Poisoned(3)), read, "the value buffer");
            });
        }
    }

    private static IEnumerable<ConformanceCase> ArrayType(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        foreach (var (name, index) in new[]
                 {
                     ("a-written-index", 2u), ("a-never-written-index", 5u), ("index-max-entries", 8u), ("index-uint-max", uint.MaxValue),
                 })
        {
            yield return new ConformanceCase($"lookup-and-delete/{slug}/{name}-gives-enotsupp", "§11.1", ctx =>
            {
                var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
                var before = Elements.Snapshot(ctx, map);
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupAndDelete(map, Data.U32(index), value), "lookup-and-delete");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOTSUPP");
                Elements.Unchanged(ctx, map, before, "after ENOTSUPP");
            });
        }

        yield return new ConformanceCase($"lookup-and-delete/{slug}/null-value-gives-enotsupp", "§11.1", ctx =>
        {
            var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.ENOTSUPP, ctx.Backend.LookupAndDelete(map, Data.U32(1), []), "lookup-and-delete with a NULL value");
            Elements.Unchanged(ctx, map, before, "after ENOTSUPP");
        });
        yield return new ConformanceCase($"lookup-and-delete/{slug}/null-key-gives-efault", "§11.1", ctx =>
        {
            var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.LookupAndDelete(map, [], Elements.PoisonedValue(map)), "lookup-and-delete with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
    }
}
