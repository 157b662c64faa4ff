namespace BpfMaps.Conformance.Cases;

/// <summary>
/// LRU_HASH and LRU_PERCPU_HASH eviction (reference §5.3, §12). Cases named <c>pinned-…</c> pin their thread to one
/// CPU and compare every errno, count and surviving key with <see cref="LruReference"/>, computed from the backend's
/// CPU count. Cases named <c>…-invariants-only</c> let the thread run where it may (or move it between CPUs) and
/// check only what §12.1 guarantees under migration: updates never fail, the key just written is present, and
/// <c>min(#inserted, max_entries − ncpus·target_free) ≤ count ≤ max_entries</c>.
/// </summary>
internal static class LruCases
{
    private static readonly BpfMapType[] Types = [BpfMapType.LruHash, BpfMapType.LruPerCpuHash];

    private enum Op
    {
        Update,
        Lookup,
        Delete,
        LookupAndDelete,
    }

    public static IEnumerable<ConformanceCase> All() =>
        Types.SelectMany(type => InsertOnly(type).Concat(Scenarios(type)).Concat(PerCpuLists(type)).Concat(Invariants(type)).Concat(Updates(type))
            .Concat(RefusedBeforeEviction(type)));

    private static ConformanceCase Case(BpfMapType type, string condition, string section, Action<ConformanceContext> body) =>
        new($"lru/{Maps.Slug(type)}/{condition}", section, body);

    private static BpfMapSpec Spec(BpfMapType type, uint maxEntries, bool noCommonLru = false)
    {
        var spec = Maps.Spec(type, maxEntries);
        return noCommonLru ? spec with { Flags = spec.Flags | BpfMapFlags.NoCommonLru } : spec;
    }

    private static byte[] Key(uint id) => Data.Key(id, 4);

    /// <summary>Every key the map holds, as ids (at most the effective max_entries, which NO_COMMON_LRU rounds up).</summary>
    private static HashSet<uint> KeySet(ConformanceContext ctx, BpfMapHandle map)
    {
        var max = Objects.Info(ctx, map).MaxEntries;
        var keys = new HashSet<uint>();
        var key = Array.Empty<byte>();
        var next = new byte[4];
        while (true)
        {
            var errno = ctx.Backend.GetNextKey(map, key, next);
            if (errno == Errno.ENOENT)
            {
                return keys;
            }

            Expect.Errno(Errno.None, errno, "walk: get-next-key");
            Expect.True(keys.Add(Data.ReadU32(next)) && keys.Count <= max, "walk: each key once, at most max_entries keys");
            key = next.ToArray();
        }
    }

    private static void ExpectKeys(ConformanceContext ctx, BpfMapHandle map, LruReference model, string step) =>
        Expect.SameSet(model.Keys.Order().Select(Key), KeySet(ctx, map).Order().Select(Key), $"{step}: the keys held");

    // §12.1: exactly the newest keys survive an insert-only sequence; max 1000 and 4096 evict 128 at a time.
    private static IEnumerable<ConformanceCase> InsertOnly(BpfMapType type)
    {
        foreach (var max in new uint[] { 1, 3, 4, 16, 100, 130, 1000, 4096 })
        {
            yield return Case(type, $"pinned-insert-only-max-entries-{max}-evicts-in-bursts-and-keeps-the-newest-keys", "§12.1", ctx =>
            {
                using var pin = ctx.PinToCpu(0);
                var map = ctx.CreateMap(Spec(type, max));
                var model = LruReference.For(ctx, type, max);
                var bursts = 0;
                for (var id = 0u; id < 3 * max; id++)
                {
                    var before = model.Count;
                    Expect.Errno(model.Update(id, BpfElementFlags.Any), ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id)), $"insert {id}");
                    var burst = model.Count <= before;
                    bursts += burst ? 1 : 0;
                    // Small maps after every insert; large ones around the first bursts and at the end.
                    if (max <= 130 || (burst && bursts <= 3) || id == max - 1)
                    {
                        ExpectKeys(ctx, map, model, $"after insert {id}");
                    }
                }

                ExpectKeys(ctx, map, model, "at the end");
                foreach (var id in model.Keys)
                {
                    Elements.Holds(ctx, map, id, (int)id, "a survivor");
                }
            });
        }

        yield return Case(type, "pinned-noexist-inserts-evict-as-any-inserts-do", "§5.3", ctx =>
        {
            using var pin = ctx.PinToCpu(0);
            var map = ctx.CreateMap(Spec(type, 16));
            var model = LruReference.For(ctx, type, 16);
            for (var id = 0u; id < 48; id++)
            {
                Expect.Errno(model.Update(id, BpfElementFlags.NoExist), ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id), BpfElementFlags.NoExist), $"insert {id}");
                ExpectKeys(ctx, map, model, $"after insert {id}");
            }
        });
        yield return Case(type, "pinned-update-batch-of-new-keys-evicts-as-single-inserts-do", "§8.5", ctx =>
        {
            using var pin = ctx.PinToCpu(0);
            var map = ctx.CreateMap(Spec(type, 16));
            var model = LruReference.For(ctx, type, 16);
            for (var first = 0u; first < 48; first += 6)
            {
                var ids = Enumerable.Range((int)first, 6).Select(i => (uint)i).ToArray();
                var count = (uint)ids.Length;
                Expect.Errno(Errno.None, ctx.Backend.UpdateBatch(map, Data.Keys(map, ids), Data.Values(map, [.. ids.Select(i => (int)i)]), ref count),
                    $"update batch of {first}..{first + 5}");
                Expect.Equal(6u, count, "count");
                foreach (var id in ids)
                {
                    model.Update(id, BpfElementFlags.Any);
                }

                ExpectKeys(ctx, map, model, $"after the batch of {first}..{first + 5}");
            }
        });
    }

    // §5.3: the node is taken (and a burst may evict) before the key is looked up and the flags checked.
    private static IEnumerable<ConformanceCase> Scenarios(BpfMapType type)
    {
        IEnumerable<(Op, uint, BpfElementFlags)> Fill(uint count) =>
            Enumerable.Range(0, (int)count).Select(i => (Op.Update, (uint)i, BpfElementFlags.Any));

        (Op, uint, BpfElementFlags) Update(uint key, BpfElementFlags flags = BpfElementFlags.Any) => (Op.Update, key, flags);

        ConformanceCase Scenario(string condition, uint max, params (Op, uint, BpfElementFlags)[] steps) =>
            Case(type, condition, "§5.3", ctx => RunScenario(ctx, type, max, steps));

        yield return Scenario("pinned-full-4-noexist-on-the-newest-key-gives-eexist-and-still-evicts", 4, [.. Fill(4), Update(3, BpfElementFlags.NoExist)]);
        yield return Scenario("pinned-full-4-noexist-on-the-oldest-key-succeeds-once-the-burst-evicted-it", 4, [.. Fill(4), Update(0, BpfElementFlags.NoExist)]);
        yield return Scenario("pinned-full-4-exist-on-an-absent-key-gives-enoent" + (type == BpfMapType.LruHash ? "-and-still-evicts" : "-and-evicts-nothing"), 4,
            [.. Fill(4), Update(9, BpfElementFlags.Exist)]);
        yield return Scenario("pinned-full-100-exist-on-old-key-2-then-any-on-it-then-noexist-on-key-3", 100,
            [.. Fill(100), Update(2, BpfElementFlags.Exist), Update(2), Update(3, BpfElementFlags.NoExist)]);
        yield return Scenario("pinned-full-100-exist-then-any-on-old-key-2", 100, [.. Fill(100), Update(2, BpfElementFlags.Exist), Update(2)]);
        yield return Scenario("pinned-lookups-do-not-protect-keys-from-the-next-burst", 16,
            [.. Fill(16), (Op.Lookup, 0, 0), (Op.Lookup, 1, 0), (Op.Lookup, 2, 0), .. Enumerable.Range(16, 20).Select(i => Update((uint)i))]);
        yield return Scenario("pinned-a-replaced-key-survives-the-bursts-that-evict-its-neighbours", 16,
            [.. Fill(16), Update(10), .. Enumerable.Range(16, 20).Select(i => Update((uint)i))]);
        yield return Scenario("pinned-exist-replacement-of-a-new-key-protects-it", 16,
            [.. Fill(16), Update(14, BpfElementFlags.Exist), .. Enumerable.Range(16, 20).Select(i => Update((uint)i))]);
        yield return Scenario("pinned-a-deleted-keys-node-serves-the-next-insert", 16,
            [.. Fill(16), (Op.Delete, 5, 0), (Op.Delete, 15, 0), .. Enumerable.Range(16, 12).Select(i => Update((uint)i))]);
        yield return Scenario("pinned-lookup-and-delete-frees-a-node-as-delete-does", 16,
                [.. Fill(16), (Op.LookupAndDelete, 6, 0), (Op.LookupAndDelete, 14, 0), .. Enumerable.Range(16, 12).Select(i => Update((uint)i))])
            .Until(KernelChanges.HashLookupAndDelete, "gives-enotsupp", LookupAndDeleteCases.AbsentOnHash(type));
        yield return Scenario("pinned-failing-updates-on-a-full-map-never-give-e2big", 8,
            [.. Fill(8), Update(1, BpfElementFlags.NoExist), Update(50, BpfElementFlags.Exist), Update(7, BpfElementFlags.NoExist),
                Update(51, BpfElementFlags.Exist), Update(52), Update(53, BpfElementFlags.NoExist)]);
    }

    private static void RunScenario(ConformanceContext ctx, BpfMapType type, uint max, (Op Op, uint Key, BpfElementFlags Flags)[] steps)
    {
        using var pin = ctx.PinToCpu(0);
        var map = ctx.CreateMap(Spec(type, max));
        var model = LruReference.For(ctx, type, max);
        var seeds = new Dictionary<uint, int>();
        for (var i = 0; i < steps.Length; i++)
        {
            var (op, key, flags) = steps[i];
            var step = $"step {i}: {op} of key {key}" + (op == Op.Update ? $" with flags {flags}" : "");
            switch (op)
            {
                case Op.Update:
                    var seed = 1000 + i;
                    var expected = model.Update(key, flags);
                    Expect.Errno(expected, ctx.Backend.Update(map, Key(key), Data.Value(map, seed), flags), step);
                    if (expected == Errno.None)
                    {
                        seeds[key] = seed;
                    }

                    break;
                case Op.Lookup:
                    Elements.Holds(ctx, map, key, seeds[key], step);
                    break;
                case Op.Delete:
                    model.Delete(key);
                    Expect.Errno(Errno.None, ctx.Backend.Delete(map, Key(key)), step);
                    break;
                default:
                    model.Delete(key);
                    var value = Elements.PoisonedValue(map);
                    Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, Key(key), value), step);
                    Expect.Bytes(Data.Value(map, seeds[key]), value, $"{step}: the value");
                    break;
            }

            ExpectKeys(ctx, map, model, $"after {step}");
        }

        foreach (var key in model.Keys)
        {
            Elements.Holds(ctx, map, key, seeds[key], "at the end");
        }
    }

    // §12.2: with BPF_F_NO_COMMON_LRU a pinned task fills only its CPU's max_entries / ncpus nodes, evicts up to 4 of
    // them at a time, and never touches another CPU's list.
    private static IEnumerable<ConformanceCase> PerCpuLists(BpfMapType type)
    {
        foreach (var max in new uint[] { 1, 3, 16, 17, 100 })
        {
            yield return Case(type, $"pinned-no-common-lru-max-entries-{max}-fills-one-cpus-share-and-evicts-up-to-4", "§12.2", ctx =>
            {
                using var pin = ctx.PinToCpu(0);
                var map = ctx.CreateMap(Spec(type, max, noCommonLru: true));
                var model = LruReference.For(ctx, type, max, noCommonLru: true);
                var share = model.MaxEntries / (uint)ctx.Cpus;
                for (var id = 0u; id < 3 * share + 5; id++)
                {
                    Expect.Errno(model.Update(id, BpfElementFlags.Any), ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id)), $"insert {id}");
                    ExpectKeys(ctx, map, model, $"after insert {id}");
                    Expect.True(model.Count <= share, $"at most {share} keys from one CPU");
                }
            });
        }

        yield return Case(type, "pinned-no-common-lru-each-cpu-evicts-only-its-own-keys", "§12.2", ctx =>
        {
            var other = Math.Min(1, ctx.Cpus - 1);
            var map = ctx.CreateMap(Spec(type, 16, noCommonLru: true));
            var model = LruReference.For(ctx, type, 16, noCommonLru: true);
            var share = model.MaxEntries / (uint)ctx.Cpus;
            var id = 0u;
            foreach (var (cpu, inserts) in new[] { (0, share), (other, share + 1), (0, 2u), (other, 6u) })
            {
                using var pin = ctx.PinToCpu(cpu);
                for (var i = 0u; i < inserts; i++, id++)
                {
                    Expect.Errno(model.Update(id, BpfElementFlags.Any, cpu), ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id)), $"insert {id} on CPU {cpu}");
                    ExpectKeys(ctx, map, model, $"after insert {id} on CPU {cpu}");
                }
            }
        });
        yield return Case(type, "pinned-no-common-lru-a-failing-update-on-a-full-share-still-evicts", "§5.3", ctx =>
        {
            using var pin = ctx.PinToCpu(0);
            var map = ctx.CreateMap(Spec(type, 16, noCommonLru: true));
            var model = LruReference.For(ctx, type, 16, noCommonLru: true);
            var share = model.MaxEntries / (uint)ctx.Cpus;
            for (var id = 0u; id < share; id++)
            {
                Expect.Errno(model.Update(id, BpfElementFlags.Any), ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id)), $"insert {id}");
            }

            var last = share - 1;
            Expect.Errno(model.Update(last, BpfElementFlags.NoExist), ctx.Backend.Update(map, Key(last), Data.Value(map, 0), BpfElementFlags.NoExist),
                "noexist on the newest key");
            ExpectKeys(ctx, map, model, "afterwards");
        });
    }

    // §12.1 under migration: only invariants.
    private static IEnumerable<ConformanceCase> Invariants(BpfMapType type)
    {
        foreach (var max in new uint[] { 16, 100, 130 })
        {
            yield return Case(type, $"unpinned-insert-only-max-entries-{max}-invariants-only", "§12.1", ctx =>
                Migrating(ctx, type, max, noCommonLru: false, cpuOf: null));
            yield return Case(type, $"alternating-cpus-insert-only-max-entries-{max}-invariants-only", "§12.1", ctx =>
                Migrating(ctx, type, max, noCommonLru: false, cpuOf: i => (int)(i % (uint)ctx.Cpus)));
            yield return Case(type, $"unpinned-no-common-lru-max-entries-{max}-invariants-only", "§12.2", ctx =>
                Migrating(ctx, type, max, noCommonLru: true, cpuOf: null));
            yield return Case(type, $"alternating-cpus-no-common-lru-max-entries-{max}-invariants-only", "§12.2", ctx =>
                Migrating(ctx, type, max, noCommonLru: true, cpuOf: i => (int)(i % (uint)ctx.Cpus)));
        }
    }

    private static void Migrating(ConformanceContext ctx, BpfMapType type, uint max, bool noCommonLru, Func<uint, int>? cpuOf)
    {
        if (cpuOf is null)
        {
            ctx.LetThreadMigrate();
        }

        var map = ctx.CreateMap(Spec(type, max, noCommonLru));
        var effective = noCommonLru ? LruReference.RoundUpToCpus(max, ctx.Cpus) : max;
        var inserts = 3 * effective;
        for (var id = 0u; id < inserts; id++)
        {
            using (cpuOf is null ? null : ctx.PinToCpu(cpuOf(id)))
            {
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(id), Data.Value(map, (int)id)), $"insert {id}");
                Elements.Holds(ctx, map, id, (int)id, $"the key just written, {id}");
            }

            if (id % 7 == 0 || id == inserts - 1)
            {
                var count = (uint)KeySet(ctx, map).Count;
                Expect.True(count <= effective, $"after insert {id}: {count} keys, at most max_entries {effective}");
            }
        }

        var held = KeySet(ctx, map);
        Expect.True(held.All(id => id < inserts), "only keys that were written");
        if (!noCommonLru)
        {
            // §12.1: count ≥ min(#inserted, max_entries − ncpus·target_free).
            var floor = Math.Max(0L, (long)max - ((long)ctx.Cpus * LruReference.TargetFreeOf(max, ctx.Cpus, ctx.Since(KernelChanges.LruTargetFreeScales))));
            Expect.True(held.Count >= Math.Min(inserts, floor), $"{held.Count} keys held, at least {floor}");
        }
    }

    // §5.1, LRU column: the update flags on a map with room to spare (max 64: no burst reaches these keys).
    private static IEnumerable<ConformanceCase> Updates(BpfMapType type)
    {
        ConformanceCase Update(string condition, Action<ConformanceContext, BpfMapHandle> body) =>
            new($"update/{Maps.Slug(type)}/{condition}", "§5.1", ctx =>
            {
                using var pin = ctx.PinToCpu(0);
                body(ctx, Elements.Filled(ctx, Spec(type, 64), 1, 2, 3));
            });

        void Fails(ConformanceContext ctx, BpfMapHandle map, uint id, BpfElementFlags flags, Errno expected)
        {
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(expected, ctx.Backend.Update(map, Key(id), Data.Value(map, 99), flags), "update");
            Elements.Unchanged(ctx, map, before, "after the failed update");
        }

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("noexist", BpfElementFlags.NoExist) })
        {
            yield return Update($"{name}-on-a-new-key-inserts-it", (ctx, map) =>
            {
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(4), Data.Value(map, 40), flags), "update");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2), (3, 3), (4, 40)], "the map");
            });
        }

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("exist", BpfElementFlags.Exist) })
        {
            yield return Update($"{name}-on-an-existing-key-replaces-its-value", (ctx, map) =>
            {
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(2), Data.Value(map, 20), flags), "update");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 20), (3, 3)], "the map");
            });
        }

        yield return Update("noexist-on-an-existing-key-gives-eexist", (ctx, map) => Fails(ctx, map, 2, BpfElementFlags.NoExist, Errno.EEXIST));
        yield return Update("exist-on-an-absent-key-gives-enoent", (ctx, map) => Fails(ctx, map, 9, BpfElementFlags.Exist, Errno.ENOENT));
        foreach (var (name, flags) in new[]
                 {
                     ("3", (BpfElementFlags)3), ("8", (BpfElementFlags)8), ("f-lock", BpfElementFlags.Lock),
                     ("f-lock-with-exist", BpfElementFlags.Lock | BpfElementFlags.Exist), ("bit-32", (BpfElementFlags)(1UL << 32)),
                 })
        {
            // LRU_PERCPU_HASH takes 3 (as BPF_ANY) and 8 (BPF_F_CPU on CPU 0) where the per-CPU maps have the CPU flags.
            var accepted = type == BpfMapType.LruPerCpuHash && flags is (BpfElementFlags)3 or BpfElementFlags.Cpu;
            yield return !accepted
                ? Update($"flags-{name}-gives-einval", (ctx, map) => Fails(ctx, map, 9, flags, Errno.EINVAL))
                : Update($"flags-{name}-{KernelChanges.CpuFlags.Outcomes(flags == BpfElementFlags.Cpu ? "inserts-cpu-0s-value" : "inserts-as-bpf-any", "gives-einval")}", (ctx, map) =>
                {
                    if (!ctx.Since(KernelChanges.CpuFlags))
                    {
                        Fails(ctx, map, 9, flags, Errno.EINVAL);
                        return;
                    }

                    var sent = Data.Value(map, 99);
                    Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(9), sent, flags), "update");
                    var stored = flags == BpfElementFlags.Cpu ? new byte[map.Layout.ValueSize] : Elements.Stored(ctx, map, sent);
                    sent.AsSpan(0, (int)map.Spec.ValueSize).CopyTo(stored);
                    Expect.Contents([(Key(1), Data.Value(map, 1)), (Key(2), Data.Value(map, 2)), (Key(3), Data.Value(map, 3)), (Key(9), stored)],
                        Maps.Dump(ctx.Backend, map), "the map with key 9");
                });
        }

        yield return Update("null-key-gives-efault", (ctx, map) =>
        {
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, [], Data.Value(map, 9)), "update with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Update("null-value-on-an-existing-key-gives-efault", (ctx, map) =>
        {
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, Key(2), []), "update with a NULL value");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
    }

    // §1.4: permission, BPF_F_LOCK, flag bits and the user copies are all checked before the map takes a node, so a
    // full map refuses these updates without evicting anything.
    private static IEnumerable<ConformanceCase> RefusedBeforeEviction(BpfMapType type)
    {
        var rows = new (string Name, BpfMapFlags Created, bool Freeze, BpfElementFlags Flags, bool NullKey, bool NullValue, Errno Expected)[]
        {
            ("through-a-handle-created-rdonly", BpfMapFlags.ReadOnly, false, BpfElementFlags.Any, false, false, Errno.EPERM),
            ("of-a-frozen-map", BpfMapFlags.None, true, BpfElementFlags.Any, false, false, Errno.EPERM),
            ("with-flags-3", BpfMapFlags.None, false, (BpfElementFlags)3, false, false, Errno.EINVAL),
            ("with-f-lock", BpfMapFlags.None, false, BpfElementFlags.Lock, false, false, Errno.EINVAL),
            ("with-a-null-key", BpfMapFlags.None, false, BpfElementFlags.Any, true, false, Errno.EFAULT),
            ("with-a-null-value", BpfMapFlags.None, false, BpfElementFlags.Any, false, true, Errno.EFAULT),
        };
        foreach (var row in rows)
        {
            // Where the per-CPU maps take the CPU flags, LRU_PERCPU_HASH updates accept 3 as BPF_ANY (no NOEXIST or
            // EXIST for equality): it takes a node and inserts.
            var refused = $"gives-{row.Expected.ToString().ToLowerInvariant()}-and-evicts-nothing";
            var acceptedSince = type == BpfMapType.LruPerCpuHash && row.Flags == (BpfElementFlags)3 ? KernelChanges.CpuFlags : null;
            yield return Case(type, $"pinned-update-of-a-full-map-{row.Name}-{acceptedSince?.Outcomes("inserts-as-bpf-any", refused) ?? refused}", "§1.4", ctx =>
            {
                using var pin = ctx.PinToCpu(0);
                var map = ctx.CreateMap(Spec(type, 16) with { Flags = Spec(type, 16).Flags | row.Created });
                var writer = row.Created == BpfMapFlags.None ? map : Objects.OpenById(ctx, map);
                var model = LruReference.For(ctx, type, 16);
                for (var id = 0u; id < 16; id++)
                {
                    Expect.Errno(model.Update(id, BpfElementFlags.Any), ctx.Backend.Update(writer, Key(id), Data.Value(map, (int)id)), $"insert {id}");
                }

                if (row.Freeze)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
                }

                var key = row.NullKey ? [] : Key(99);
                var value = row.NullValue ? [] : Data.Value(map, 99);
                if (acceptedSince is not null && ctx.Since(acceptedSince))
                {
                    Expect.Errno(model.Update(99, BpfElementFlags.Any), ctx.Backend.Update(map, key, value, row.Flags), "the update, as BPF_ANY");
                    ExpectKeys(ctx, map, model, "afterwards: as after a BPF_ANY insert");
                    return;
                }

                Expect.Errno(row.Expected, ctx.Backend.Update(map, key, value, row.Flags), "the update");
                ExpectKeys(ctx, map, model, "afterwards: nothing evicted");
            });
        }
    }
}
