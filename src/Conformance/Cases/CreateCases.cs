namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_CREATE (reference §3): size limits, the map_flags table for all eight types, the other attr fields a
/// <see cref="BpfMapSpec"/> carries, and the order of the checks. A create that succeeds is also used once, so that a
/// backend cannot "accept" a map it cannot serve.
/// </summary>
internal static class CreateCases
{
    private const Errno OK = Errno.None;
    private const Errno EINVAL = Errno.EINVAL;
    private const Errno ENOTSUPP = Errno.ENOTSUPP;
    private const uint MiB4 = 4u << 20;

    public static IEnumerable<ConformanceCase> All() =>
        Sizes().Concat(FlagTable()).Concat(OtherFields()).Concat(CheckOrder());

    private static ConformanceCase Create(BpfMapType type, string condition, string section, BpfMapSpec spec, Errno expected) =>
        new($"create/{Maps.Slug(type)}/{condition}-{Elements.Outcome(expected)}", section, ctx => ExpectCreate(ctx, spec, expected));

    // A create whose answer changed between the kernels of the matrix: before and since the change.
    private static ConformanceCase Create(BpfMapType type, string condition, string section, BpfMapSpec spec, KernelChange change, Errno before, Errno since) =>
        new($"create/{Maps.Slug(type)}/{condition}-{Elements.Outcomes(change, before, since)}", section,
            ctx => ExpectCreate(ctx, spec, ctx.Pick(change, before, since)));

    private static void ExpectCreate(ConformanceContext ctx, BpfMapSpec spec, Errno expected)
    {
        if (expected != OK)
        {
            Expect.Errno(expected, ctx.TryCreateMap(spec), "create");
            return;
        }

        CheckUsable(ctx, ctx.CreateMap(spec));
    }

    /// <summary>Writes one element and reads it back, as the handle's access mode allows (§3.2, §10).</summary>
    private static void CheckUsable(ConformanceContext ctx, BpfMapHandle map)
    {
        var b = ctx.Backend;
        var key = map.Spec.Type.IsQueueOrStack() ? [] : Elements.Key(map, 0);
        var value = Data.Value(map, 7);
        var update = b.Update(map, key, value);
        var read = Elements.PoisonedValue(map);
        var lookup = b.Lookup(map, key, read);
        switch (map.Spec.Access)
        {
            case BpfMapAccess.ReadOnly:
                Expect.Errno(Errno.EPERM, update, "update through a read-only handle");
                if (map.Spec.Type.IsArrayFamily())
                {
                    Expect.Errno(OK, lookup, "lookup of the unwritten index 0");
                    Expect.Bytes(new byte[map.Layout.ValueSize], read, "index 0 is still zero");
                }
                else
                {
                    Expect.Errno(Errno.ENOENT, lookup, "lookup in the empty map");
                }

                break;
            case BpfMapAccess.WriteOnly:
                Expect.Errno(OK, update, "update through a write-only handle");
                Expect.Errno(Errno.EPERM, lookup, "lookup through a write-only handle");
                Expect.Bytes(Elements.PoisonedValue(map), read, "the value buffer after EPERM");
                break;
            default:
                Expect.Errno(OK, update, "update of the new map");
                Expect.Errno(OK, lookup, "lookup of the element just written");
                Expect.Bytes(Elements.Stored(ctx, map, value), read, "the element reads back");
                break;
        }
    }

    // §3.1
    private static IEnumerable<ConformanceCase> Sizes()
    {
        foreach (var type in Elements.AllTypes)
        {
            var plain = Elements.Plain(type);
            yield return Create(type, "max-entries-0", "§3.1", plain with { MaxEntries = 0 }, EINVAL);
            yield return Create(type, "value-size-0", "§3.1", plain with { ValueSize = 0 }, EINVAL);
            yield return Create(type, "minimal-spec", "§3.1", plain, OK);
        }

        foreach (var type in Elements.HashFamily)
        {
            var plain = Elements.Plain(type) with { MaxEntries = 1 };
            yield return Create(type, "key-size-0", "§3.1", plain with { KeySize = 0 }, EINVAL);
            yield return Create(type, "key-size-1", "§3.1", plain with { KeySize = 1 }, OK);
            yield return Create(type, "key-size-513", "§3.1", plain with { KeySize = 513 }, KernelChanges.HashKeysLongerThanStack, Errno.E2BIG, OK);
            // key_size + value_size: 4194255 is the largest sum accepted (4 MiB − 48 − 1). Per-CPU values are capped
            // at 32 KiB, so there the key carries the size.
            var (keyOk, valueOk) = type.IsPerCpu() ? (4194247u, 8u) : (4u, 4194251u);
            yield return Create(type, "key-and-value-size-summing-to-4194255", "§3.1", plain with { KeySize = keyOk, ValueSize = valueOk },
                KernelChanges.HashKeysLongerThanStack, Errno.E2BIG, OK);
            var big = type.IsPerCpu() ? plain with { KeySize = keyOk + 1, ValueSize = valueOk } : plain with { KeySize = keyOk, ValueSize = valueOk + 1 };
            yield return Create(type, "key-and-value-size-summing-to-4194256", "§3.1", big, Errno.E2BIG);
            yield return Create(type, "max-entries-2-pow-31-plus-1", "§3.1", plain with { MaxEntries = (1u << 31) + 1 }, Errno.E2BIG);
            yield return Create(type, "max-entries-2-pow-27-plus-1", "§3.1", plain with { MaxEntries = (1u << 27) + 1 }, Errno.E2BIG);
            yield return Create(type, "max-entries-uint-max", "§3.1", plain with { MaxEntries = uint.MaxValue }, Errno.E2BIG);
        }

        foreach (var type in Maps.CoreHashTypes)
        {
            yield return Create(type, "max-entries-2-pow-20-with-no-prealloc", "§3.1",
                Elements.Plain(type) with { MaxEntries = 1u << 20, Flags = BpfMapFlags.NoPrealloc }, OK);
        }

        foreach (var type in Maps.ArrayTypes)
        {
            foreach (var keySize in new uint[] { 0, 2, 3, 8 })
            {
                yield return Create(type, $"key-size-{keySize}", "§3.1", Elements.Plain(type) with { KeySize = keySize }, EINVAL);
            }
        }

        yield return Create(BpfMapType.Array, "value-size-2-pow-31", "§3.1",
            Elements.Plain(BpfMapType.Array) with { ValueSize = 1u << 31, MaxEntries = 1 }, Errno.E2BIG);
        yield return Create(BpfMapType.Array, "value-size-4-mib-plus-8-above-kmalloc-max", "§3.1",
            Elements.Plain(BpfMapType.Array) with { ValueSize = MiB4 + 8, MaxEntries = 1 }, KernelChanges.ArrayValuesBeyondKmalloc, Errno.E2BIG, OK);

        foreach (var type in new[] { BpfMapType.Array, BpfMapType.PerCpuArray })
        {
            yield return Create(type, "max-entries-uint-max-far-above-ram", "§3.1",
                Elements.Plain(type) with { MaxEntries = uint.MaxValue }, KernelChanges.MapsChargedToMemcg, Errno.E2BIG, Errno.ENOMEM);
        }

        // A queue of 32 GiB: E2BIG where the RLIMIT_MEMLOCK charge refused 4 GiB and more, and on 6.12 (its elements
        // are bounded to 4 GiB there), ENOMEM elsewhere.
        var bounded = KernelChanges.QueueStackElementsBelow4GiB;
        var queue = Elements.Plain(BpfMapType.Queue) with { MaxEntries = uint.MaxValue };
        yield return new ConformanceCase(
            $"create/queue/max-entries-uint-max-far-above-ram-{Elements.Outcomes(KernelChanges.MapsChargedToMemcg, Errno.E2BIG, Errno.ENOMEM)}-and-gives-e2big-on-{bounded.Since}",
            "§3.1",
            ctx => ExpectCreate(ctx, queue, ctx.Since(KernelChanges.MapsChargedToMemcg) && !ctx.Since(bounded) ? Errno.ENOMEM : Errno.E2BIG));

        foreach (var type in Elements.PerCpuTypes)
        {
            var plain = Elements.Plain(type) with { MaxEntries = 2 };
            yield return Create(type, "value-size-32768", "§3.1", plain with { ValueSize = 32768 }, OK);
            yield return Create(type, "value-size-32761-rounding-up-to-32768", "§3.1", plain with { ValueSize = 32761 }, OK);
            yield return Create(type, "value-size-32769", "§3.1", plain with { ValueSize = 32769 }, KernelChanges.PerCpuValueLimitChecked, Errno.ENOMEM, Errno.E2BIG);
        }

        foreach (var type in new[] { BpfMapType.Queue, BpfMapType.Stack })
        {
            var plain = Elements.Plain(type) with { MaxEntries = 1 };
            yield return Create(type, "key-size-4", "§3.1", plain with { KeySize = 4 }, EINVAL);
            yield return Create(type, "value-size-4-mib-plus-1", "§3.1", plain with { ValueSize = MiB4 + 1 }, Errno.E2BIG);
            yield return Create(type, "value-size-4-mib", "§3.1", plain with { ValueSize = MiB4 }, OK);
        }
    }

    private sealed record FlagRow(string Condition, BpfMapFlags Flags, uint NumaNode, Errno?[] Results);

    // §3.2, columns in the reference's order: HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, ARRAY, PERCPU_ARRAY,
    // QUEUE, STACK. Null = no row for that type.
    private static readonly FlagRow[] FlagRows =
    [
        new("map-flags-no-prealloc", BpfMapFlags.NoPrealloc, 0, [OK, OK, ENOTSUPP, ENOTSUPP, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-no-common-lru", BpfMapFlags.NoCommonLru, 0, [EINVAL, EINVAL, OK, OK, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-numa-node-on-node-0", BpfMapFlags.NumaNode, 0, [OK, EINVAL, OK, EINVAL, OK, EINVAL, OK, OK]),
        new("map-flags-numa-node-on-offline-node-1", BpfMapFlags.NumaNode, 1, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("numa-node-7-without-the-numa-node-flag", BpfMapFlags.None, 7, [OK, OK, OK, OK, OK, OK, OK, OK]),
        new("map-flags-numa-node-with-no-common-lru", BpfMapFlags.NumaNode | BpfMapFlags.NoCommonLru, 0, [null, null, EINVAL, EINVAL, null, null, null, null]),
        new("map-flags-rdonly", BpfMapFlags.ReadOnly, 0, [OK, OK, OK, OK, OK, OK, OK, OK]),
        new("map-flags-wronly", BpfMapFlags.WriteOnly, 0, [OK, OK, OK, OK, OK, OK, OK, OK]),
        new("map-flags-rdonly-with-wronly", BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly, 0, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-rdonly-prog", BpfMapFlags.ReadOnlyProg, 0, [OK, OK, OK, OK, OK, OK, OK, OK]),
        new("map-flags-wronly-prog", BpfMapFlags.WriteOnlyProg, 0, [OK, OK, OK, OK, OK, OK, OK, OK]),
        new("map-flags-rdonly-prog-with-wronly-prog", BpfMapFlags.ReadOnlyProg | BpfMapFlags.WriteOnlyProg, 0, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-zero-seed", BpfMapFlags.ZeroSeed, 0, [OK, OK, OK, OK, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-mmapable", BpfMapFlags.Mmapable, 0, [EINVAL, EINVAL, EINVAL, EINVAL, OK, EINVAL, EINVAL, EINVAL]),
        new("map-flags-inner-map", BpfMapFlags.InnerMap, 0, [EINVAL, EINVAL, EINVAL, EINVAL, OK, EINVAL, EINVAL, EINVAL]),
        new("map-flags-preserve-elems", BpfMapFlags.PreserveElems, 0, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-stack-build-id", BpfMapFlags.StackBuildId, 0, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
        new("map-flags-bit-31", (BpfMapFlags)(1u << 31), 0, [EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL]),
    ];

    private static IEnumerable<ConformanceCase> FlagTable()
    {
        foreach (var row in FlagRows)
        {
            for (var column = 0; column < Elements.AllTypes.Count; column++)
            {
                if (row.Results[column] is { } expected)
                {
                    var type = Elements.AllTypes[column];
                    var spec = Elements.Plain(type) with { Flags = row.Flags, NumaNode = row.NumaNode };
                    yield return Create(type, row.Condition, "§3.2", spec, expected);
                }
            }
        }
    }

    // §3.3
    private static IEnumerable<ConformanceCase> OtherFields()
    {
        foreach (var type in Elements.AllTypes)
        {
            yield return Create(type, "map-extra-1", "§3.3", Elements.Plain(type) with { MapExtra = 1 }, EINVAL);
            yield return Create(type, "map-extra-bit-63", "§3.3", Elements.Plain(type) with { MapExtra = 1UL << 63 }, EINVAL);
        }

        yield return Create(BpfMapType.Unspecified, "unspecified-map-type-0", "§3.3", new BpfMapSpec(BpfMapType.Unspecified, 4, 8, 4), EINVAL);
        yield return Create((BpfMapType)9999, "unknown-map-type-9999", "§3.3", new BpfMapSpec((BpfMapType)9999, 4, 8, 4), EINVAL);

        foreach (var type in Maps.CoreTypes)
        {
            var plain = Elements.Plain(type);
            yield return Create(type, "name-of-15-allowed-characters", "§3.3", plain with { Name = "Az09_.Az09_.xy9" }, OK);
            yield return Create(type, "name-of-16-characters-without-nul", "§3.3", plain with { Name = "abcdefghijklmnop" }, EINVAL);
            yield return Create(type, "name-with-a-dash", "§3.3", plain with { Name = "my-map" }, EINVAL);
        }

        var hash = Elements.Plain(BpfMapType.Hash);
        yield return Create(BpfMapType.Hash, "empty-name", "§3.3", hash with { Name = "" }, OK);
        yield return Create(BpfMapType.Hash, "name-with-a-space", "§3.3", hash with { Name = "my map" }, EINVAL);
        yield return Create(BpfMapType.Hash, "name-with-a-slash", "§3.3", hash with { Name = "a/b" }, EINVAL);
        yield return Create(BpfMapType.Hash, "name-with-a-non-ascii-letter", "§3.3", hash with { Name = "caf\u00e9" }, EINVAL);
        yield return Create(BpfMapType.Hash, "name-with-a-dash-after-a-nul", "§3.3", hash with { Name = "ok\0-" }, OK);
    }

    // §3.4: what wins when a create has several problems.
    private static IEnumerable<ConformanceCase> CheckOrder()
    {
        ConformanceCase Order(BpfMapType type, string condition, BpfMapSpec spec, Errno expected) =>
            new($"check-order/{Maps.Slug(type)}/create-with-{condition}-{Elements.Outcome(expected)}", "§3.4",
                ctx => Expect.Errno(expected, ctx.TryCreateMap(spec), "create"));
        ConformanceCase OrderChanged(BpfMapType type, string condition, BpfMapSpec spec, KernelChange change, Errno before, Errno since) =>
            new($"check-order/{Maps.Slug(type)}/create-with-{condition}-{Elements.Outcomes(change, before, since)}", "§3.4",
                ctx => Expect.Errno(ctx.Pick(change, before, since), ctx.TryCreateMap(spec), "create"));

        var hash = Elements.Plain(BpfMapType.Hash);
        var lru = Elements.Plain(BpfMapType.LruHash) with { Flags = BpfMapFlags.NoPrealloc };
        var lruPerCpu = Elements.Plain(BpfMapType.LruPerCpuHash) with { Flags = BpfMapFlags.NoPrealloc };

        yield return Order(BpfMapType.Hash, "key-size-0-and-rdonly-with-wronly",
            hash with { KeySize = 0, Flags = BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly }, EINVAL);
        yield return Order(BpfMapType.LruHash, "no-prealloc-and-max-entries-0", lru with { MaxEntries = 0 }, ENOTSUPP);
        yield return Order(BpfMapType.LruPerCpuHash, "no-prealloc-and-max-entries-0", lruPerCpu with { MaxEntries = 0 }, ENOTSUPP);
        yield return Order(BpfMapType.LruPerCpuHash, "no-prealloc-and-value-size-32769", lruPerCpu with { ValueSize = 32769 }, ENOTSUPP);
        yield return Order(BpfMapType.PerCpuArray, "value-size-40000-and-numa-node",
            Elements.Plain(BpfMapType.PerCpuArray) with { ValueSize = 40000, Flags = BpfMapFlags.NumaNode }, EINVAL);
        yield return Order(BpfMapType.LruHash, "no-prealloc-and-map-extra", lru with { MapExtra = 1 }, EINVAL);
        yield return OrderChanged(BpfMapType.LruHash, "no-prealloc-and-rdonly-with-wronly",
            lru with { Flags = lru.Flags | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly }, KernelChanges.AccessFlagsCheckedLast, EINVAL, ENOTSUPP);
        yield return Order(BpfMapType.LruHash, "no-prealloc-and-offline-numa-node-1",
            lru with { Flags = lru.Flags | BpfMapFlags.NumaNode, NumaNode = 1 }, EINVAL);
        yield return Order(BpfMapType.LruHash, "no-prealloc-and-a-bad-name", lru with { Name = "bad-name" }, ENOTSUPP);
        yield return OrderChanged(BpfMapType.PerCpuHash, "value-size-32769-and-a-bad-name",
            Elements.Plain(BpfMapType.PerCpuHash) with { ValueSize = 32769, Name = "bad-name" }, KernelChanges.PerCpuValueLimitChecked, Errno.ENOMEM, Errno.E2BIG);
        yield return Order(BpfMapType.Hash, "max-entries-2-pow-31-plus-1-and-a-bad-name",
            hash with { MaxEntries = (1u << 31) + 1, Name = "bad name" }, Errno.E2BIG);
        yield return Order(BpfMapType.Hash, "key-size-0-and-max-entries-2-pow-31-plus-1",
            hash with { KeySize = 0, MaxEntries = (1u << 31) + 1 }, EINVAL);
        yield return Order(BpfMapType.Array, "key-size-2-and-value-size-2-pow-31",
            Elements.Plain(BpfMapType.Array) with { KeySize = 2, ValueSize = 1u << 31 }, EINVAL);
        yield return Order(BpfMapType.Queue, "key-size-4-and-value-size-4-mib-plus-1",
            Elements.Plain(BpfMapType.Queue) with { KeySize = 4, ValueSize = MiB4 + 1 }, EINVAL);
        yield return OrderChanged(BpfMapType.PerCpuArray, "value-size-32769-and-a-bad-name",
            Elements.Plain(BpfMapType.PerCpuArray) with { ValueSize = 32769, Name = "bad-name" }, KernelChanges.PerCpuValueLimitChecked, Errno.ENOMEM, Errno.E2BIG);
    }
}
