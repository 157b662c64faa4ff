namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_MAP_UPDATE_ELEM on the non-LRU hash maps (reference §5.1, preallocated and NO_PREALLOC) and on the arrays
/// (§5.2). Every case checks the whole map afterwards: a failed update changes nothing.
/// </summary>
internal static class UpdateCases
{
    private static readonly (string Name, BpfElementFlags Flags)[] BadFlags =
    [
        ("3", (BpfElementFlags)3),
        ("8", (BpfElementFlags)8),
        ("f-lock", BpfElementFlags.Lock),
        ("f-lock-with-noexist", BpfElementFlags.Lock | BpfElementFlags.NoExist),
        ("f-lock-with-exist", BpfElementFlags.Lock | BpfElementFlags.Exist),
        ("f-lock-with-3", BpfElementFlags.Lock | (BpfElementFlags)3),
        ("bit-32", (BpfElementFlags)(1UL << 32)),
        ("bit-63", (BpfElementFlags)(1UL << 63)),
    ];

    public static IEnumerable<ConformanceCase> All() =>
        Elements.HashVariants.SelectMany(v => Hash(v.Type, v.NoPrealloc))
            .Concat(Maps.ArrayTypes.SelectMany(ArrayType));

    private static IEnumerable<ConformanceCase> Hash(BpfMapType type, bool noPrealloc)
    {
        var slug = Maps.Slug(type);
        var variant = Elements.VariantPrefix(noPrealloc);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"update/{slug}/{variant}{condition}", "§5.1", body);

        BpfMapHandle Fixture(ConformanceContext ctx, uint maxEntries = 8) =>
            Elements.Filled(ctx, Elements.Spec(type, noPrealloc, maxEntries), 1, 2, 3);

        // A non-full map holding 1, 2, 3.
        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("noexist", BpfElementFlags.NoExist) })
        {
            yield return Case($"{name}-on-a-new-key-inserts-it", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 4), Data.Value(map, 40), flags), "update");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2), (3, 3), (4, 40)], "the map");
            });
        }

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("exist", BpfElementFlags.Exist) })
        {
            yield return Case($"{name}-on-an-existing-key-replaces-its-value", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 2), Data.Value(map, 20), flags), "update");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 20), (3, 3)], "the map");
            });
        }

        yield return Case("noexist-on-an-existing-key-gives-eexist", ctx =>
            FailsAndChangesNothing(ctx, Fixture(ctx), 2, BpfElementFlags.NoExist, Errno.EEXIST));
        yield return Case("exist-on-an-absent-key-gives-enoent", ctx =>
        {
            var map = Fixture(ctx);
            FailsAndChangesNothing(ctx, map, 9, BpfElementFlags.Exist, Errno.ENOENT);
            Elements.Absent(ctx, map, 9, "the key was not inserted");
        });
        yield return Case("exist-on-a-deleted-key-gives-enoent", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 2)), "delete");
            FailsAndChangesNothing(ctx, map, 2, BpfElementFlags.Exist, Errno.ENOENT);
        });
        yield return Case("noexist-on-a-deleted-key-inserts-it-again", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 2)), "delete");
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 2), Data.Value(map, 22), BpfElementFlags.NoExist), "update");
            Elements.HoldsExactly(ctx, map, [(1, 1), (2, 22), (3, 3)], "the map");
        });

        if (!noPrealloc)
        {
            foreach (var (name, flags) in BadFlags)
            {
                void Refused(ConformanceContext ctx)
                {
                    var map = Fixture(ctx);
                    FailsAndChangesNothing(ctx, map, 9, flags, Errno.EINVAL);
                    Elements.Absent(ctx, map, 9, "the key was not inserted");
                }

                yield return AcceptedOnPerCpu(type, flags) is { } accepted
                    ? Case($"flags-{name}-on-a-new-key-{KernelChanges.CpuFlags.Outcomes(accepted, "gives-einval")}", ctx =>
                    {
                        if (!ctx.Since(KernelChanges.CpuFlags))
                        {
                            Refused(ctx);
                            return;
                        }

                        var map = Fixture(ctx);
                        ExpectWritten(ctx, map, 9, flags, "the map with the new key");
                    })
                    : Case($"flags-{name}-on-a-new-key-gives-einval", Refused);
            }

            yield return AcceptedOnPerCpu(type, (BpfElementFlags)3) is { } replaced
                ? Case($"flags-3-on-an-existing-key-{KernelChanges.CpuFlags.Outcomes(replaced, "gives-einval")}", ctx =>
                {
                    var map = Fixture(ctx);
                    if (!ctx.Since(KernelChanges.CpuFlags))
                    {
                        FailsAndChangesNothing(ctx, map, 1, (BpfElementFlags)3, Errno.EINVAL);
                        return;
                    }

                    ExpectWritten(ctx, map, 1, (BpfElementFlags)3, "the map with key 1 replaced");
                })
                : Case("flags-3-on-an-existing-key-gives-einval", ctx =>
                    FailsAndChangesNothing(ctx, Fixture(ctx), 1, (BpfElementFlags)3, Errno.EINVAL));
        }

        yield return Case("null-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, [], Data.Value(map, 9)), "update with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("null-value-on-a-new-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, Elements.Key(map, 9), []), "update with a NULL value");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("null-value-on-an-existing-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, Elements.Key(map, 2), []), "update with a NULL value");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });

        // A full map: max_entries 4 holding 1..4.
        BpfMapHandle Full(ConformanceContext ctx) => Elements.Filled(ctx, Elements.Spec(type, noPrealloc, maxEntries: 4), 1, 2, 3, 4);

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("noexist", BpfElementFlags.NoExist) })
        {
            yield return Case($"full-map-{name}-on-a-new-key-gives-e2big", ctx =>
            {
                var map = Full(ctx);
                FailsAndChangesNothing(ctx, map, 5, flags, Errno.E2BIG);
                Elements.Absent(ctx, map, 5, "the key was not inserted");
            });
        }

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("exist", BpfElementFlags.Exist) })
        {
            yield return Case($"full-map-{name}-on-an-existing-key-replaces-its-value", ctx =>
            {
                var map = Full(ctx);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 3), Data.Value(map, 30), flags), "update");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2), (3, 30), (4, 4)], "the map");
            });
        }

        yield return Case("full-map-noexist-on-an-existing-key-gives-eexist", ctx =>
            FailsAndChangesNothing(ctx, Full(ctx), 2, BpfElementFlags.NoExist, Errno.EEXIST));
        yield return Case("full-map-exist-on-an-absent-key-gives-enoent", ctx =>
            FailsAndChangesNothing(ctx, Full(ctx), 5, BpfElementFlags.Exist, Errno.ENOENT));
        yield return Case("full-map-delete-then-insert-a-new-key-succeeds", ctx =>
        {
            var map = Full(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 2)), "delete");
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 5), Data.Value(map, 5)), "insert");
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, Elements.Key(map, 6), Data.Value(map, 6)), "insert into the full map again");
            Elements.HoldsExactly(ctx, map, [(1, 1), (3, 3), (4, 4), (5, 5)], "the map");
        });
        yield return Case("full-map-many-replacements-all-succeed", ctx =>
        {
            var map = Full(ctx);
            for (var round = 0; round < 16; round++)
            {
                for (var id = 1u; id <= 4; id++)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, id), Data.Value(map, (int)(round * 10 + id))),
                        $"round {round}: replacement of key {id}");
                }
            }

            Elements.HoldsExactly(ctx, map, [(1, 151), (2, 152), (3, 153), (4, 154)], "the map");
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, Elements.Key(map, 5), Data.Value(map, 5)), "a new key still does not fit");
        });

        foreach (var max in new uint[] { 1, 7, 1000, 5000 })
        {
            yield return Case($"accepts-exactly-{max}-distinct-keys-in-a-map-of-{max}-then-gives-e2big", ctx =>
            {
                var map = ctx.CreateMap(Elements.Spec(type, noPrealloc, maxEntries: max));
                for (var id = 0u; id < max; id++)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, id), Data.Value(map, (int)id)), $"insert {id}");
                }

                Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, Elements.Key(map, max), Data.Value(map, 0)), "one key more");
                Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, Elements.Key(map, max + 1), Data.Value(map, 0), BpfElementFlags.NoExist),
                    "one key more with NOEXIST");
                var keys = Maps.Keys(ctx.Backend, map);
                Expect.SameSet(Enumerable.Range(0, (int)max).Select(i => Elements.Key(map, (uint)i)), keys, "the keys");
            });
        }

        yield return Case("value-buffer-longer-than-the-value-stores-only-the-value-bytes", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 2), Data.Concat(Data.Value(map, 20), Elements.Poisoned(5))), "update");
            Elements.HoldsExactly(ctx, map, [(1, 1), (2, 20), (3, 3)], "the map");
        });
        yield return Case("key-buffer-longer-than-key-size-stores-only-the-key-bytes", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.Concat(Elements.Key(map, 4), Elements.Poisoned(5)), Data.Value(map, 4)), "update");
            Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2), (3, 3), (4, 4)], "the map");
        });

        if (type.IsPerCpu())
        {
            yield return Case("replacement-rewrites-every-cpu-slot", ctx =>
            {
                var map = Fixture(ctx);
                var value = new byte[map.Layout.ValueSize];
                for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                {
                    Data.Bytes(200 + cpu, map.Layout.PerCpuSlotSize).CopyTo(value, (int)map.Layout.SlotOffset(cpu));
                }

                Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 1), value, BpfElementFlags.Exist), "update");
                var read = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Elements.Key(map, 1), read), "lookup");
                Expect.Bytes(value, read, "every CPU's slot");
            });
        }
    }

    private static IEnumerable<ConformanceCase> ArrayType(BpfMapType type)
    {
        var slug = Maps.Slug(type);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"update/{slug}/{condition}", "§5.2", body);

        // An array of 8 with indexes 1, 2, 3 written.
        BpfMapHandle Fixture(ConformanceContext ctx) => Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("exist", BpfElementFlags.Exist) })
        {
            yield return Case($"{name}-on-a-written-index-replaces-its-value", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.U32(2), Data.Value(map, 20), flags), "update");
                ExpectArray(ctx, map, new() { [1] = 1, [2] = 20, [3] = 3 });
            });
            yield return Case($"{name}-on-a-never-written-index-sets-it", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.U32(7), Data.Value(map, 70), flags), "update");
                ExpectArray(ctx, map, new() { [1] = 1, [2] = 2, [3] = 3, [7] = 70 });
            });
        }

        yield return Case("noexist-on-a-written-index-gives-eexist", ctx =>
            FailsAndChangesNothing(ctx, Fixture(ctx), 2, BpfElementFlags.NoExist, Errno.EEXIST));
        yield return Case("noexist-on-a-never-written-index-gives-eexist", ctx =>
        {
            var map = Fixture(ctx);
            FailsAndChangesNothing(ctx, map, 0, BpfElementFlags.NoExist, Errno.EEXIST);
            ExpectArray(ctx, map, new() { [1] = 1, [2] = 2, [3] = 3 });
        });

        foreach (var (name, flags) in new[] { ("any", BpfElementFlags.Any), ("exist", BpfElementFlags.Exist), ("noexist", BpfElementFlags.NoExist) })
        {
            yield return Case($"{name}-on-index-max-entries-gives-e2big", ctx =>
                FailsAndChangesNothing(ctx, Fixture(ctx), 8, flags, Errno.E2BIG));
        }

        yield return Case("any-on-index-uint-max-gives-e2big", ctx =>
            FailsAndChangesNothing(ctx, Fixture(ctx), uint.MaxValue, BpfElementFlags.Any, Errno.E2BIG));
        yield return Case("any-on-the-last-index-succeeds", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.U32(7), Data.Value(map, 77)), "update");
            ExpectArray(ctx, map, new() { [1] = 1, [2] = 2, [3] = 3, [7] = 77 });
        });
        yield return type.IsPerCpu()
            ? Case($"flags-3-on-index-max-entries-{Elements.Outcomes(KernelChanges.CpuFlags, Errno.EINVAL, Errno.E2BIG)}", ctx =>
                FailsAndChangesNothing(ctx, Fixture(ctx), 8, (BpfElementFlags)3, ctx.Pick(KernelChanges.CpuFlags, Errno.EINVAL, Errno.E2BIG)))
            : Case("flags-3-on-index-max-entries-gives-einval", ctx =>
                FailsAndChangesNothing(ctx, Fixture(ctx), 8, (BpfElementFlags)3, Errno.EINVAL));

        foreach (var (name, flags) in BadFlags)
        {
            yield return AcceptedOnPerCpu(type, flags) is { } accepted
                ? Case($"flags-{name}-on-a-valid-index-{KernelChanges.CpuFlags.Outcomes(accepted, "gives-einval")}", ctx =>
                {
                    var map = Fixture(ctx);
                    if (!ctx.Since(KernelChanges.CpuFlags))
                    {
                        FailsAndChangesNothing(ctx, map, 2, flags, Errno.EINVAL);
                        return;
                    }

                    ExpectWritten(ctx, map, 2, flags, "the array with index 2 written");
                })
                : Case($"flags-{name}-on-a-valid-index-gives-einval", ctx =>
                    FailsAndChangesNothing(ctx, Fixture(ctx), 2, flags, Errno.EINVAL));
        }

        yield return Case("key-is-a-little-endian-u32-index", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [6, 0, 0, 0], Data.Value(map, 60)), "update of bytes 06 00 00 00");
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, [0, 0, 0, 6], Data.Value(map, 61)), "update of bytes 00 00 00 06");
            ExpectArray(ctx, map, new() { [1] = 1, [2] = 2, [3] = 3, [6] = 60 });
        });
        yield return Case("value-buffer-longer-than-the-value-stores-only-the-value-bytes", ctx =>
        {
            var map = Fixture(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.U32(2), Data.Concat(Data.Value(map, 20), Elements.Poisoned(5))), "update");
            ExpectArray(ctx, map, new() { [1] = 1, [2] = 20, [3] = 3 });
        });
        yield return Case("null-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, [], Data.Value(map, 9)), "update with a NULL key");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });
        yield return Case("null-value-gives-efault", ctx =>
        {
            var map = Fixture(ctx);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, Data.U32(2), []), "update with a NULL value");
            Elements.Unchanged(ctx, map, before, "after EFAULT");
        });

        if (type.IsPerCpu())
        {
            yield return Case($"writes-every-cpu-slot-{LookupCases.PaddingOutcome}", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, valueSize: 5));
                var value = new byte[map.Layout.ValueSize];
                for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                {
                    Data.Bytes(50 + cpu, map.Layout.PerCpuSlotSize).CopyTo(value, (int)map.Layout.SlotOffset(cpu));
                }

                Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.U32(4), value), "update");
                var read = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Data.U32(4), read), "lookup");
                Expect.Bytes(Elements.Stored(ctx, map, value), read, "every CPU's slot, padding as the kernel stores it");
            });
        }
    }

    /// <summary>
    /// What a per-CPU update with <paramref name="flags"/> does where the per-CPU maps take the CPU flags: 3 is no
    /// NOEXIST or EXIST for equality, so it writes as BPF_ANY; 8 is BPF_F_CPU on CPU 0. Null for other flags and maps.
    /// </summary>
    private static string? AcceptedOnPerCpu(BpfMapType type, BpfElementFlags flags) => type.IsPerCpu() ? flags switch
    {
        (BpfElementFlags)3 => "writes-as-bpf-any",
        BpfElementFlags.Cpu => "writes-cpu-0s-value",
        _ => null,
    } : null;

    // The update of `id` with `flags` (3 or BPF_F_CPU on CPU 0) and the value FailsAndChangesNothing sends succeeds,
    // and changes only that element: the whole value, or CPU 0's value_size bytes (zeros elsewhere for a new key).
    private static void ExpectWritten(ConformanceContext ctx, BpfMapHandle map, uint id, BpfElementFlags flags, string step)
    {
        var before = Maps.Dump(ctx.Backend, map).ToDictionary(e => Data.ReadU32(e.Key), e => e.Value);
        var sent = Data.Value(map, 99);
        Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, id), sent, flags), $"update of key {id} with flags {(ulong)flags}");
        var expected = Elements.Stored(ctx, map, sent);
        if (flags == BpfElementFlags.Cpu)
        {
            expected = before.TryGetValue(id, out var old) ? old.ToArray() : new byte[map.Layout.ValueSize];
            sent.AsSpan(0, (int)map.Spec.ValueSize).CopyTo(expected);
        }

        before[id] = expected;
        Expect.Contents(before.Select(e => (Elements.Key(map, e.Key), e.Value)), Maps.Dump(ctx.Backend, map), step);
    }

    /// <summary>The update fails with <paramref name="expected"/> and the map is exactly as before.</summary>
    private static void FailsAndChangesNothing(ConformanceContext ctx, BpfMapHandle map, uint id, BpfElementFlags flags, Errno expected)
    {
        var before = Elements.Snapshot(ctx, map);
        Expect.Errno(expected, ctx.Backend.Update(map, Elements.Key(map, id), Data.Value(map, 99), flags), $"update of key {id} with flags {(ulong)flags}");
        Elements.Unchanged(ctx, map, before, "after the failed update");
    }

    /// <summary>The array holds exactly these seeds at these indexes and zeros everywhere else, in index order.</summary>
    private static void ExpectArray(ConformanceContext ctx, BpfMapHandle map, Dictionary<uint, int> written)
    {
        var expected = Enumerable.Range(0, (int)map.Spec.MaxEntries)
            .Select(i => Data.Concat(Data.U32((uint)i),
                written.TryGetValue((uint)i, out var seed) ? Data.Value(map, seed) : new byte[map.Layout.ValueSize]));
        Expect.Sequence(expected, Elements.Snapshot(ctx, map), "the array");
    }
}
