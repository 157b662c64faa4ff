namespace BpfMaps.Conformance.Cases;

/// <summary>Small shared steps of the element-command cases.</summary>
internal static class Elements
{
    /// <summary>The byte that fills output buffers, so that "not written" can be checked.</summary>
    public const byte Poison = 0xA5;

    /// <summary>Every map type the reference covers, in the column order of its §3.2 table.</summary>
    public static IReadOnlyList<BpfMapType> AllTypes { get; } =
    [
        BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash,
        BpfMapType.Array, BpfMapType.PerCpuArray, BpfMapType.Queue, BpfMapType.Stack,
    ];

    /// <summary>The four hash-family types.</summary>
    public static IReadOnlyList<BpfMapType> HashFamily { get; } =
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];

    /// <summary>The per-CPU types.</summary>
    public static IReadOnlyList<BpfMapType> PerCpuTypes { get; } =
        [BpfMapType.PerCpuHash, BpfMapType.LruPerCpuHash, BpfMapType.PerCpuArray];

    /// <summary>
    /// The non-LRU hash variants of §5.1: HASH and PERCPU_HASH, preallocated and with NO_PREALLOC. The slug is the
    /// type slug, and the condition prefix names the variant.
    /// </summary>
    public static IReadOnlyList<(BpfMapType Type, bool NoPrealloc)> HashVariants { get; } =
        [(BpfMapType.Hash, false), (BpfMapType.Hash, true), (BpfMapType.PerCpuHash, false), (BpfMapType.PerCpuHash, true)];

    /// <summary>"no-prealloc-" or "".</summary>
    public static string VariantPrefix(bool noPrealloc) => noPrealloc ? "no-prealloc-" : "";

    /// <summary>A ZERO_SEED spec (<see cref="Maps.Spec"/>), with NO_PREALLOC when asked.</summary>
    public static BpfMapSpec Spec(BpfMapType type, bool noPrealloc, uint maxEntries = 8, uint valueSize = 8, uint keySize = 4)
    {
        var spec = Maps.Spec(type, maxEntries, valueSize, keySize);
        return noPrealloc ? spec with { Flags = spec.Flags | BpfMapFlags.NoPrealloc } : spec;
    }

    /// <summary>A valid minimal spec of any of the eight types, without flags (queue and stack have no key).</summary>
    public static BpfMapSpec Plain(BpfMapType type) =>
        new(type, type.IsQueueOrStack() ? 0u : 4u, 8, 4);

    /// <summary>The errno in a case name: <c>gives-einval</c>, or <c>succeeds</c> for success.</summary>
    public static string Outcome(Errno errno) =>
        errno == Errno.None ? "succeeds" : $"gives-{errno.ToString().ToLowerInvariant()}";

    /// <summary>
    /// The outcome in the name of a case whose answer changed between kernels: <c>succeeds-or-gives-e2big-before-6.1</c>
    /// (<see cref="KernelChange.Outcomes"/>).
    /// </summary>
    public static string Outcomes(KernelChange change, Errno before, Errno since) => change.Outcomes(Outcome(since), Outcome(before));

    /// <summary>The key with <paramref name="id"/> for <paramref name="map"/> (an array index for arrays).</summary>
    public static byte[] Key(BpfMapHandle map, uint id)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Data.Key(id, map.Spec.KeySize);
    }

    /// <summary>A buffer of <paramref name="length"/> bytes filled with <see cref="Poison"/>.</summary>
    public static byte[] Poisoned(ulong length)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, Poison);
        return bytes;
    }

    /// <summary>A value buffer for <paramref name="map"/> filled with <see cref="Poison"/>.</summary>
    public static byte[] PoisonedValue(BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Poisoned(map.Layout.ValueSize);
    }

    /// <summary>
    /// What the map keeps of a whole value written by user space: all of it, except per-CPU padding where the kernel
    /// stores value_size bytes per CPU (<see cref="KernelChanges.PerCpuPaddingNotStored"/>), which reads back as zeros.
    /// </summary>
    public static byte[] Stored(ConformanceContext ctx, BpfMapHandle map, byte[] written)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(written);
        var layout = map.Layout;
        var padding = (int)(layout.PerCpuSlotSize - map.Spec.ValueSize);
        if (!layout.IsPerCpu || padding == 0 || !ctx.Since(KernelChanges.PerCpuPaddingNotStored))
        {
            return written;
        }

        var stored = written.ToArray();
        for (var offset = 0; offset + (int)layout.PerCpuSlotSize <= stored.Length; offset += (int)layout.PerCpuSlotSize)
        {
            stored.AsSpan(offset + (int)map.Spec.ValueSize, padding).Clear();
        }

        return stored;
    }

    /// <summary>Updates key <paramref name="id"/> with <c>Data.Value(map, seed)</c>; the update must succeed.</summary>
    public static void Put(ConformanceContext ctx, BpfMapHandle map, uint id, int seed)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(map, id), Data.Value(map, seed)), $"update of key {id}");
    }

    /// <summary>Creates a map and puts keys <paramref name="ids"/>, each with its id as value seed.</summary>
    public static BpfMapHandle Filled(ConformanceContext ctx, BpfMapSpec spec, params uint[] ids)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(ids);
        var map = ctx.CreateMap(spec);
        foreach (var id in ids)
        {
            Put(ctx, map, id, (int)id);
        }

        return map;
    }

    /// <summary>Key <paramref name="id"/> holds exactly <c>Data.Value(map, seed)</c>.</summary>
    public static void Holds(ConformanceContext ctx, BpfMapHandle map, uint id, int seed, string step)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var value = PoisonedValue(map);
        Expect.Errno(Errno.None, ctx.Backend.Lookup(map, Key(map, id), value), $"{step}: lookup of key {id}");
        Expect.Bytes(Stored(ctx, map, Data.Value(map, seed)), value, $"{step}: value of key {id}");
    }

    /// <summary>Key <paramref name="id"/> is absent (LOOKUP gives ENOENT and writes nothing).</summary>
    public static void Absent(ConformanceContext ctx, BpfMapHandle map, uint id, string step)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var value = PoisonedValue(map);
        Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, Key(map, id), value), $"{step}: lookup of key {id}");
        Expect.Bytes(PoisonedValue(map), value, $"{step}: the value buffer after ENOENT");
    }

    /// <summary>The whole map, in iteration order, as key‖value byte strings.</summary>
    public static List<byte[]> Snapshot(ConformanceContext ctx, BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return [.. Maps.Dump(ctx.Backend, map).Select(e => Data.Concat(e.Key, e.Value))];
    }

    /// <summary>The map is exactly as <paramref name="before"/>: same entries, same values, same order.</summary>
    public static void Unchanged(ConformanceContext ctx, BpfMapHandle map, List<byte[]> before, string step) =>
        Expect.Sequence(before, Snapshot(ctx, map), $"{step}: the map is unchanged");

    /// <summary>The map holds exactly these ids (as a set), each with its own seed.</summary>
    public static void HoldsExactly(ConformanceContext ctx, BpfMapHandle map, IEnumerable<(uint Id, int Seed)> entries, string step)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Expect.Contents(
            entries.Select(e => (Key(map, e.Id), Stored(ctx, map, Data.Value(map, e.Seed)))),
            Maps.Dump(ctx.Backend, map),
            step);
    }
}
