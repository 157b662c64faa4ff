using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.Lockstep;

/// <summary>
/// A family of map specs the lockstep runner generates: which types, and which create flags. Each family says how
/// its order-dependent results are compared (reference §7.2) and whether LRU eviction is involved (§12).
/// </summary>
public sealed class MapFamily
{
    private readonly Func<Gen<BpfMapSpec>> _specs;

    private MapFamily(string name, string description, IReadOnlyList<BpfMapType> types, Func<Gen<BpfMapSpec>> specs)
    {
        Name = name;
        Description = description;
        Types = types;
        _specs = specs;
    }

    /// <summary>HASH and PERCPU_HASH with BPF_F_ZERO_SEED (± NO_PREALLOC): every order-dependent result compared exactly.</summary>
    public static MapFamily ZeroSeedHash { get; } = new(
        "zero-seed-hash", "HASH and PERCPU_HASH with BPF_F_ZERO_SEED, order compared exactly",
        [BpfMapType.Hash, BpfMapType.PerCpuHash],
        () => Specs([BpfMapType.Hash, BpfMapType.PerCpuHash], Gen.Elements(BpfMapFlags.ZeroSeed, BpfMapFlags.ZeroSeed | BpfMapFlags.NoPrealloc)));

    /// <summary>
    /// LRU_HASH and LRU_PERCPU_HASH with BPF_F_ZERO_SEED (± NO_COMMON_LRU): exact, eviction included, which needs the
    /// reference to run pinned to the CPU the simulator runs on, switched only by <see cref="SwitchCpuOp"/> steps (§12.1).
    /// </summary>
    public static MapFamily LruZeroSeed { get; } = new(
        "lru-zero-seed", "LRU_HASH and LRU_PERCPU_HASH with BPF_F_ZERO_SEED, on pinned CPUs switched by steps, eviction and order compared exactly",
        [BpfMapType.LruHash, BpfMapType.LruPerCpuHash],
        () => Specs([BpfMapType.LruHash, BpfMapType.LruPerCpuHash], Gen.Elements(BpfMapFlags.ZeroSeed, BpfMapFlags.ZeroSeed | BpfMapFlags.NoCommonLru)));

    /// <summary>The four hash types with a random hash seed: walks compared as sets, everything else exactly (§7.2).</summary>
    public static MapFamily RandomSeedHash { get; } = new(
        "random-seed-hash", "HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH with a random hash seed, order compared as sets",
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash],
        () => Gen.OneOf(
            Specs([BpfMapType.Hash, BpfMapType.PerCpuHash], Gen.Elements(BpfMapFlags.None, BpfMapFlags.NoPrealloc)),
            Specs([BpfMapType.LruHash, BpfMapType.LruPerCpuHash], Gen.Elements(BpfMapFlags.None, BpfMapFlags.NoCommonLru))));

    /// <summary>ARRAY and PERCPU_ARRAY: indexes at and past the bounds, exact.</summary>
    public static MapFamily Arrays { get; } = new(
        "arrays", "ARRAY and PERCPU_ARRAY, exact",
        [BpfMapType.Array, BpfMapType.PerCpuArray],
        () => Specs([BpfMapType.Array, BpfMapType.PerCpuArray], Gen.Constant(BpfMapFlags.None)));

    /// <summary>QUEUE and STACK: push, peek, pop, exact.</summary>
    public static MapFamily QueuesAndStacks { get; } = new(
        "queues-and-stacks", "QUEUE and STACK, exact",
        [BpfMapType.Queue, BpfMapType.Stack],
        () => Specs([BpfMapType.Queue, BpfMapType.Stack], Gen.Constant(BpfMapFlags.None)));

    /// <summary>
    /// HASH (BPF_F_ZERO_SEED, ± NO_PREALLOC) and ARRAY whose value holds a bpf_spin_lock, described by BTF: BPF_F_LOCK is
    /// a valid flag there, lock bytes read back as zero, F_LOCK updates stay in place (§9.2); rarely a BTF the create
    /// refuses (§9.1). Exact.
    /// </summary>
    public static MapFamily SpinLock { get; } = new(
        "spin-lock", "HASH with BPF_F_ZERO_SEED and ARRAY with a bpf_spin_lock in the value, exact",
        [BpfMapType.Hash, BpfMapType.Array],
        () => SpinLockSpecs());

    /// <summary>Every family.</summary>
    public static IReadOnlyList<MapFamily> All { get; } = [ZeroSeedHash, LruZeroSeed, RandomSeedHash, Arrays, QueuesAndStacks, SpinLock];

    /// <summary>A short name.</summary>
    public string Name { get; }

    /// <summary>What the family covers and how it is compared.</summary>
    public string Description { get; }

    /// <summary>The map types of the family.</summary>
    public IReadOnlyList<BpfMapType> Types { get; }

    /// <summary>The family with the given <see cref="Name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No family has that name.</exception>
    public static MapFamily Named(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException(
            $"No map family is named '{name}'; the families are {string.Join(", ", All.Select(f => f.Name))}.");

    /// <summary>Specs of the family: mostly valid ones, some with access flags, a few that the create must refuse.</summary>
    public Gen<BpfMapSpec> Specs() => _specs();

    /// <inheritdoc />
    public override string ToString() => Name;

    // Sizes that fill maps and make buckets collide (max_entries 1 to 64), odd key and value sizes; then, rarely, a
    // read-only or write-only handle (§10), or a flag or size the create refuses (§3).
    private static Gen<BpfMapSpec> Specs(BpfMapType[] types, Gen<BpfMapFlags> flags) =>
        from type in Gen.Elements(types)
        from keySize in KeySize(type)
        from valueSize in Gen.Frequency((50, Gen.Elements(1u, 3u, 12u, 13u)), (50, Gen.Choose(1, 64).Select(v => (uint)v)))
        from maxEntries in Gen.Frequency((40, Gen.Choose(1, 8)), (60, Gen.Choose(1, 64)))
        from f in flags
        let spec = new BpfMapSpec(type, keySize, valueSize, (uint)maxEntries) { Flags = f }
        from edited in Gen.Frequency(
            (91, Gen.Constant(spec)),
            (4, Gen.Elements(BpfMapFlags.ReadOnly, BpfMapFlags.WriteOnly).Select(access => spec with { Flags = spec.Flags | access })),
            (5, CreateEdges(spec)))
        select edited;

    // A lock at a 4-aligned offset inside a value of 4 to 64 bytes; then, rarely, a BTF or flag the create refuses
    // (§9.1): no lock, a misaligned lock (EFAULT), a lock at the end (EINVAL), two locks (E2BIG), no key type, a value
    // type that does not exist, a struct larger than value_size, a *_PROG flag (EACCES), a per-CPU or LRU type (EOPNOTSUPP).
    private static Gen<BpfMapSpec> SpinLockSpecs() =>
        from type in Gen.Elements(BpfMapType.Hash, BpfMapType.Array)
        from keySize in KeySize(type)
        from valueSize in Gen.Frequency((50, Gen.Elements(4u, 8u, 12u, 16u)), (50, Gen.Choose(4, 64).Select(v => (uint)v)))
        from maxEntries in Gen.Frequency((40, Gen.Choose(1, 8)), (60, Gen.Choose(1, 64)))
        from flags in type == BpfMapType.Hash
            ? Gen.Elements(BpfMapFlags.ZeroSeed, BpfMapFlags.ZeroSeed | BpfMapFlags.NoPrealloc)
            : Gen.Constant(BpfMapFlags.None)
        from lockSlot in Gen.Choose(0, (int)(valueSize - 4) / 4)
        let lockOffset = 4 * (uint)lockSlot
        let spec = new BpfMapSpec(type, keySize, valueSize, (uint)maxEntries) { Flags = flags, Btf = BpfMapBtf.SpinLockAt(lockOffset) }
        from edited in Gen.Frequency(
            (88, Gen.Constant(spec)),
            (4, Gen.Elements(BpfMapFlags.ReadOnly, BpfMapFlags.WriteOnly).Select(access => spec with { Flags = spec.Flags | access })),
            (8, Gen.Elements(
                spec with { Btf = BpfMapBtf.WithoutSpinLock() },
                spec with { Btf = BpfMapBtf.SpinLockAt(lockOffset + 1) },
                spec with { Btf = BpfMapBtf.SpinLockAt(valueSize) },
                spec with { Btf = new BpfMapBtf { SpinLockOffsets = [0, 4] } },
                spec with { Btf = spec.Btf! with { Key = BpfBtfKey.None } },
                spec with { Btf = spec.Btf! with { Value = BpfBtfValue.Nonexistent } },
                spec with { Btf = spec.Btf! with { ValueStructSize = valueSize + 4 } },
                spec with { Flags = spec.Flags | BpfMapFlags.ReadOnlyProg },
                spec with { Type = BpfMapType.PerCpuHash },
                spec with { Type = BpfMapType.LruHash, Flags = BpfMapFlags.ZeroSeed })))
        select edited;

    private static Gen<uint> KeySize(BpfMapType type) => type switch
    {
        _ when type.IsArrayFamily() => Gen.Constant(4u),
        _ when type.IsQueueOrStack() => Gen.Constant(0u),
        _ => Gen.Frequency((30, Gen.Elements(1u, 2u, 3u, 4u, 5u, 7u, 8u, 12u, 13u, 16u)), (70, Gen.Choose(1, 64).Select(k => (uint)k))),
    };

    // Specs the create refuses for some types (§3.1, §3.2): the two backends must refuse them alike.
    private static Gen<BpfMapSpec> CreateEdges(BpfMapSpec spec) => Gen.Elements(
        spec with { Flags = spec.Flags | BpfMapFlags.NoPrealloc },
        spec with { Flags = spec.Flags | BpfMapFlags.NoCommonLru },
        spec with { Flags = spec.Flags | BpfMapFlags.ZeroSeed },
        spec with { Flags = spec.Flags | BpfMapFlags.Mmapable },
        spec with { Flags = spec.Flags | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly },
        spec with { Flags = spec.Flags | BpfMapFlags.StackBuildId },
        spec with { Flags = spec.Flags | (BpfMapFlags)(1u << 31) },
        spec with { MaxEntries = 0 },
        spec with { ValueSize = 0 },
        spec with { KeySize = spec.Type.IsHashFamily() ? 0u : 8u });
}
