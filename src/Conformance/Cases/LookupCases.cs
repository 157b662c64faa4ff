namespace BpfMaps.Conformance.Cases;

/// <summary>BPF_MAP_LOOKUP_ELEM (reference §4) and the value buffer layout (§2).</summary>
internal static class LookupCases
{
    /// <summary>Core types plus the LRU hashes, whose lookups follow the same rows when nothing is evicted.</summary>
    private static readonly BpfMapType[] Types =
        [.. Maps.CoreTypes, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];

    private static readonly (string Name, BpfElementFlags Flags)[] BadFlags =
    [
        ("f-lock", BpfElementFlags.Lock),
        ("1", (BpfElementFlags)1),
        ("2", (BpfElementFlags)2),
        ("3", (BpfElementFlags)3),
        ("8", (BpfElementFlags)8),
        ("f-lock-with-1", BpfElementFlags.Lock | (BpfElementFlags)1),
        ("bit-32", (BpfElementFlags)(1UL << 32)),
        ("bit-63", (BpfElementFlags)(1UL << 63)),
    ];

    /// <summary>The name part of the per-CPU padding cases (<see cref="KernelChanges.PerCpuPaddingNotStored"/>).</summary>
    public static string PaddingOutcome { get; } = KernelChanges.PerCpuPaddingNotStored.Outcomes("with-zero-padding", "with-its-padding");

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Types)
        {
            foreach (var c in ForType(type))
            {
                yield return c;
            }
        }

        foreach (var c in Layout())
        {
            yield return c;
        }

        foreach (var type in new[] { BpfMapType.Queue, BpfMapType.Stack })
        {
            var slug = Maps.Slug(type);
            yield return new ConformanceCase($"lookup/{slug}/peek-of-an-empty-map-gives-enoent", "§4", ctx =>
            {
                var map = ctx.CreateMap(Elements.Plain(type));
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, [], value), "peek");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOENT");
            });
            yield return new ConformanceCase($"lookup/{slug}/peek-with-a-non-null-key-gives-einval", "§4", ctx =>
            {
                var map = ctx.CreateMap(Elements.Plain(type));
                Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 1)), "push");
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Lookup(map, Data.U32(0), value), "peek with a key");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after EINVAL");
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, [], value), "peek without a key");
                Expect.Bytes(Data.Value(map, 1), value, "the element is still there");
            });
        }
    }

    /// <summary>A map of <paramref name="type"/> (max 8) holding keys (indexes) 1, 2, 3 with seeds 1, 2, 3.</summary>
    private static BpfMapHandle Fixture(ConformanceContext ctx, BpfMapType type) =>
        Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);

    private static IEnumerable<ConformanceCase> ForType(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        var isArray = type.IsArrayFamily();

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"lookup/{slug}/{condition}", "§4", body);

        yield return Case("existing-key-returns-its-value", ctx =>
        {
            var map = Fixture(ctx, type);
            var before = Elements.Snapshot(ctx, map);
            Elements.Holds(ctx, map, 2, 2, "lookup");
            Elements.Unchanged(ctx, map, before, "after the lookup");
        });

        if (isArray)
        {
            yield return Case("never-written-index-reads-as-zeros", ctx =>
            {
                var map = Fixture(ctx, type);
                foreach (var index in new uint[] { 0, 4, 7 })
                {
                    var value = Elements.PoisonedValue(map);
                    Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Data.U32(index), value), $"lookup of index {index}");
                    Expect.Bytes(new byte[map.Layout.ValueSize], value, $"index {index} is zero-filled");
                }
            });
            foreach (var (name, index) in new[] { ("max-entries", 8u), ("max-entries-plus-1", 9u), ("uint-max", uint.MaxValue) })
            {
                yield return Case($"index-{name}-gives-enoent", ctx =>
                {
                    var map = Fixture(ctx, type);
                    var before = Elements.Snapshot(ctx, map);
                    var value = Elements.PoisonedValue(map);
                    Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, Data.U32(index), value), "lookup past the end");
                    Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOENT");
                    Elements.Unchanged(ctx, map, before, "after the lookup");
                });
            }

            yield return Case("null-value-on-an-index-past-the-end-gives-enoent", ctx =>
            {
                var map = Fixture(ctx, type);
                Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, Data.U32(8), []), "lookup with a NULL value");
            });
        }
        else
        {
            yield return Case("absent-key-gives-enoent", ctx =>
            {
                var map = Fixture(ctx, type);
                var before = Elements.Snapshot(ctx, map);
                Elements.Absent(ctx, map, 9, "lookup");
                Elements.Unchanged(ctx, map, before, "after the lookup");
            });
            yield return Case("in-an-empty-map-gives-enoent", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type));
                Elements.Absent(ctx, map, 0, "lookup");
            });
            yield return Case("deleted-key-gives-enoent", ctx =>
            {
                var map = Fixture(ctx, type);
                Expect.Errno(Errno.None, ctx.Backend.Delete(map, Elements.Key(map, 2)), "delete");
                Elements.Absent(ctx, map, 2, "lookup of the deleted key");
                Elements.Holds(ctx, map, 1, 1, "lookup of another key");
            });
            yield return Case("null-value-on-an-absent-key-gives-enoent", ctx =>
            {
                var map = Fixture(ctx, type);
                Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, Elements.Key(map, 9), []), "lookup with a NULL value");
            });
        }

        foreach (var (name, flags) in BadFlags)
        {
            void Refused(ConformanceContext ctx)
            {
                var map = Fixture(ctx, type);
                var before = Elements.Snapshot(ctx, map);
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Lookup(map, Elements.Key(map, 1), value, flags), "lookup");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after EINVAL");
                Elements.Unchanged(ctx, map, before, "after the lookup");
            }

            // 8 is BPF_F_CPU on CPU 0 where the per-CPU maps take the CPU flags.
            yield return flags == BpfElementFlags.Cpu && type.IsPerCpu()
                ? Case($"flags-{name}-{KernelChanges.CpuFlags.Outcomes("reads-cpu-0s-value", "gives-einval")}", ctx =>
                {
                    if (!ctx.Since(KernelChanges.CpuFlags))
                    {
                        Refused(ctx);
                        return;
                    }

                    var map = Fixture(ctx, type);
                    CpuFlagCases.ExpectCpuValue(ctx, map, Elements.Key(map, 1), 0, Data.Value(map, 1));
                })
                : Case($"flags-{name}-gives-einval", Refused);
        }

        yield return Case("null-key-gives-efault", ctx =>
        {
            var map = Fixture(ctx, type);
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Lookup(map, [], value), "lookup with a NULL key");
            Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after EFAULT");
        });
        yield return Case("null-value-on-an-existing-element-gives-efault", ctx =>
        {
            var map = Fixture(ctx, type);
            var before = Elements.Snapshot(ctx, map);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Lookup(map, Elements.Key(map, 1), []), "lookup with a NULL value");
            Elements.Unchanged(ctx, map, before, "after the lookup");
        });
    }

    // §2: exactly value_size bytes, or round_up(value_size, 8) per possible CPU with the padding stored verbatim.
    private static IEnumerable<ConformanceCase> Layout()
    {
        foreach (var type in Types)
        {
            var slug = Maps.Slug(type);
            yield return new ConformanceCase($"lookup/{slug}/key-buffer-longer-than-key-size-uses-only-the-key-bytes", "§2", ctx =>
            {
                var map = Elements.Filled(ctx, Maps.Spec(type), 1, 2, 3);
                var longKey = Data.Concat(Elements.Key(map, 2), [0xFF, 0xEE, 0xDD]);
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, longKey, value), "lookup with trailing bytes after the key");
                Expect.Bytes(Data.Value(map, 2), value, "the value of key 2");
            });
            foreach (var valueSize in new uint[] { 1, 5, 12, 8 })
            {
                if (type.IsPerCpu())
                {
                    yield return new ConformanceCase(
                        $"lookup/{slug}/value-size-{valueSize}-returns-every-cpu-slot-{(valueSize % 8 == 0 ? "with-its-padding" : PaddingOutcome)}", "§2", ctx =>
                        {
                            var map = ctx.CreateMap(Maps.Spec(type, valueSize: valueSize));
                            var layout = map.Layout;
                            Expect.Equal((ulong)ctx.Cpus, (ulong)layout.PossibleCpus, "layout CPUs");
                            Expect.Equal(BpfMapLayout.RoundUpTo8(valueSize) * (ulong)ctx.Cpus, layout.ValueSize, "per-CPU value size");
                            // Every byte of every slot, padding included, is distinct from its neighbours' CPUs.
                            var written = new byte[layout.ValueSize];
                            for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                            {
                                Data.Bytes(100 + cpu, layout.PerCpuSlotSize).CopyTo(written, (int)layout.SlotOffset(cpu));
                            }

                            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 3), written), "update");
                            // A longer buffer: the bytes past the per-CPU value stay untouched.
                            var read = Elements.Poisoned(layout.ValueSize + 8);
                            Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Elements.Key(map, 3), read), "lookup");
                            var stored = Elements.Stored(ctx, map, written);
                            for (var cpu = 0; cpu < ctx.Cpus; cpu++)
                            {
                                Expect.Bytes(stored.AsSpan((int)layout.SlotOffset(cpu), (int)layout.PerCpuSlotSize),
                                    read.AsSpan((int)layout.SlotOffset(cpu), (int)layout.PerCpuSlotSize), $"CPU {cpu}'s slot");
                            }

                            Expect.Bytes(Elements.Poisoned(8), read.AsSpan((int)layout.ValueSize), "bytes past the per-CPU value");
                        });
                }
                else
                {
                    yield return new ConformanceCase($"lookup/{slug}/value-size-{valueSize}-writes-exactly-value-size-bytes", "§2", ctx =>
                    {
                        var map = ctx.CreateMap(Maps.Spec(type, valueSize: valueSize));
                        Expect.Equal((ulong)valueSize, map.Layout.ValueSize, "value size");
                        var written = Data.Bytes((int)valueSize, valueSize);
                        Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 3), written), "update");
                        var read = Elements.Poisoned(valueSize + 7);
                        Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Elements.Key(map, 3), read), "lookup");
                        Expect.Bytes(written, read.AsSpan(0, (int)valueSize), "the value");
                        Expect.Bytes(Elements.Poisoned(7), read.AsSpan((int)valueSize), "bytes past value_size");
                    });
                }
            }
        }
    }
}
