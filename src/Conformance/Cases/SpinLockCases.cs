namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Spin-locked values (reference §9): which maps accept a <c>struct bpf_spin_lock</c> described by BTF and the create
/// checks around it (§9.1, §3.3, §3.4), and what a lock changes (§9.2): lock bytes ignored on update and read as zero
/// on every read path, <see cref="BpfElementFlags.Lock"/> accepted by every command that takes flags, in-place
/// updates, FREEZE refused. Maps with BTF but no lock refuse <see cref="BpfElementFlags.Lock"/> everywhere.
/// </summary>
internal static class SpinLockCases
{
    private const Errno OK = Errno.None;
    private const BpfElementFlags Lock = BpfElementFlags.Lock;

    /// <summary>What user space writes over the lock bytes: the kernel ignores it (§9.2).</summary>
    private const byte LockFill = 0xFF;

    /// <summary>Lock offset and value size of the maps the §9.2 cases run on: at the start, inside (§9.2's own), at the end.</summary>
    private static readonly (uint Lock, uint Size)[] Layouts = [(0, 8), (4, 12), (12, 16)];

    private static readonly BpfMapType[] LockTypes = [BpfMapType.Hash, BpfMapType.Array];

    private static readonly BpfMapType[] NoLockTypes =
        [BpfMapType.PerCpuHash, BpfMapType.PerCpuArray, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];

    public static IEnumerable<ConformanceCase> All() =>
        Create().Concat(LockTypes.SelectMany(Semantics)).Concat(HashOnly()).Concat(WithoutLock());

    /// <summary>A ZERO_SEED spec (for hash maps) whose value has a lock at <paramref name="lockOffset"/>.</summary>
    public static BpfMapSpec Spec(BpfMapType type, uint lockOffset, uint valueSize, uint maxEntries = 8, uint keySize = 4) =>
        Maps.Spec(type, maxEntries, valueSize, keySize) with { Btf = BpfMapBtf.SpinLockAt(lockOffset) };

    private static string Layout(uint lockOffset, uint valueSize) => $"lock-{lockOffset}-of-{valueSize}";

    private static int LockOf(BpfMapHandle map) => (int)map.Spec.Btf!.SpinLockOffsets[0];

    /// <summary>The value of <paramref name="seed"/> as written: <see cref="LockFill"/> over the lock bytes.</summary>
    private static byte[] Written(BpfMapHandle map, int seed)
    {
        var value = Data.Value(map, seed);
        value.AsSpan(LockOf(map), 4).Fill(LockFill);
        return value;
    }

    /// <summary>The value of <paramref name="seed"/> as every read returns it: the lock bytes zero.</summary>
    private static byte[] Read(BpfMapHandle map, int seed)
    {
        var value = Data.Value(map, seed);
        value.AsSpan(LockOf(map), 4).Clear();
        return value;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // §9.1, §3.3, §3.4: BPF_MAP_CREATE with BTF
    // ----------------------------------------------------------------------------------------------------------------

    private static ConformanceCase CreateCase(BpfMapType type, string condition, string section, BpfMapSpec spec, Errno expected) =>
        new($"spin-lock/create/{Maps.Slug(type)}/{condition}-{Elements.Outcome(expected)}", section, ctx => ExpectCreate(ctx, spec, [expected]));

    // A create whose answer changed between the kernels of the matrix.
    private static ConformanceCase CreateCase(BpfMapType type, string condition, string section, BpfMapSpec spec, KernelChange change, Errno before, Errno since) =>
        new($"spin-lock/create/{Maps.Slug(type)}/{condition}-{Elements.Outcomes(change, before, since)}", section,
            ctx => ExpectCreate(ctx, spec, ctx.Accepted(change, before, since)));

    private static void ExpectCreate(ConformanceContext ctx, BpfMapSpec spec, IReadOnlyList<Errno> accepted)
    {
        var errno = ctx.Backend.CreateMap(spec, out var map);
        Expect.Errno(accepted, errno, "create");
        if (map is null)
        {
            return;
        }

        // A value type with exactly one 4-aligned lock gives the map a lock; where BTF load does not refuse two locks
        // or a misaligned one, the map has none (KernelChanges.BtfLoadChecksSpecialFields).
        var oneAlignedLock = spec.Btf is { Value: BpfBtfValue.Struct, SpinLockOffsets: [var offset] } && offset % 4 == 0;
        Expect.True(KernelSeesALock(ctx, ctx.Track(map)) == oneAlignedLock, "the map has a lock exactly when its value type has one 4-aligned lock");
    }

    /// <summary>
    /// Uses a new map and tells whether its value has a lock: with one, F_LOCK works and the lock bytes read as zero;
    /// without, F_LOCK is EINVAL and the value round-trips whole (§9.2).
    /// </summary>
    private static bool KernelSeesALock(ConformanceContext ctx, BpfMapHandle map)
    {
        var b = ctx.Backend;
        var key = Elements.Key(map, 0);
        var lockOffset = map.Spec.Btf is { SpinLockOffsets: [var offset] } ? (int)offset : 0;
        var value = Data.Value(map, 7);
        value.AsSpan(lockOffset, Math.Min(4, value.Length - lockOffset)).Fill(LockFill);
        var update = b.Update(map, key, value, Lock);
        if (update == Errno.EINVAL)
        {
            Expect.Errno(OK, b.Update(map, key, value), "update without F_LOCK");
            var whole = Elements.PoisonedValue(map);
            Expect.Errno(OK, b.Lookup(map, key, whole), "lookup");
            Expect.Bytes(Elements.Stored(ctx, map, value), whole, "without a lock the value reads back whole");
            Expect.Errno(Errno.EINVAL, b.Lookup(map, key, whole, Lock), "lookup with F_LOCK without a lock");
            return false;
        }

        Expect.Errno(OK, update, "update with F_LOCK");
        var read = Elements.PoisonedValue(map);
        Expect.Errno(OK, b.Lookup(map, key, read, Lock), "lookup with F_LOCK");
        value.AsSpan(lockOffset, 4).Clear();
        Expect.Bytes(value, read, "the value with its lock bytes zero");
        return true;
    }

    private static IEnumerable<ConformanceCase> Create()
    {
        // §9.1: HASH and ARRAY take a lock anywhere 4-aligned, in values of any size; hash keys of any size (byte arrays).
        foreach (var type in LockTypes)
        {
            foreach (var (lockOffset, size) in new (uint, uint)[] { (0, 4), (0, 12), (4, 12), (8, 12), (4, 13), (60, 64), (4092, 4096) })
            {
                yield return CreateCase(type, $"{Layout(lockOffset, size)}", "§9.1", Spec(type, lockOffset, size), OK);
            }

            // §9.1: programs may not be restricted on a locked value.
            yield return CreateCase(type, "lock-with-rdonly-prog", "§9.1", Spec(type, 4, 12) with { Flags = Flags(type, BpfMapFlags.ReadOnlyProg) }, Errno.EACCES);
            yield return CreateCase(type, "lock-with-wronly-prog", "§9.1", Spec(type, 4, 12) with { Flags = Flags(type, BpfMapFlags.WriteOnlyProg) },
                KernelChanges.SpinLockRefusesWriteOnlyProg, OK, Errno.EACCES);

            // §9.1: BPF_BTF_LOAD refuses a struct with two locks; nothing else is checked before it. Where it did not,
            // the map had no lock.
            var load = KernelChanges.BtfLoadChecksSpecialFields;
            yield return CreateCase(type, "two-locks", "§9.1", Spec(type, 0, 12) with { Btf = new BpfMapBtf { SpinLockOffsets = [0, 8] } }, load, OK, Errno.E2BIG);
            yield return CreateCase(type, "two-locks-and-max-entries-0", "§9.1", Spec(type, 0, 12, maxEntries: 0) with { Btf = new BpfMapBtf { SpinLockOffsets = [0, 8] } },
                load, Errno.EINVAL, Errno.E2BIG);
            yield return CreateCase(type, "two-locks-at-the-same-offset", "§9.1", Spec(type, 0, 12) with { Btf = new BpfMapBtf { SpinLockOffsets = [4, 4] } }, load, OK, Errno.E2BIG);

            // §9.1: the BTF value and key types must have value_size and key_size bytes.
            yield return CreateCase(type, "btf-value-struct-of-16-for-value-size-12", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { ValueStructSize = 16 } }, Errno.EINVAL);
            yield return CreateCase(type, "btf-value-struct-of-8-for-value-size-12", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { ValueStructSize = 8 } }, Errno.EINVAL);
            yield return CreateCase(type, "nonexistent-value-type", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Value = BpfBtfValue.Nonexistent } }, Errno.EINVAL);
            yield return CreateCase(type, "no-key-type", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.None } }, Errno.EINVAL);

            // §3.3: a key type without a value type; with neither, the BTF is not looked at and the map has no lock.
            yield return CreateCase(type, "key-type-without-value-type", "§3.3", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Value = BpfBtfValue.None } }, Errno.EINVAL);
            yield return CreateCase(type, "lock-but-neither-key-nor-value-type", "§3.3", Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.None, Value = BpfBtfValue.None } }, OK);

            // BPF_BTF_LOAD, observed on 6.18 (not in the reference): a lock past the struct's end is EINVAL, a lock
            // off its 4-byte alignment EFAULT; two locks (E2BIG) win over a misaligned one.
            yield return CreateCase(type, "lock-past-the-end-of-the-value", "§9.1", Spec(type, 12, 12), Errno.EINVAL);
            yield return CreateCase(type, "lock-across-the-end-of-the-value", "§9.1", Spec(type, 8, 10), Errno.EINVAL);
            yield return CreateCase(type, "misaligned-lock-at-2", "§9.1", Spec(type, 2, 12), load, OK, Errno.EFAULT);
            yield return CreateCase(type, "misaligned-lock-at-5", "§9.1", Spec(type, 5, 12), load, OK, Errno.EFAULT);
            yield return CreateCase(type, "misaligned-lock-past-the-end", "§9.1", Spec(type, 10, 12), Errno.EINVAL);
            yield return CreateCase(type, "misaligned-and-aligned-lock", "§9.1", Spec(type, 0, 16) with { Btf = new BpfMapBtf { SpinLockOffsets = [2, 8] } }, load, OK, Errno.E2BIG);
        }

        foreach (var keySize in new uint[] { 1, 3, 8, 13, 64 })
        {
            yield return CreateCase(BpfMapType.Hash, $"key-size-{keySize}-byte-array-key-type-{Layout(4, 12)}", "§9.1", Spec(BpfMapType.Hash, 4, 12, keySize: keySize), OK);
        }

        // §9.1: key type sizes and the array's int key.
        yield return CreateCase(BpfMapType.Hash, "int-key-type-for-key-size-8", "§9.1", Spec(BpfMapType.Hash, 4, 12, keySize: 8) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.IntType } }, Errno.EINVAL);
        yield return CreateCase(BpfMapType.Hash, "byte-array-key-type-for-key-size-4", "§9.1", Spec(BpfMapType.Hash, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.Bytes } }, OK);
        yield return CreateCase(BpfMapType.Array, "byte-array-key-type", "§9.1", Spec(BpfMapType.Array, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.Bytes } }, Errno.EINVAL);
        yield return CreateCase(BpfMapType.Array, "byte-array-key-type-without-lock", "§9.1", Spec(BpfMapType.Array, 4, 12) with { Btf = new BpfMapBtf { Key = BpfBtfKey.Bytes } }, Errno.EINVAL);

        // §9.1: per-CPU and LRU types refuse a lock with EOPNOTSUPP (95), ENOTSUPP (524) on older kernels, and take
        // the same BTF without one.
        var refused = KernelChanges.UnsupportedSpinLockIsEopnotsupp;
        foreach (var type in NoLockTypes)
        {
            yield return CreateCase(type, "lock", "§9.1", Spec(type, 4, 12), refused, Errno.ENOTSUPP, Errno.EOPNOTSUPP);
            yield return CreateCase(type, "lock-at-0", "§9.1", Spec(type, 0, 8), refused, Errno.ENOTSUPP, Errno.EOPNOTSUPP);
            yield return CreateCase(type, "btf-without-lock", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.WithoutSpinLock() }, OK);

            // Observed order (syscall.c:map_check_btf): *_PROG flags before the map type, the map type before the
            // array's key check; a missing key type stops the hash family first, until the hash maps checked BTF
            // themselves (builds of 6.18.44 differ).
            yield return CreateCase(type, "lock-with-rdonly-prog", "§9.1", Spec(type, 4, 12) with { Flags = Flags(type, BpfMapFlags.ReadOnlyProg) }, Errno.EACCES);
            var noKeyType = Spec(type, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.None } };
            yield return type.IsArrayFamily()
                ? CreateCase(type, "lock-and-no-key-type", "§9.1", noKeyType, refused, Errno.ENOTSUPP, Errno.EOPNOTSUPP)
                : CreateCase(type, "lock-and-no-key-type", "§9.1", noKeyType, KernelChanges.HashMapsCheckBtf, Errno.EINVAL, Errno.EOPNOTSUPP);
        }

        foreach (var type in LockTypes)
        {
            yield return CreateCase(type, "btf-without-lock", "§9.1", Spec(type, 4, 12) with { Btf = BpfMapBtf.WithoutSpinLock() }, OK);
        }

        yield return CreateCase(BpfMapType.PerCpuArray, "lock-and-byte-array-key-type", "§9.1", Spec(BpfMapType.PerCpuArray, 4, 12) with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.Bytes } },
            refused, Errno.ENOTSUPP, Errno.EOPNOTSUPP);
        yield return CreateCase(BpfMapType.Array, "lock-no-key-type-and-rdonly-prog", "§9.1", Spec(BpfMapType.Array, 4, 12) with { Flags = BpfMapFlags.ReadOnlyProg, Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.None } }, Errno.EACCES);

        // §9.1: queue and stack have no keys, so no key type and no BTF check of their own: EINVAL. A zero-length
        // key type gets past that to the map type (observed).
        foreach (var type in new[] { BpfMapType.Queue, BpfMapType.Stack })
        {
            var spec = new BpfMapSpec(type, 0, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
            yield return CreateCase(type, "lock", "§9.1", spec, Errno.EINVAL);
            yield return CreateCase(type, "btf-without-lock", "§9.1", spec with { Btf = BpfMapBtf.WithoutSpinLock() }, Errno.EINVAL);
            yield return CreateCase(type, "lock-and-zero-length-key-type", "§9.1", spec with { Btf = BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.Bytes } },
                refused, Errno.ENOTSUPP, Errno.EOPNOTSUPP);
        }

        // §3.4: the type ids are checked first (EINVAL before LRU's ENOTSUPP for NO_PREALLOC); the BTF itself last,
        // after the allocation (E2BIG) and the name (EINVAL).
        yield return CreateCase(BpfMapType.LruHash, "key-type-without-value-type-and-no-prealloc", "§3.4",
            Spec(BpfMapType.LruHash, 4, 12) with { Flags = BpfMapFlags.NoPrealloc, Btf = BpfMapBtf.SpinLockAt(4) with { Value = BpfBtfValue.None } }, Errno.EINVAL);
        yield return CreateCase(BpfMapType.LruHash, "lock-and-no-prealloc", "§3.4",
            Spec(BpfMapType.LruHash, 4, 12) with { Flags = BpfMapFlags.NoPrealloc }, Errno.ENOTSUPP);
        yield return CreateCase(BpfMapType.PerCpuHash, "lock-and-max-entries-2^27+1", "§3.4",
            Spec(BpfMapType.PerCpuHash, 4, 12, maxEntries: (1u << 27) + 1), Errno.E2BIG);
        yield return CreateCase(BpfMapType.Hash, "nonexistent-value-type-and-max-entries-2^27+1", "§3.4",
            Spec(BpfMapType.Hash, 4, 12, maxEntries: (1u << 27) + 1) with { Btf = BpfMapBtf.SpinLockAt(4) with { Value = BpfBtfValue.Nonexistent } }, Errno.E2BIG);
        yield return CreateCase(BpfMapType.PerCpuHash, "lock-and-a-bad-name", "§3.4", Spec(BpfMapType.PerCpuHash, 4, 12) with { Name = "bad-name" }, Errno.EINVAL);
        yield return CreateCase(BpfMapType.Array, "lock-and-value-size-2^31", "§3.4", Spec(BpfMapType.Array, 4, 0x80000000u), Errno.E2BIG);
    }

    private static BpfMapFlags Flags(BpfMapType type, BpfMapFlags flags) => Maps.Spec(type).Flags | flags;

    // ----------------------------------------------------------------------------------------------------------------
    // §9.2: semantics on HASH and ARRAY, for each layout
    // ----------------------------------------------------------------------------------------------------------------

    private static IEnumerable<ConformanceCase> Semantics(BpfMapType type)
    {
        var hash = type == BpfMapType.Hash;
        foreach (var (lockOffset, size) in Layouts)
        {
            ConformanceCase Case(string condition, Action<ConformanceContext, LockMap> body) =>
                new($"spin-lock/{Maps.Slug(type)}/{Layout(lockOffset, size)}/{condition}", "§9.2", ctx =>
                    body(ctx, LockMap.Create(ctx, Spec(type, lockOffset, size))));

            foreach (var (name, flags) in new[] { ("f-lock", Lock), ("plain", BpfElementFlags.Any) })
            {
                yield return Case($"{name}-update-ignores-the-lock-bytes-and-every-lookup-reads-them-as-zero", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1, flags);
                    m.Put(ctx, 2, 2, flags);
                    m.Put(ctx, 1, 11, flags);
                    foreach (var lookupFlags in new[] { BpfElementFlags.Any, Lock })
                    {
                        var read = Elements.PoisonedValue(m.Map);
                        Expect.Errno(OK, ctx.Backend.Lookup(m.Map, m.Key(1), read, lookupFlags), $"lookup with flags {lookupFlags}");
                        Expect.Bytes(Read(m.Map, 11), read, $"lookup with flags {lookupFlags}");
                    }

                    m.ExpectHolds(ctx, "the map");
                });
            }

            yield return Case("f-lock-noexist-on-an-existing-element-gives-eexist", (ctx, m) =>
            {
                m.Put(ctx, 1, 1);
                Expect.Errno(Errno.EEXIST, ctx.Backend.Update(m.Map, m.Key(1), Written(m.Map, 9), Lock | BpfElementFlags.NoExist), "update");
                m.ExpectHolds(ctx, "the map is unchanged");
            });
            yield return Case("f-lock-exist-on-an-existing-element-replaces-it", (ctx, m) =>
            {
                m.Put(ctx, 1, 1);
                m.Put(ctx, 1, 9, Lock | BpfElementFlags.Exist);
                m.ExpectHolds(ctx, "the map");
            });
            foreach (var (name, flags) in new[] { ("f-lock-and-8", Lock | (BpfElementFlags)8), ("f-lock-and-3", Lock | (BpfElementFlags)3), ("f-lock-and-bit-32", Lock | (BpfElementFlags)(1UL << 32)) })
            {
                yield return Case($"update-with-{name}-gives-einval", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    Expect.Errno(Errno.EINVAL, ctx.Backend.Update(m.Map, m.Key(1), Written(m.Map, 9), flags), "update of an existing element");
                    Expect.Errno(Errno.EINVAL, ctx.Backend.Update(m.Map, m.Key(2), Written(m.Map, 9), flags), "update of another element");
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
            }

            yield return Case("lookup-with-f-lock-and-1-gives-einval", (ctx, m) =>
            {
                m.Put(ctx, 1, 1);
                var read = Elements.PoisonedValue(m.Map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Lookup(m.Map, m.Key(1), read, Lock | BpfElementFlags.NoExist), "lookup");
                Expect.Bytes(Elements.PoisonedValue(m.Map), read, "the value buffer is untouched");
            });
            yield return Case("lookup-and-delete-with-f-lock-and-1-gives-einval", (ctx, m) =>
            {
                m.Put(ctx, 1, 1);
                var read = Elements.PoisonedValue(m.Map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(m.Map, m.Key(1), read, Lock | BpfElementFlags.NoExist), "lookup-and-delete");
                Expect.Bytes(Elements.PoisonedValue(m.Map), read, "the value buffer is untouched");
                m.ExpectHolds(ctx, "the map is unchanged");
            });

            // §1.4: with a lock, F_LOCK gets past its own check to the key copy.
            yield return Case("lookup-with-f-lock-and-a-null-key-gives-efault", (ctx, m) =>
                Expect.Errno(Errno.EFAULT, ctx.Backend.Lookup(m.Map, [], Elements.PoisonedValue(m.Map), Lock), "lookup"));
            yield return Case("update-with-f-lock-and-a-null-key-gives-efault", (ctx, m) =>
            {
                Expect.Errno(Errno.EFAULT, ctx.Backend.Update(m.Map, [], Written(m.Map, 1), Lock), "update");
                m.ExpectHolds(ctx, "the map is unchanged");
            });
            yield return Case("update-with-f-lock-and-a-null-value-gives-efault", (ctx, m) =>
            {
                Expect.Errno(Errno.EFAULT, ctx.Backend.Update(m.Map, m.Key(1), [], Lock), "update");
                m.ExpectHolds(ctx, "the map is unchanged");
            });

            // §9.2, §1.4: FREEZE of a map with a lock is ENOTSUPP, also through a read-only handle (before EPERM). Before
            // the special fields blocked it, a spin-lock map froze like any other, through any handle.
            var blocks = KernelChanges.SpinLockBlocksFreeze;
            yield return Case($"freeze-{Elements.Outcomes(blocks, OK, Errno.ENOTSUPP)}-and-the-map-stays-writable-or-is-frozen", (ctx, m) =>
            {
                Expect.Errno(ctx.Pick(blocks, OK, Errno.ENOTSUPP), ctx.Backend.Freeze(m.Map), "freeze");
                if (ctx.Since(blocks))
                {
                    m.Put(ctx, 1, 1, Lock);
                }
                else
                {
                    Expect.Errno(Errno.EPERM, ctx.Backend.Update(m.Map, m.Key(1), Written(m.Map, 1), Lock), "update of the frozen map");
                }

                m.ExpectHolds(ctx, "the map");
            });
            yield return new ConformanceCase($"spin-lock/{Maps.Slug(type)}/{Layout(lockOffset, size)}/freeze-through-an-rdonly-handle-{Elements.Outcomes(blocks, OK, Errno.ENOTSUPP)}", "§9.2", ctx =>
            {
                var map = ctx.CreateMap(Spec(type, lockOffset, size) with { Flags = Flags(type, BpfMapFlags.ReadOnly) });
                Expect.Errno(ctx.Pick(blocks, OK, Errno.ENOTSUPP), ctx.Backend.Freeze(map), "freeze");
                Expect.Errno(Errno.EPERM, ctx.Backend.Update(map, Elements.Key(map, 1), Written(map, 1), Lock), "update through the read-only handle");
            });

            // §9.2, §8.2, §8.5: UPDATE_BATCH and LOOKUP_BATCH take F_LOCK; lock bytes are ignored and read as zero.
            foreach (var (name, flags) in new[] { ("f-lock", Lock), ("plain", BpfElementFlags.Any) })
            {
                yield return Case($"{name}-update-batch-ignores-the-lock-bytes", (ctx, m) =>
                {
                    m.UpdateBatch(ctx, [(3, 3), (1, 1), (5, 5)], flags, OK);
                    m.ExpectHolds(ctx, "the map");
                });
                yield return Case($"{name}-lookup-batch-reads-the-lock-bytes-as-zero", (ctx, m) =>
                {
                    m.Put(ctx, 3, 3);
                    m.Put(ctx, 1, 1, Lock);
                    m.Put(ctx, 5, 5);
                    m.ExpectLookupBatch(ctx, andDelete: false, flags);
                });
            }

            yield return Case("update-batch-with-f-lock-and-noexist-gives-einval", (ctx, m) =>
            {
                m.UpdateBatch(ctx, [(1, 1), (2, 2)], Lock | BpfElementFlags.NoExist, Errno.EINVAL, expectedCount: 2);
                m.ExpectHolds(ctx, "the map is unchanged");
            });
            yield return Case("lookup-batch-with-f-lock-and-1-gives-einval", (ctx, m) =>
            {
                m.Put(ctx, 1, 1);
                Batch.Lookup(ctx, m.Map, false, null, m.Map.Spec.MaxEntries, elementFlags: Lock | BpfElementFlags.NoExist)
                    .ExpectUntouched(Errno.EINVAL, m.Map.Spec.MaxEntries);
            });

            if (hash)
            {
                yield return Case("f-lock-exist-on-an-absent-key-gives-enoent", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    Expect.Errno(Errno.ENOENT, ctx.Backend.Update(m.Map, m.Key(2), Written(m.Map, 2), Lock | BpfElementFlags.Exist), "update");
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
                yield return Case("f-lock-noexist-on-an-absent-key-inserts-it", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    m.Put(ctx, 2, 2, Lock | BpfElementFlags.NoExist);
                    m.ExpectHolds(ctx, "the map");
                });
                yield return Case("lookup-with-f-lock-of-an-absent-key-gives-enoent", (ctx, m) =>
                {
                    var read = Elements.PoisonedValue(m.Map);
                    Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(m.Map, m.Key(1), read, Lock), "lookup");
                    Expect.Bytes(Elements.PoisonedValue(m.Map), read, "the value buffer is untouched");
                });
                yield return Case("f-lock-on-a-new-key-of-a-full-map-gives-e2big-and-replaces-an-old-one", (ctx, m) =>
                {
                    foreach (var id in Enumerable.Range(1, 8))
                    {
                        m.Put(ctx, (uint)id, id);
                    }

                    Expect.Errno(Errno.E2BIG, ctx.Backend.Update(m.Map, m.Key(9), Written(m.Map, 9), Lock), "update of a new key");
                    m.Put(ctx, 4, 44, Lock);
                    m.ExpectHolds(ctx, "the map");
                });

                // §9.2, §11.1: LOOKUP_AND_DELETE_ELEM with F_LOCK returns the value with a zero lock and deletes it.
                foreach (var (name, flags) in new[] { ("f-lock", Lock), ("plain", BpfElementFlags.Any) })
                {
                    // Before the hash maps had LOOKUP_AND_DELETE_ELEM, it was ENOTSUPP, and any flag EINVAL.
                    var absent = flags == Lock ? Errno.EINVAL : Errno.ENOTSUPP;
                    yield return Case($"{name}-lookup-and-delete-reads-the-lock-as-zero-and-deletes", (ctx, m) =>
                    {
                        m.Put(ctx, 1, 1);
                        m.Put(ctx, 2, 2);
                        var read = Elements.PoisonedValue(m.Map);
                        Expect.Errno(OK, ctx.Backend.LookupAndDelete(m.Map, m.Key(1), read, flags), "lookup-and-delete");
                        Expect.Bytes(Read(m.Map, 1), read, "the value");
                        m.Forget(1);
                        m.ExpectHolds(ctx, "the map");
                    }).Until(KernelChanges.HashLookupAndDelete, Elements.Outcome(absent), ctx =>
                    {
                        var m = LockMap.Create(ctx, Spec(type, lockOffset, size));
                        m.Put(ctx, 1, 1);
                        var read = Elements.PoisonedValue(m.Map);
                        Expect.Errno(absent, ctx.Backend.LookupAndDelete(m.Map, m.Key(1), read, flags), "lookup-and-delete");
                        Expect.Bytes(Elements.PoisonedValue(m.Map), read, "the value buffer is untouched");
                        m.ExpectHolds(ctx, "the map is unchanged");
                    });
                    yield return Case($"{name}-lookup-and-delete-batch-reads-the-lock-bytes-as-zero-and-deletes", (ctx, m) =>
                    {
                        m.Put(ctx, 3, 3);
                        m.Put(ctx, 1, 1);
                        m.Put(ctx, 5, 5, Lock);
                        m.ExpectLookupBatch(ctx, andDelete: true, flags);
                        m.ExpectHolds(ctx, "the map is empty");
                    });
                    yield return Case($"{name}-delete-batch-deletes", (ctx, m) =>
                    {
                        m.Put(ctx, 1, 1);
                        m.Put(ctx, 2, 2);
                        m.Put(ctx, 3, 3);
                        var count = 2u;
                        Expect.Errno(OK, ctx.Backend.DeleteBatch(m.Map, Data.Concat(m.Key(3), m.Key(1)), ref count, flags), "delete batch");
                        Expect.Equal(2u, count, "count");
                        m.Forget(3);
                        m.Forget(1);
                        m.ExpectHolds(ctx, "the map");
                    });
                }

                yield return Case("lookup-and-delete-batch-with-f-lock-and-1-gives-einval", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    Batch.Lookup(ctx, m.Map, true, null, 8, elementFlags: Lock | BpfElementFlags.NoExist).ExpectUntouched(Errno.EINVAL, 8);
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
                yield return Case("delete-batch-with-f-lock-and-1-gives-einval", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    var count = 1u;
                    Expect.Errno(Errno.EINVAL, ctx.Backend.DeleteBatch(m.Map, m.Key(1), ref count, Lock | BpfElementFlags.NoExist), "delete batch");
                    Expect.Equal(1u, count, "count is untouched");
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
                yield return Case("delete-batch-with-f-lock-of-an-absent-key-gives-enoent", (ctx, m) =>
                {
                    m.Put(ctx, 1, 1);
                    m.Put(ctx, 2, 2);
                    var count = 3u;
                    Expect.Errno(Errno.ENOENT, ctx.Backend.DeleteBatch(m.Map, Data.Concat(m.Key(2), m.Key(7), m.Key(1)), ref count, Lock), "delete batch");
                    Expect.Equal(1u, count, "count");
                    m.Forget(2);
                    m.ExpectHolds(ctx, "the map");
                });
            }
            else
            {
                yield return Case("f-lock-on-an-index-past-the-end-gives-e2big", (ctx, m) =>
                {
                    Expect.Errno(Errno.E2BIG, ctx.Backend.Update(m.Map, Data.U32(8), Written(m.Map, 1), Lock), "update");
                    Expect.Errno(Errno.E2BIG, ctx.Backend.Update(m.Map, Data.U32(uint.MaxValue), Written(m.Map, 1), Lock | BpfElementFlags.NoExist), "update with NOEXIST");
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
                yield return Case("f-lock-noexist-on-an-unwritten-index-gives-eexist", (ctx, m) =>
                {
                    Expect.Errno(Errno.EEXIST, ctx.Backend.Update(m.Map, Data.U32(3), Written(m.Map, 1), Lock | BpfElementFlags.NoExist), "update");
                    m.ExpectHolds(ctx, "the map is unchanged");
                });
                yield return Case("lookup-with-f-lock-of-an-unwritten-index-reads-zeros", (ctx, m) =>
                {
                    var read = Elements.PoisonedValue(m.Map);
                    Expect.Errno(OK, ctx.Backend.Lookup(m.Map, Data.U32(5), read, Lock), "lookup");
                    Expect.Bytes(new byte[m.Map.Layout.ValueSize], read, "the value");
                });

                // §9.2, §8.1, §11.1: arrays have no lookup-and-delete and no delete batch, lock or not.
                foreach (var (name, flags) in new[] { ("f-lock", Lock), ("plain", BpfElementFlags.Any) })
                {
                    // Before LOOKUP_AND_DELETE_ELEM had a flags field, BPF_F_LOCK was a stray attr byte: EINVAL.
                    var hadFlags = KernelChanges.HashLookupAndDelete;
                    yield return Case(flags == Lock ? $"{name}-lookup-and-delete-{Elements.Outcomes(hadFlags, Errno.EINVAL, Errno.ENOTSUPP)}" : $"{name}-lookup-and-delete-gives-enotsupp", (ctx, m) =>
                    {
                        m.Put(ctx, 1, 1);
                        var read = Elements.PoisonedValue(m.Map);
                        var expected = flags == Lock ? ctx.Pick(hadFlags, Errno.EINVAL, Errno.ENOTSUPP) : Errno.ENOTSUPP;
                        Expect.Errno(expected, ctx.Backend.LookupAndDelete(m.Map, m.Key(1), read, flags), "lookup-and-delete");
                        Expect.Bytes(Elements.PoisonedValue(m.Map), read, "the value buffer is untouched");
                        m.ExpectHolds(ctx, "the map is unchanged");
                    });
                    yield return Case($"{name}-lookup-and-delete-batch-gives-enotsupp", (ctx, m) =>
                    {
                        m.Put(ctx, 1, 1);
                        Batch.Lookup(ctx, m.Map, true, null, 8, elementFlags: flags).ExpectUntouched(Errno.ENOTSUPP, 8);
                        m.ExpectHolds(ctx, "the map is unchanged");
                    });
                    yield return Case($"{name}-delete-batch-gives-enotsupp", (ctx, m) =>
                    {
                        m.Put(ctx, 1, 1);
                        var count = 1u;
                        Expect.Errno(Errno.ENOTSUPP, ctx.Backend.DeleteBatch(m.Map, m.Key(1), ref count, flags), "delete batch");
                        Expect.Equal(1u, count, "count is untouched");
                        m.ExpectHolds(ctx, "the map is unchanged");
                    });
                }
            }
        }
    }

    // §9.2: on HASH a BPF_F_LOCK update of an existing key stays where it is; a plain update moves it to the head of
    // its bucket (§5.1, §7.2). Three keys share one bucket of a ZERO_SEED map.
    private static IEnumerable<ConformanceCase> HashOnly()
    {
        foreach (var (lockOffset, size) in Layouts)
        {
            var prefix = $"spin-lock/hash/{Layout(lockOffset, size)}";
            foreach (var (name, flags, stays) in new[] { ("f-lock", Lock, true), ("f-lock-exist", Lock | BpfElementFlags.Exist, true), ("plain", BpfElementFlags.Any, false) })
            {
                yield return new ConformanceCase($"{prefix}/{name}-update-of-a-chained-key-{(stays ? "keeps-its-place" : "moves-it-to-the-bucket-head")}", "§9.2", ctx =>
                {
                    var spec = Spec(BpfMapType.Hash, lockOffset, size);
                    var m = LockMap.Create(ctx, spec);
                    var ids = Batch.IdsInBucket(spec, 2, 3);
                    m.Put(ctx, 30, 30);
                    foreach (var id in ids)
                    {
                        m.Put(ctx, id, (int)id);
                    }

                    m.Put(ctx, ids[0], 99, flags);
                    m.ExpectHolds(ctx, "the map, in iteration order");
                    m.ExpectLookupBatch(ctx, andDelete: false, BpfElementFlags.Any);
                });
                yield return new ConformanceCase($"{prefix}/{name}-update-batch-of-a-chained-key-{(stays ? "keeps-its-place" : "moves-it-to-the-bucket-head")}", "§9.2", ctx =>
                {
                    var spec = Spec(BpfMapType.Hash, lockOffset, size);
                    var m = LockMap.Create(ctx, spec);
                    var ids = Batch.IdsInBucket(spec, 5, 3);
                    foreach (var id in ids)
                    {
                        m.Put(ctx, id, (int)id);
                    }

                    if (flags == (Lock | BpfElementFlags.Exist))
                    {
                        // §8.2: UPDATE_BATCH takes no EXIST.
                        m.UpdateBatch(ctx, [(ids[1], 98), (ids[0], 99)], flags, Errno.EINVAL, expectedCount: 2);
                    }
                    else
                    {
                        m.UpdateBatch(ctx, [(ids[1], 98), (ids[0], 99)], flags, OK);
                    }

                    m.ExpectHolds(ctx, "the map, in iteration order");
                });
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // §9.2, §1.4, §8.2: a map with BTF but no lock refuses F_LOCK in every command that takes flags, and can be frozen
    // ----------------------------------------------------------------------------------------------------------------

    private static IEnumerable<ConformanceCase> WithoutLock()
    {
        foreach (var type in Batch.UpdatableTypes)
        {
            var isHash = type.IsHashFamily();
            var prefix = $"spin-lock/no-lock/{Maps.Slug(type)}";
            BpfMapHandle Fixture(ConformanceContext ctx)
            {
                var map = ctx.CreateMap(Maps.Spec(type, 8, 12) with { Btf = BpfMapBtf.WithoutSpinLock() });
                Batch.Insert(ctx, map, 1, 2);
                return map;
            }

            void Unchanged(ConformanceContext ctx, BpfMapHandle map)
            {
                foreach (var id in new uint[] { 1, 2 })
                {
                    var read = Elements.PoisonedValue(map);
                    Expect.Errno(OK, ctx.Backend.Lookup(map, Batch.Key(map, id), read), $"lookup of key {id}");
                    Expect.Bytes(Batch.Stored(ctx, map, id), read, $"key {id} still holds its value");
                }
            }

            yield return new ConformanceCase($"{prefix}/lookup-with-f-lock-gives-einval", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                var read = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Lookup(map, Batch.Key(map, 1), read, Lock), "lookup");
                Expect.Bytes(Elements.PoisonedValue(map), read, "the value buffer is untouched");
            });
            yield return new ConformanceCase($"{prefix}/update-with-f-lock-gives-einval", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Update(map, Batch.Key(map, 1), Batch.OtherValue(map, 1), Lock), "update");
                Unchanged(ctx, map);
            });
            yield return new ConformanceCase($"{prefix}/lookup-and-delete-with-f-lock-gives-einval", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                var read = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, Batch.Key(map, 1), read, Lock), "lookup-and-delete");
                Expect.Bytes(Elements.PoisonedValue(map), read, "the value buffer is untouched");
                Unchanged(ctx, map);
            });
            yield return BatchSupportMatrix.ByKernel(new ConformanceCase($"{prefix}/lookup-batch-with-f-lock-gives-einval", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                Batch.Lookup(ctx, map, false, null, 8, elementFlags: Lock).ExpectUntouched(Errno.EINVAL, 8);
            }), BatchCommand.Lookup);

            // §1.4: an array has no lookup-and-delete batch or delete batch at all (ENOTSUPP before any flag check).
            yield return new ConformanceCase($"{prefix}/lookup-and-delete-batch-with-f-lock-{Elements.Outcome(isHash ? Errno.EINVAL : Errno.ENOTSUPP)}", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                Batch.Lookup(ctx, map, true, null, 8, elementFlags: Lock).ExpectUntouched(isHash ? Errno.EINVAL : Errno.ENOTSUPP, 8);
                Unchanged(ctx, map);
            });
            yield return BatchSupportMatrix.ByKernel(new ConformanceCase($"{prefix}/update-batch-with-f-lock-gives-einval", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                var count = 2u;
                Expect.Errno(Errno.EINVAL, ctx.Backend.UpdateBatch(map, Data.Keys(map, 1, 2), Data.Concat(Batch.OtherValue(map, 1), Batch.OtherValue(map, 2)), ref count, Lock), "update batch");
                Expect.Equal(2u, count, "count is untouched");
                Unchanged(ctx, map);
            }), BatchCommand.Update);
            yield return new ConformanceCase($"{prefix}/delete-batch-with-f-lock-{Elements.Outcome(isHash ? Errno.EINVAL : Errno.ENOTSUPP)}", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                var count = 2u;
                Expect.Errno(isHash ? Errno.EINVAL : Errno.ENOTSUPP, ctx.Backend.DeleteBatch(map, Data.Keys(map, 1, 2), ref count, Lock), "delete batch");
                Expect.Equal(2u, count, "count is untouched");
                Unchanged(ctx, map);
            });
            yield return new ConformanceCase($"{prefix}/freeze-succeeds", "§9.2", ctx =>
            {
                var map = Fixture(ctx);
                Expect.Errno(OK, ctx.Backend.Freeze(map), "freeze");
                Expect.Errno(Errno.EPERM, ctx.Backend.Update(map, Batch.Key(map, 1), Batch.OtherValue(map, 1)), "update of the frozen map");
                Unchanged(ctx, map);
            });
        }
    }

    /// <summary>
    /// A spin-lock map of HASH (ZERO_SEED) or ARRAY and what it should hold: each key's seed, and for hash maps the
    /// iteration order predicted by <see cref="HashOrderModel"/>.
    /// </summary>
    private sealed class LockMap
    {
        private readonly Dictionary<uint, int> _seeds = [];
        private readonly HashOrderModel? _order;

        private LockMap(BpfMapHandle map)
        {
            Map = map;
            _order = map.Spec.Type == BpfMapType.Hash ? new HashOrderModel(map.Spec) : null;
        }

        public BpfMapHandle Map { get; }

        public static LockMap Create(ConformanceContext ctx, BpfMapSpec spec) => new(ctx.CreateMap(spec));

        public byte[] Key(uint id) => Elements.Key(Map, id);

        /// <summary>Updates <paramref name="id"/> with <see cref="Written"/>; the update must succeed.</summary>
        public void Put(ConformanceContext ctx, uint id, int seed, BpfElementFlags flags = BpfElementFlags.Any)
        {
            Expect.Errno(OK, ctx.Backend.Update(Map, Key(id), Written(Map, seed), flags), $"update of key {id} with flags {flags}");
            Track(id, seed, flags);
        }

        /// <summary>
        /// UPDATE_BATCH of <paramref name="entries"/>; with success they are tracked. <paramref name="expectedCount"/>
        /// is the count the call leaves (by default all of them).
        /// </summary>
        public void UpdateBatch(ConformanceContext ctx, (uint Id, int Seed)[] entries, BpfElementFlags flags, Errno expected, uint? expectedCount = null)
        {
            var keys = Data.Concat([.. entries.Select(e => Key(e.Id))]);
            var values = Data.Concat([.. entries.Select(e => Written(Map, e.Seed))]);
            var count = (uint)entries.Length;
            Expect.Errno(expected, ctx.Backend.UpdateBatch(Map, keys, values, ref count, flags), "update batch");
            Expect.Equal(expectedCount ?? (uint)entries.Length, count, "count");
            if (expected == OK)
            {
                foreach (var (id, seed) in entries)
                {
                    Track(id, seed, flags);
                }
            }
        }

        public void Forget(uint id)
        {
            _seeds.Remove(id);
            _order?.Delete(Key(id));
        }

        /// <summary>Every element as the map should hold it, in iteration order (arrays: every index, unwritten ones zero).</summary>
        public List<(byte[] Key, byte[] Value)> Expected()
        {
            if (_order is null)
            {
                return [.. Enumerable.Range(0, (int)Map.Spec.MaxEntries).Select(i =>
                    (Data.U32((uint)i), _seeds.TryGetValue((uint)i, out var seed) ? Read(Map, seed) : new byte[Map.Layout.ValueSize]))];
            }

            var ids = _seeds.Keys.ToDictionary(id => Data.Hex(Key(id)));
            return [.. _order.Order.Select(k => (k, Read(Map, _seeds[ids[Data.Hex(k)]])))];
        }

        /// <summary>The map holds exactly <see cref="Expected"/>, in order (GET_NEXT_KEY and plain LOOKUP_ELEM).</summary>
        public void ExpectHolds(ConformanceContext ctx, string step) => Batch.ExpectMap(ctx, Map, Expected(), step);

        /// <summary>
        /// One LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) over the whole map with <paramref name="flags"/>: every element,
        /// lock bytes zero, exact count, errno and out_batch (§8.3, §8.4).
        /// </summary>
        public void ExpectLookupBatch(ConformanceContext ctx, bool andDelete, BpfElementFlags flags)
        {
            var expected = Expected();
            var max = Map.Spec.MaxEntries;
            var call = Batch.Lookup(ctx, Map, andDelete, null, max, elementFlags: flags);
            if (_order is null)
            {
                // §8.4: exactly max_entries elements: success, out_batch the last index.
                call.Expect(OK, max, max - 1, [.. expected.Select(e => e.Key)], [.. expected.Select(e => e.Value)]);
                return;
            }

            // §8.3: the whole table fits: ENOENT with every element, out_batch n_buckets.
            call.Expect(Errno.ENOENT, (uint)expected.Count, Jhash.BucketCount(max), [.. expected.Select(e => e.Key)], [.. expected.Select(e => e.Value)]);
            if (andDelete)
            {
                foreach (var id in _seeds.Keys.ToList())
                {
                    Forget(id);
                }
            }
        }

        // A new key goes to the head of its bucket, and so does a plain replacement of HASH; F_LOCK replaces in place (§9.2).
        private void Track(uint id, int seed, BpfElementFlags flags)
        {
            var exists = _seeds.ContainsKey(id);
            _seeds[id] = seed;
            if (_order is not null && !(exists && (flags & Lock) != 0))
            {
                _order.Update(Key(id), BpfElementFlags.Any);
            }
        }
    }
}
