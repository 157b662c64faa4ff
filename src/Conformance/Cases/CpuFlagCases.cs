namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_F_CPU (8, the CPU in the upper 32 bits) and BPF_F_ALL_CPUS (16) on the per-CPU maps
/// (<see cref="KernelChanges.CpuFlags"/>): one CPU's value_size bytes read or written by the element commands and their
/// batches, ERANGE past the possible CPUs, both flags at once EINVAL, and the flags refused on every other map before
/// the value is copied. On kernels before the change every one of these calls is EINVAL and changes nothing.
/// </summary>
internal static class CpuFlagCases
{
    private const BpfElementFlags AllCpus = BpfElementFlags.AllCpus;

    private static readonly BpfMapType[] PerCpuTypes = [BpfMapType.PerCpuHash, BpfMapType.LruPerCpuHash, BpfMapType.PerCpuArray];

    private static readonly BpfMapType[] OtherTypes = [BpfMapType.Hash, BpfMapType.LruHash, BpfMapType.Array];

    public static IEnumerable<ConformanceCase> All() => PerCpuTypes.SelectMany(PerCpu).Concat(OtherTypes.SelectMany(Other));

    /// <summary>BPF_F_CPU for <paramref name="cpu"/>.</summary>
    public static BpfElementFlags OnCpu(int cpu) => BpfElementFlags.Cpu | (BpfElementFlags)((ulong)(uint)cpu << 32);

    /// <summary>
    /// A BPF_F_CPU lookup of <paramref name="key"/> on <paramref name="cpu"/> returns the value_size bytes of that CPU's
    /// slot of <paramref name="written"/> and writes nothing else of the buffer.
    /// </summary>
    public static void ExpectCpuValue(ConformanceContext ctx, BpfMapHandle map, byte[] key, int cpu, byte[] written)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(written);
        var read = Elements.PoisonedValue(map);
        Expect.Errno(Errno.None, ctx.Backend.Lookup(map, key, read, OnCpu(cpu)), $"lookup with BPF_F_CPU on CPU {cpu}");
        var expected = Elements.PoisonedValue(map);
        written.AsSpan((int)map.Layout.SlotOffset(cpu), (int)map.Spec.ValueSize).CopyTo(expected);
        Expect.Bytes(expected, read, $"CPU {cpu}'s value_size bytes, the rest of the buffer untouched");
    }

    // What a batch command with the CPU flags answers before the change: EINVAL, or ENOTSUPP where the type had no
    // batches at all.
    private static Errno BatchRefused(ConformanceContext ctx, BpfMapType type) =>
        type == BpfMapType.PerCpuArray && !ctx.Since(KernelChanges.PerCpuArrayBatches) ? Errno.ENOTSUPP : Errno.EINVAL;

    private static ConformanceCase Case(BpfMapType type, string condition, string since, string before, Action<ConformanceContext> body) =>
        new($"cpu-flags/{Maps.Slug(type)}/{condition}-{KernelChanges.CpuFlags.Outcomes(since, before)}", "§2", body);

    private static ConformanceCase Always(BpfMapType type, string condition, Action<ConformanceContext> body) =>
        new($"cpu-flags/{Maps.Slug(type)}/{condition}", "§2", body);

    // A per-CPU map (ZERO_SEED for the hashes, max_entries 8) with keys 1 and 2, value_size 5 so that every CPU's slot
    // has padding.
    private static BpfMapHandle Fixture(ConformanceContext ctx, BpfMapType type) =>
        Elements.Filled(ctx, Maps.Spec(type, maxEntries: 8, valueSize: 5), 1, 2);

    // The call is EINVAL and changes nothing (and the buffer of a lookup is untouched).
    private static void Refused(ConformanceContext ctx, BpfMapHandle map, Func<byte[], Errno> call, Errno expected = Errno.EINVAL)
    {
        var before = Elements.Snapshot(ctx, map);
        var buffer = Elements.PoisonedValue(map);
        Expect.Errno(expected, call(buffer), "the call");
        Expect.Bytes(Elements.PoisonedValue(map), buffer, "the value buffer");
        Elements.Unchanged(ctx, map, before, "the map");
    }

    // A whole per-CPU value with cpuValue in each CPU's slot that `cpus` selects, the rest from `whole`.
    private static byte[] WithSlots(BpfMapHandle map, byte[] whole, byte[] cpuValue, Func<int, bool> cpus)
    {
        var result = whole.ToArray();
        for (var cpu = 0; cpu < map.Layout.PossibleCpus; cpu++)
        {
            if (cpus(cpu))
            {
                cpuValue.AsSpan(0, (int)map.Spec.ValueSize).CopyTo(result.AsSpan((int)map.Layout.SlotOffset(cpu)));
            }
        }

        return result;
    }

    private static IEnumerable<ConformanceCase> PerCpu(BpfMapType type)
    {
        var isArray = type.IsArrayFamily();
        var cpuFlags = KernelChanges.CpuFlags;

        yield return Case(type, "lookup-with-f-cpu", "reads-each-cpus-value-size-bytes", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            if (!ctx.Since(cpuFlags))
            {
                Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, 1), buffer, OnCpu(0)));
                return;
            }

            for (var cpu = 0; cpu < ctx.Cpus; cpu++)
            {
                ExpectCpuValue(ctx, map, Elements.Key(map, 1), cpu, Data.Value(map, 1));
            }
        });
        yield return Case(type, "lookup-with-f-cpu-past-the-possible-cpus", "gives-erange", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, 1), buffer, OnCpu(ctx.Cpus)),
                ctx.Pick(cpuFlags, Errno.EINVAL, Errno.ERANGE));
        });
        yield return Case(type, "lookup-with-f-cpu-of-an-absent-key", isArray ? "gives-enoent-past-the-end" : "gives-enoent", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, isArray ? 8u : 9u), buffer, OnCpu(0)),
                ctx.Pick(cpuFlags, Errno.EINVAL, Errno.ENOENT));
        });
        yield return Always(type, "lookup-with-f-all-cpus-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, 1), buffer, AllCpus));
        });
        yield return Always(type, "lookup-with-f-cpu-and-f-all-cpus-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, 1), buffer, OnCpu(0) | AllCpus));
        });
        yield return Always(type, "lookup-and-delete-with-f-cpu-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, buffer => ctx.Backend.LookupAndDelete(map, Elements.Key(map, 1), buffer, OnCpu(0)));
        });

        var last = "the-last-cpu";
        yield return Case(type, $"update-with-f-cpu-on-{last}", "writes-only-that-cpus-value", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            var cpu = ctx.Cpus - 1;
            var value = Data.Bytes(50, map.Spec.ValueSize);
            if (!ctx.Since(cpuFlags))
            {
                Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(cpu)));
                return;
            }

            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 1), Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(cpu)), "update");
            var expected = WithSlots(map, Elements.Stored(ctx, map, Data.Value(map, 1)), value, c => c == cpu);
            ExpectValue(ctx, map, 1, expected, "the value: that CPU's value_size bytes replaced");
            Elements.Holds(ctx, map, 2, 2, "the other key");
        });
        yield return Case(type, isArray ? "update-with-f-cpu-of-a-never-written-index" : "update-with-f-cpu-of-a-new-key", "leaves-the-other-cpus-zero", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            var value = Data.Bytes(60, map.Spec.ValueSize);
            var key = Elements.Key(map, 5);
            if (!ctx.Since(cpuFlags))
            {
                Refused(ctx, map, _ => ctx.Backend.Update(map, key, Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(0)));
                return;
            }

            Expect.Errno(Errno.None, ctx.Backend.Update(map, key, Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(0)), "update");
            ExpectValue(ctx, map, 5, WithSlots(map, new byte[map.Layout.ValueSize], value, c => c == 0), "the new value: CPU 0's bytes, zeros elsewhere");
        });
        yield return Case(type, "update-with-f-all-cpus", "writes-one-value-to-every-cpu", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            var value = Data.Bytes(70, map.Spec.ValueSize);
            if (!ctx.Since(cpuFlags))
            {
                Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 2), Data.Concat(value, Elements.PoisonedValue(map)), AllCpus));
                return;
            }

            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 2), Data.Concat(value, Elements.PoisonedValue(map)), AllCpus), "update");
            ExpectValue(ctx, map, 2, WithSlots(map, new byte[map.Layout.ValueSize], value, _ => true), "every CPU's value");
            Elements.Holds(ctx, map, 1, 1, "the other key");
        });
        yield return Case(type, "update-with-f-cpu-past-the-possible-cpus", "gives-erange", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), Data.Value(map, 9), OnCpu(ctx.Cpus)),
                ctx.Pick(cpuFlags, Errno.EINVAL, Errno.ERANGE));
        });
        yield return Always(type, "update-with-f-cpu-and-f-all-cpus-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), Data.Value(map, 9), OnCpu(0) | AllCpus));
        });
        yield return Case(type, "update-with-f-cpu-and-noexist-on-an-existing-key", "writes-noexist-is-compared-for-equality", "gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            var value = Data.Bytes(80, map.Spec.ValueSize);
            if (!ctx.Since(cpuFlags))
            {
                Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(0) | BpfElementFlags.NoExist));
                return;
            }

            Expect.Errno(Errno.None, ctx.Backend.Update(map, Elements.Key(map, 1), Data.Concat(value, Elements.PoisonedValue(map)), OnCpu(0) | BpfElementFlags.NoExist), "update");
            ExpectValue(ctx, map, 1, WithSlots(map, Elements.Stored(ctx, map, Data.Value(map, 1)), value, c => c == 0), "CPU 0's value replaced");
        });
        yield return Case(type, "update-with-a-null-value-and-f-cpu-past-the-possible-cpus", "gives-erange", "gives-efault", ctx =>
        {
            // The flags are checked before the value is copied; before, the copy came first (§1.4).
            var map = Fixture(ctx, type);
            Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), [], OnCpu(ctx.Cpus)), ctx.Pick(cpuFlags, Errno.EFAULT, Errno.ERANGE));
        });

        // Batches: one CPU's value_size bytes per element, packed value_size apart.
        yield return Case(type, "lookup-batch-with-f-cpu-on-the-last-cpu", "packs-one-cpus-value-size-bytes-per-element", "gives-einval",
            ctx => LookupBatchOnCpu(ctx, type, ctx.Cpus - 1));
        foreach (var (name, flags) in new[] { ("f-cpu-on-cpu-0", OnCpu(0)), ("f-all-cpus", AllCpus) })
        {
            yield return Case(type, $"update-batch-with-{name}", name == "f-all-cpus" ? "writes-each-value-to-every-cpu" : "writes-each-value-to-that-cpu", "gives-einval",
                ctx => UpdateBatchWith(ctx, type, flags));
        }

        yield return Always(type, "update-batch-with-f-cpu-and-f-all-cpus-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            var count = 1u;
            Expect.Errno(BatchRefused(ctx, type), ctx.Backend.UpdateBatch(map, Data.Keys(map, 1), Data.Value(map, 9), ref count, OnCpu(0) | AllCpus), "update batch");
            Expect.Equal(1u, count, "count untouched");
            Elements.Holds(ctx, map, 1, 1, "key 1");
        });
        yield return Always(type, "lookup-batch-with-f-all-cpus-gives-einval", ctx =>
        {
            var map = Fixture(ctx, type);
            Batch.Lookup(ctx, map, false, null, 8, elementFlags: AllCpus).ExpectUntouched(BatchRefused(ctx, type), 8);
        });
        if (!isArray)
        {
            yield return Always(type, "lookup-and-delete-batch-with-f-cpu-gives-einval", ctx =>
            {
                var map = Fixture(ctx, type);
                Batch.Lookup(ctx, map, true, null, 8, elementFlags: OnCpu(0)).ExpectUntouched(Errno.EINVAL, 8);
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2)], "the map");
            });
        }
    }

    // The CPU flags on a map that is not per-CPU: EINVAL, and since bpf_map_check_op_flags before the value is copied.
    private static IEnumerable<ConformanceCase> Other(BpfMapType type)
    {
        BpfMapHandle Fixture(ConformanceContext ctx) => Elements.Filled(ctx, Maps.Spec(type, maxEntries: 8), 1, 2);

        foreach (var (name, flags) in new[] { ("f-cpu", OnCpu(0)), ("f-all-cpus", AllCpus) })
        {
            yield return Always(type, $"lookup-with-{name}-gives-einval", ctx =>
            {
                var map = Fixture(ctx);
                Refused(ctx, map, buffer => ctx.Backend.Lookup(map, Elements.Key(map, 1), buffer, flags));
            });
            yield return Always(type, $"update-with-{name}-gives-einval", ctx =>
            {
                var map = Fixture(ctx);
                Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), Data.Value(map, 9), flags));
            });
            yield return Case(type, $"update-with-{name}-and-a-null-value", "gives-einval", "gives-efault", ctx =>
            {
                var map = Fixture(ctx);
                Refused(ctx, map, _ => ctx.Backend.Update(map, Elements.Key(map, 1), [], flags), ctx.Pick(KernelChanges.CpuFlags, Errno.EFAULT, Errno.EINVAL));
            });
        }
    }

    /// <summary>
    /// LOOKUP_BATCH of the whole <see cref="Fixture"/> map with BPF_F_CPU on <paramref name="cpu"/>: each element's value
    /// is that CPU's value_size bytes, packed value_size apart, the rest of the buffer untouched; before the change,
    /// refused with count untouched.
    /// </summary>
    public static void LookupBatchOnCpu(ConformanceContext ctx, BpfMapType type, int cpu)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var isArray = type.IsArrayFamily();
        var map = Fixture(ctx, type);
        var keys = Batch.Filled(8 * map.Layout.KeySize, Batch.KeySentinel);
        var values = Batch.Filled(8 * map.Layout.ValueSize, Batch.ValueSentinel);
        var outBatch = Data.U32(Batch.CursorSentinel);
        var count = 8u;
        var errno = ctx.Backend.LookupBatch(map, [], outBatch, keys, values, ref count, OnCpu(cpu));
        if (!ctx.Since(KernelChanges.CpuFlags))
        {
            Expect.Errno(BatchRefused(ctx, type), errno, "lookup batch");
            Expect.Equal(8u, count, "count untouched");
            return;
        }

        Expect.Errno(isArray ? Errno.None : Errno.ENOENT, errno, "lookup batch of the whole map");
        Expect.Equal(isArray ? 8u : 2u, count, "count");
        var returned = Data.Split(keys, count, map.Layout.KeySize);
        var expected = Batch.Filled(8 * map.Layout.ValueSize, Batch.ValueSentinel);
        for (var i = 0; i < returned.Count; i++)
        {
            var id = Data.ReadU32(returned[i]);
            var whole = isArray && id is not (1 or 2) ? new byte[map.Layout.ValueSize] : Data.Value(map, (int)id);
            whole.AsSpan((int)map.Layout.SlotOffset(cpu), (int)map.Spec.ValueSize).CopyTo(expected.AsSpan(i * (int)map.Spec.ValueSize));
        }

        Expect.Bytes(expected, values, "the values: the CPU's value_size bytes, value_size apart, the rest untouched");
    }

    /// <summary>
    /// UPDATE_BATCH of keys 1 (present) and 3 (new) of the <see cref="Fixture"/> map with BPF_F_CPU or BPF_F_ALL_CPUS:
    /// each value_size value lands in that CPU's slot or in every CPU's; before the change, refused with nothing written.
    /// </summary>
    public static void UpdateBatchWith(ConformanceContext ctx, BpfMapType type, BpfElementFlags flags)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var map = Fixture(ctx, type);
        var a = Data.Bytes(90, map.Spec.ValueSize);
        var b = Data.Bytes(91, map.Spec.ValueSize);
        var count = 2u;
        var errno = ctx.Backend.UpdateBatch(map, Data.Keys(map, 1, 3), Data.Concat(a, b, Elements.Poisoned((2 * map.Layout.ValueSize) - (2 * map.Spec.ValueSize))), ref count, flags);
        if (!ctx.Since(KernelChanges.CpuFlags))
        {
            Expect.Errno(BatchRefused(ctx, type), errno, "update batch");
            Expect.Equal(2u, count, "count untouched");
            Elements.Holds(ctx, map, 1, 1, "key 1");
            Elements.Holds(ctx, map, 2, 2, "key 2");
            return;
        }

        Expect.Errno(Errno.None, errno, "update batch");
        Expect.Equal(2u, count, "count");
        Func<int, bool> cpus = flags == AllCpus ? _ => true : c => c == CpuOf(flags);
        ExpectValue(ctx, map, 1, WithSlots(map, flags == AllCpus ? new byte[map.Layout.ValueSize] : Elements.Stored(ctx, map, Data.Value(map, 1)), a, cpus), "key 1");
        ExpectValue(ctx, map, 3, WithSlots(map, new byte[map.Layout.ValueSize], b, cpus), "key 3");
    }

    private static int CpuOf(BpfElementFlags flags) => (int)((ulong)flags >> 32);

    private static void ExpectValue(ConformanceContext ctx, BpfMapHandle map, uint id, byte[] expected, string step)
    {
        var read = Elements.PoisonedValue(map);
        Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Elements.Key(map, id), read), $"{step}: lookup");
        Expect.Bytes(expected, read, step);
    }
}
