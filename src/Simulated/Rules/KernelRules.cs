using System.Buffers.Binary;
using BpfMaps.Simulated.FileSystem;
using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated.Rules;

/// <summary>
/// Every errno the simulator returns is decided here, and nowhere else: the create checks, the per-command check
/// pipelines of <c>syscall.c</c> (reference §1.4), and small named decisions that the map models ask for
/// (<c>hashtab.c</c>, <c>arraymap.c</c>, <c>queue_stack_maps.c</c>). Each rule cites the reference section it follows.
/// The first failing step of a pipeline decides the errno, as in the kernel.
/// </summary>
/// <remarks>
/// What the contract cannot express is skipped without comment in each pipeline: stray attr bytes (§1.2) and bad
/// descriptors (§1.3) cannot be sent through <see cref="IBpfMapBackend"/>, and a closed handle throws before a command
/// reaches the simulator.
/// </remarks>
internal static partial class KernelRules
{
    // ------------------------------------------------------------------------------------------------------------
    // BPF_MAP_CREATE (§3)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The whole BPF_MAP_CREATE check order (§3.4): map_extra, access flags, NUMA node, map type, the type's
    /// alloc_check (flags, then sizes), allocation (E2BIG, ENOMEM), name.
    /// </summary>
    /// <param name="spec">What was asked for.</param>
    /// <param name="machine">The simulated machine (CPUs, memory).</param>
    /// <param name="effectiveMaxEntries">max_entries as the map will hold it (rounded for BPF_F_NO_COMMON_LRU, §3.1).</param>
    /// <exception cref="NotSupportedException">A map type the kernel knows but the simulator does not model.</exception>
    public static Errno CreateMap(BpfMapSpec spec, SimulatedMachine machine, out uint effectiveMaxEntries)
    {
        effectiveMaxEntries = spec.MaxEntries;
        var type = (uint)spec.Type;

        // §9.1: the spec's BTF is loaded (BPF_BTF_LOAD) before anything is created; §3.3, §3.4: the type ids are the
        // first thing BPF_MAP_CREATE checks.
        var kernel = machine.Kernel;
        var btfErrno = spec.Btf is { } btf ? LoadBtf(spec, btf, kernel) : Errno.None;
        btfErrno = btfErrno != Errno.None ? btfErrno : BtfTypeIds(spec);
        if (btfErrno != Errno.None)
        {
            return btfErrno;
        }

        // §3.3: map_extra belongs to bloom filters and arenas only; it is checked before the access flags (§3.4).
        if (spec.MapExtra != 0 && type is not (KernelLimits.BloomFilterMapType or KernelLimits.ArenaMapType))
        {
            return Errno.EINVAL;
        }

        // §3.2: RDONLY|WRONLY is refused before any type-specific check (or, on newer kernels, last).
        if (!kernel.AccessFlagsCheckedLast && BothAccessFlags(spec))
        {
            return Errno.EINVAL;
        }

        // §3.2, §3.4: with BPF_F_NUMA_NODE the node must exist and be online, whatever the map type.
        var numaNode = NumaNodeOf(spec);
        if (numaNode != KernelLimits.NoNumaNode && numaNode >= KernelLimits.NumaNodeCount)
        {
            return Errno.EINVAL;
        }

        // §3.3: map_type 0 and numbers the kernel does not know.
        if (type == 0 || type > KernelLimits.HighestKnownMapType)
        {
            return Errno.EINVAL;
        }

        // syscall.c:map_create strips BPF_F_TOKEN_FD before the type checks see the flags.
        var typeFlags = spec.Flags & ~KernelLimits.TokenFd;
        var errno = spec.Type switch
        {
            _ when spec.Type.IsHashFamily() => HashAllocCheck(spec, typeFlags, numaNode, kernel),
            _ when spec.Type.IsArrayFamily() => ArrayAllocCheck(spec, typeFlags, numaNode, kernel),
            _ when spec.Type.IsQueueOrStack() => QueueStackAllocCheck(spec, typeFlags),
            _ => throw new NotSupportedException(
                $"BPF map type {type} exists in the kernel but the simulator does not model it; it models HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH, QUEUE and STACK."),
        };
        if (errno != Errno.None)
        {
            return errno;
        }

        // syscall.c:map_create: BPF_F_TOKEN_FD makes the kernel resolve map_token_fd, which a BpfMapSpec leaves at 0,
        // and descriptor 0 is not a BPF token.
        if ((spec.Flags & KernelLimits.TokenFd) != 0)
        {
            return Errno.EINVAL;
        }

        // §3.4: allocation comes after the type checks, and before the name is looked at.
        errno = spec.Type switch
        {
            _ when spec.Type.IsHashFamily() => HashAlloc(spec, typeFlags, machine, out effectiveMaxEntries),
            _ when spec.Type.IsArrayFamily() => Allocate(ArrayBytes(spec, typeFlags, machine), PerCpuSlotFits(spec), machine),
            _ when kernel.QueueStackElementsBelow4GiB && ((UInt128)spec.MaxEntries + 1) * spec.ValueSize > uint.MaxValue => Errno.E2BIG,
            _ => Allocate(QueueStackBytes(spec), slotFits: true, machine),
        };
        if (errno != Errno.None)
        {
            return errno;
        }

        // §3.3, §3.4: the name is copied, then the BTF is checked against the map.
        errno = MapName(spec);
        errno = errno != Errno.None ? errno : MapCheckBtf(spec, kernel);
        return errno == Errno.None && kernel.AccessFlagsCheckedLast && BothAccessFlags(spec) ? Errno.EINVAL : errno;
    }

    // §3.2: the descriptor cannot be both read-only and write-only.
    private static bool BothAccessFlags(BpfMapSpec spec) =>
        (spec.Flags & BpfMapFlags.ReadOnly) != 0 && (spec.Flags & BpfMapFlags.WriteOnly) != 0;

    /// <summary>n_buckets of a hash map: roundup_pow_of_two(effective max_entries) (§3.1, §7.2).</summary>
    public static uint HashBucketCount(uint effectiveMaxEntries) => Jhash.BucketCount(effectiveMaxEntries);

    private static uint NumaNodeOf(BpfMapSpec spec) =>
        (spec.Flags & BpfMapFlags.NumaNode) != 0 ? spec.NumaNode : KernelLimits.NoNumaNode; // §3.2: ignored without the flag

    // bpf_map_flags_access_ok: programs cannot be both read-only and write-only (§3.2).
    private static bool ProgramAccessOk(BpfMapFlags flags) =>
        (flags & BpfMapFlags.ReadOnlyProg) == 0 || (flags & BpfMapFlags.WriteOnlyProg) == 0;

    // hashtab.c:htab_map_alloc_check, in its order: flags, then sizes (§3.1, §3.2, §3.4).
    private static Errno HashAllocCheck(BpfMapSpec spec, BpfMapFlags flags, uint numaNode, KernelProfile kernel)
    {
        var lru = spec.Type.IsLru();
        var perCpu = spec.Type.IsPerCpu();
        var preallocated = (flags & BpfMapFlags.NoPrealloc) == 0;
        var perCpuLru = (flags & BpfMapFlags.NoCommonLru) != 0;

        // §3.2: unknown bits and RDONLY_PROG|WRONLY_PROG.
        if ((flags & ~KernelLimits.HashCreateFlags) != 0 || !ProgramAccessOk(flags))
        {
            return Errno.EINVAL;
        }

        // §3.2: BPF_F_NO_COMMON_LRU is for LRU maps only.
        if (!lru && perCpuLru)
        {
            return Errno.EINVAL;
        }

        // §3.2, §3.4: LRU maps are always preallocated; ENOTSUPP comes before any size check.
        if (lru && !preallocated)
        {
            return Errno.ENOTSUPP;
        }

        // §3.2: per-CPU values and per-CPU LRU lists cannot be placed on a NUMA node.
        if (numaNode != KernelLimits.NoNumaNode && (perCpu || perCpuLru))
        {
            return Errno.EINVAL;
        }

        // §3.1: zero sizes.
        if (spec.MaxEntries == 0 || spec.KeySize == 0 || spec.ValueSize == 0)
        {
            return Errno.EINVAL;
        }

        if (kernel.HashKeysLongerThanStack)
        {
            // §3.1: key + value must fit one kmalloc'ed element.
            if ((ulong)spec.KeySize + spec.ValueSize >= KernelLimits.KmallocMaxSize - KernelLimits.HashElementHeaderSize)
            {
                return Errno.E2BIG;
            }
        }
        else if (spec.KeySize > KernelLimits.MaxBpfStack
            || spec.ValueSize >= KernelLimits.KmallocMaxSize - KernelLimits.MaxBpfStack - KernelLimits.HashElementHeaderSize)
        {
            // Programs built keys on their stack, so a key was at most MAX_BPF_STACK bytes, and the value was bounded
            // alone (docs/kernels.md).
            return Errno.E2BIG;
        }

        // §3.1: a per-CPU value slot is bounded by PCPU_MIN_UNIT_SIZE (before the check, the allocation failed).
        return perCpu && !PerCpuSlotFits(spec) && kernel.PerCpuValueLimitChecked ? Errno.E2BIG : Errno.None;
    }

    // hashtab.c:htab_map_alloc (§3.1).
    private static Errno HashAlloc(BpfMapSpec spec, BpfMapFlags flags, SimulatedMachine machine, out uint effectiveMaxEntries)
    {
        effectiveMaxEntries = spec.MaxEntries;
        if ((flags & BpfMapFlags.NoCommonLru) != 0)
        {
            // §3.1: each CPU's LRU list gets the same number of nodes: round up to a multiple of ncpus, in u32
            // arithmetic, and down when that wraps.
            var cpus = (uint)machine.PossibleCpus;
            var roundedUp = unchecked((spec.MaxEntries + (cpus - 1)) / cpus * cpus);
            effectiveMaxEntries = roundedUp >= spec.MaxEntries ? roundedUp : spec.MaxEntries / cpus * cpus;
        }

        // §3.1: max_entries above 2^31 would overflow roundup_pow_of_two.
        if (effectiveMaxEntries > KernelLimits.HashMaxEntriesLimit)
        {
            return Errno.E2BIG;
        }

        // §3.1: the bucket array (16 bytes per bucket) must stay below 4 GiB: max_entries ≤ 2^27.
        var buckets = (ulong)Jhash.BucketCount(effectiveMaxEntries);
        if (buckets > uint.MaxValue / KernelLimits.HashBucketSize)
        {
            return Errno.E2BIG;
        }

        // Without the PCPU_MIN_UNIT_SIZE check, a preallocated per-CPU map failed to allocate its values.
        var slotFits = (flags & BpfMapFlags.NoPrealloc) != 0 || PerCpuSlotFits(spec);
        return Allocate(HashBytes(spec, flags, machine, effectiveMaxEntries, buckets), slotFits, machine);
    }

    // arraymap.c:array_map_alloc_check (§3.1, §3.2).
    private static Errno ArrayAllocCheck(BpfMapSpec spec, BpfMapFlags flags, uint numaNode, KernelProfile kernel)
    {
        var perCpu = spec.Type == BpfMapType.PerCpuArray;

        // §3.1, §3.2: sizes, unknown bits and NUMA placement of per-CPU values, all EINVAL in one test.
        if (spec.MaxEntries == 0 || spec.KeySize != 4 || spec.ValueSize == 0
            || (flags & ~KernelLimits.ArrayCreateFlags) != 0 || !ProgramAccessOk(flags)
            || (perCpu && numaNode != KernelLimits.NoNumaNode))
        {
            return Errno.EINVAL;
        }

        // §3.2: MMAPABLE and INNER_MAP are for ARRAY only.
        if (spec.Type != BpfMapType.Array && (flags & (BpfMapFlags.Mmapable | BpfMapFlags.InnerMap)) != 0)
        {
            return Errno.EINVAL;
        }

        // §3.2: PRESERVE_ELEMS is for perf event arrays only.
        if ((flags & BpfMapFlags.PreserveElems) != 0)
        {
            return Errno.EINVAL;
        }

        // §3.1: value_size above INT_MAX would overflow round_up; before 6.0 the limit was KMALLOC_MAX_SIZE.
        if (spec.ValueSize > (kernel.ArrayValuesBeyondKmalloc ? int.MaxValue : KernelLimits.KmallocMaxSize))
        {
            return Errno.E2BIG;
        }

        // §3.1: a per-CPU value slot is bounded by PCPU_MIN_UNIT_SIZE (before the check, the allocation failed).
        return perCpu && !PerCpuSlotFits(spec) && kernel.PerCpuValueLimitChecked ? Errno.E2BIG : Errno.None;
    }

    // A per-CPU value slot the percpu allocator can give: PCPU_MIN_UNIT_SIZE at most (§3.1); other maps have none.
    private static bool PerCpuSlotFits(BpfMapSpec spec) =>
        !spec.Type.IsPerCpu() || BpfMapLayout.RoundUpTo8(spec.ValueSize) <= KernelLimits.PerCpuMinUnitSize;

    // queue_stack_maps.c:queue_stack_map_alloc_check (§3.1, §3.2).
    private static Errno QueueStackAllocCheck(BpfMapSpec spec, BpfMapFlags flags)
    {
        // §3.1, §3.2: sizes (no keys at all) and flags, all EINVAL in one test.
        if (spec.MaxEntries == 0 || spec.KeySize != 0 || spec.ValueSize == 0
            || (flags & ~KernelLimits.QueueStackCreateFlags) != 0 || !ProgramAccessOk(flags))
        {
            return Errno.EINVAL;
        }

        // §3.1: user space could not read a larger value.
        return spec.ValueSize > KernelLimits.KmallocMaxSize ? Errno.E2BIG : Errno.None;
    }

    // What htab_map_alloc allocates up front: the buckets, and with preallocation every element (one spare per CPU
    // for non-LRU, non-per-CPU maps) and its per-CPU value.
    private static UInt128 HashBytes(BpfMapSpec spec, BpfMapFlags flags, SimulatedMachine machine, uint maxEntries, ulong buckets)
    {
        UInt128 bytes = (UInt128)buckets * KernelLimits.HashBucketSize;
        if ((flags & BpfMapFlags.NoPrealloc) != 0)
        {
            return bytes;
        }

        var perCpu = spec.Type.IsPerCpu();
        var slot = BpfMapLayout.RoundUpTo8(spec.ValueSize);
        var elements = (UInt128)maxEntries + (perCpu || spec.Type.IsLru() ? 0UL : (ulong)machine.PossibleCpus);
        var elementSize = KernelLimits.HashElementHeaderSize + BpfMapLayout.RoundUpTo8(spec.KeySize) + (perCpu ? sizeof(ulong) : slot);
        bytes += elements * elementSize;
        if (perCpu)
        {
            bytes += elements * slot * (ulong)machine.PossibleCpus;
        }

        return bytes;
    }

    // What array_map_alloc allocates: every value (page-aligned for mmapable arrays), or per-CPU pointers and slots.
    private static UInt128 ArrayBytes(BpfMapSpec spec, BpfMapFlags flags, SimulatedMachine machine)
    {
        var slot = BpfMapLayout.RoundUpTo8(spec.ValueSize);
        if (spec.Type == BpfMapType.PerCpuArray)
        {
            return ((UInt128)spec.MaxEntries * sizeof(ulong)) + ((UInt128)spec.MaxEntries * slot * (ulong)machine.PossibleCpus);
        }

        UInt128 values = (UInt128)spec.MaxEntries * slot;
        if ((flags & BpfMapFlags.Mmapable) != 0)
        {
            values = (values + KernelLimits.PageSize - 1) / KernelLimits.PageSize * KernelLimits.PageSize;
        }

        return values;
    }

    // queue_stack_map_alloc: max_entries + 1 value slots in a ring.
    private static UInt128 QueueStackBytes(BpfMapSpec spec) => ((UInt128)spec.MaxEntries + 1) * spec.ValueSize;

    // §3.1: a map that needs more memory than the machine has fails fast with ENOMEM (never E2BIG), and so does a
    // per-CPU slot the percpu allocator cannot give. Before maps were charged to the memory cgroup, the charge to
    // RLIMIT_MEMLOCK (bpf_map_charge_init) came first and refused 4 GiB or more with E2BIG.
    private static Errno Allocate(UInt128 bytes, bool slotFits, SimulatedMachine machine)
    {
        if (!machine.Kernel.MapsChargedToMemcg && bytes >= KernelLimits.MemlockChargeLimit)
        {
            return Errno.E2BIG;
        }

        return bytes > machine.MemoryLimitBytes || !slotFits ? Errno.ENOMEM : Errno.None;
    }

    // syscall.c:bpf_obj_name_cpy (§3.3): [A-Za-z0-9_.] up to a NUL that must come within the 16-byte field.
    private static Errno MapName(BpfMapSpec spec)
    {
        Span<byte> field = stackalloc byte[BpfMapSpec.NameFieldSize];
        spec.WriteNameField(field);
        foreach (var b in field)
        {
            if (b == 0)
            {
                return Errno.None;
            }

            if (!IsKernelAlphanumeric(b) && b != (byte)'_' && b != (byte)'.')
            {
                return Errno.EINVAL;
            }
        }

        // §3.3: 16 bytes without a NUL.
        return Errno.EINVAL;
    }

    // The kernel's isalnum() (lib/ctype.c) classifies Latin-1 letters as alphanumeric too. A UTF-8 name never gets
    // past them, because every multi-byte sequence continues with a byte in 0x80-0xBF, which is not alphanumeric.
    private static bool IsKernelAlphanumeric(byte b) =>
        b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'
        || (b >= 0xC0 && b != 0xD7 && b != 0xF7);

    // ------------------------------------------------------------------------------------------------------------
    // Element command pipelines (§1.4)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>BPF_MAP_LOOKUP_ELEM (§1.4, §4; peek for queues and stacks, §11.2).</summary>
    public static Errno LookupElement(SimulatedMapHandle handle, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        var map = handle.Map;
        var kernel = map.Kernel;

        // §4: every bit but BPF_F_LOCK is refused before the descriptor is even resolved (until the check moved
        // after the permission check).
        if (!kernel.LookupFlagsAfterPermission && (flags & ~BpfElementFlags.Lock) != 0)
        {
            return Errno.EINVAL;
        }

        // §10: a write-only descriptor cannot read.
        if (!CanRead(handle))
        {
            return Errno.EPERM;
        }

        // §4, §9.2: BPF_F_LOCK needs a bpf_spin_lock in the value; checked before the key is copied, as the other
        // flags where they come after the permission check (BPF_F_CPU reads one CPU's value of a per-CPU map).
        var errno = kernel.LookupFlagsAfterPermission
            ? OperationFlags(map, flags, BpfElementFlags.Lock | (kernel.CpuFlags ? BpfElementFlags.Cpu : 0))
            : LockFlag(map, flags);
        if (errno != Errno.None)
        {
            return errno;
        }

        errno = CopyKeyFromUser(map, key);
        if (errno != Errno.None)
        {
            return errno;
        }

        if ((flags & BpfElementFlags.Cpu) != 0)
        {
            // bpf_map_copy_value with BPF_F_CPU: value_size bytes of that CPU's slot, nothing else written.
            var whole = map.Scratch(map.ValueSize);
            errno = map.LookupElement(key, whole);
            errno = errno != Errno.None ? errno : CopyToUser(value);
            if (errno == Errno.None)
            {
                whole.Slice((int)map.Layout.SlotOffset(CpuOf(flags)), (int)map.Spec.ValueSize).CopyTo(value);
            }

            return errno;
        }

        // §4: a missing element wins over a NULL value (ENOENT, not EFAULT).
        errno = map.LookupElement(key, value);
        return errno != Errno.None ? errno : CopyToUser(value);
    }

    /// <summary>BPF_MAP_UPDATE_ELEM (§1.4, §5; push for queues and stacks, §11.2).</summary>
    public static Errno UpdateElement(SimulatedMapHandle handle, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        var map = handle.Map;

        // §1.4, §10: read-only descriptors and frozen maps cannot be written; this beats invalid flags.
        if (!CanWrite(handle))
        {
            return Errno.EPERM;
        }

        // §5.1, §9.2: BPF_F_LOCK needs a bpf_spin_lock in the value; where bpf_map_check_op_flags checks the flags,
        // it also refuses upper bits without BPF_F_CPU and the CPU flags on maps that are not per-CPU.
        var errno = map.Kernel.CpuFlags ? OperationFlags(map, flags, AnyLowFlag) : LockFlag(map, flags);
        if (errno != Errno.None)
        {
            return errno;
        }

        // §1.4, §5.1: the key is copied before the value, and both before the map validates the flags.
        errno = CopyKeyFromUser(map, key);
        if (errno != Errno.None)
        {
            return errno;
        }

        errno = CopyFromUser(value);
        return errno != Errno.None ? errno : map.UpdateElement(key, value, flags, WriteOf(map, flags));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Flags of the element and batch commands
    // ------------------------------------------------------------------------------------------------------------

    // bpf_map_check_op_flags with allowed_flags ~0: only its other checks apply.
    private const BpfElementFlags AnyLowFlag = (BpfElementFlags)uint.MaxValue;

    // §4, §5.1, §9.2: BPF_F_LOCK needs a bpf_spin_lock in the value.
    private static Errno LockFlag(MapModel map, BpfElementFlags flags) =>
        (flags & BpfElementFlags.Lock) != 0 && !map.HasSpinLock ? Errno.EINVAL : Errno.None;

    /// <summary>
    /// <c>bpf_map_check_op_flags</c> (mainline 7.0, <see cref="KernelProfile.CpuFlags"/>): low bits outside
    /// <paramref name="allowed"/>, BPF_F_LOCK without a spin lock, upper bits without BPF_F_CPU, and the CPU flags on a
    /// map that is not per-CPU or both at once are EINVAL; a CPU past the possible ones is ERANGE.
    /// </summary>
    private static Errno OperationFlags(MapModel map, BpfElementFlags flags, BpfElementFlags allowed)
    {
        if (((ulong)flags & uint.MaxValue & ~(ulong)allowed) != 0 || LockFlag(map, flags) != Errno.None)
        {
            return Errno.EINVAL;
        }

        var cpu = (flags & BpfElementFlags.Cpu) != 0;
        if (!cpu && (ulong)flags >> 32 != 0)
        {
            return Errno.EINVAL;
        }

        if (!cpu && (flags & BpfElementFlags.AllCpus) == 0)
        {
            return Errno.None;
        }

        if (!map.Layout.IsPerCpu || (cpu && (flags & BpfElementFlags.AllCpus) != 0))
        {
            return Errno.EINVAL;
        }

        return cpu && (ulong)flags >> 32 >= (ulong)map.Layout.PossibleCpus ? Errno.ERANGE : Errno.None;
    }

    // The CPU of BPF_F_CPU: the upper 32 bits of the flags.
    private static int CpuOf(BpfElementFlags flags) => (int)((ulong)flags >> 32);

    /// <summary>
    /// How many bytes of the user buffer one element takes with <paramref name="flags"/>: value_size for BPF_F_CPU and
    /// BPF_F_ALL_CPUS (one CPU's value, without padding, <c>bpf_map_value_size</c>), else the whole per-CPU value (§2).
    /// </summary>
    public static int UserValueSize(MapModel map, BpfElementFlags flags) =>
        OneCpuValue(map, flags) ? (int)map.Spec.ValueSize : map.ValueSize;

    // Whether the user buffer holds one CPU's value: the CPU flags on a per-CPU map of a kernel that has them (older
    // kernels refuse the flags, in the map's own update checks after the value was copied whole).
    private static bool OneCpuValue(MapModel map, BpfElementFlags flags) =>
        map.Kernel.CpuFlags && map.Layout.IsPerCpu && (flags & (BpfElementFlags.Cpu | BpfElementFlags.AllCpus)) != 0;

    /// <summary>
    /// Which per-CPU slots an update with <paramref name="flags"/> writes: the whole value, or with BPF_F_CPU that
    /// CPU's value_size bytes, or with BPF_F_ALL_CPUS one value in every CPU's slot.
    /// </summary>
    public static PerCpuWrite WriteOf(MapModel map, BpfElementFlags flags) =>
        !OneCpuValue(map, flags) ? PerCpuWrite.Whole
        : (flags & BpfElementFlags.Cpu) != 0 ? PerCpuWrite.OneCpu(CpuOf(flags))
        : PerCpuWrite.EveryCpu;

    /// <summary>BPF_MAP_DELETE_ELEM (§1.4, §6).</summary>
    public static Errno DeleteElement(SimulatedMapHandle handle, ReadOnlySpan<byte> key)
    {
        var map = handle.Map;

        // §10: permission comes before the map's own answer (a read-only ARRAY delete is EPERM, not EINVAL).
        if (!CanWrite(handle))
        {
            return Errno.EPERM;
        }

        // §6: the key is copied before the map decides (ARRAY with a NULL key is EFAULT, not EINVAL).
        var errno = CopyKeyFromUser(map, key);
        return errno != Errno.None ? errno : map.DeleteElement(key);
    }

    /// <summary>BPF_MAP_GET_NEXT_KEY (§1.4, §7.1).</summary>
    public static Errno GetNextKey(SimulatedMapHandle handle, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        var map = handle.Map;

        // §10: a write-only descriptor cannot iterate.
        if (!CanRead(handle))
        {
            return Errno.EPERM;
        }

        // §7.1: a NULL key asks for the first key and is not copied.
        if (!key.IsEmpty)
        {
            var copied = CopyKeyFromUser(map, key);
            if (copied != Errno.None)
            {
                return copied;
            }
        }

        // §7.1: ENOENT wins over a NULL next_key; a result with a NULL next_key faults.
        var errno = map.GetNextKey(key, nextKey);
        return errno != Errno.None ? errno : CopyToUser(nextKey);
    }

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (§1.4, §11.1; pop for queues and stacks, §11.2).</summary>
    public static Errno LookupAndDeleteElement(SimulatedMapHandle handle, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        var map = handle.Map;

        // §11.1: every bit but BPF_F_LOCK is refused before the descriptor is resolved; where the command had no flags
        // field, any flag was a stray attr byte (§1.2).
        var validFlags = map.Kernel.HashLookupAndDelete ? BpfElementFlags.Lock : BpfElementFlags.Any;
        if ((flags & ~validFlags) != 0)
        {
            return Errno.EINVAL;
        }

        // §10: the command reads and writes, so it needs both.
        if (!CanRead(handle) || !CanWrite(handle))
        {
            return Errno.EPERM;
        }

        // §11.2: a pop takes no flags at all.
        if (flags != BpfElementFlags.Any && map.Spec.Type.IsQueueOrStack())
        {
            return Errno.EINVAL;
        }

        // §11.1, §9.2: BPF_F_LOCK needs a bpf_spin_lock in the value.
        if ((flags & BpfElementFlags.Lock) != 0 && !map.HasSpinLock)
        {
            return Errno.EINVAL;
        }

        var errno = CopyKeyFromUser(map, key);
        if (errno != Errno.None)
        {
            return errno;
        }

        // Before the hash maps had the command, only queues and stacks popped (map_pop_elem); the rest was ENOTSUPP.
        if (!map.Kernel.HashLookupAndDelete && !map.Spec.Type.IsQueueOrStack())
        {
            return NotSupported();
        }

        // §11.1, §14: the value is copied out after the element is gone, so a NULL value loses the element.
        errno = map.LookupAndDeleteElement(key, value, flags);
        return errno != Errno.None ? errno : CopyToUser(value);
    }

    /// <summary>BPF_MAP_FREEZE (§1.4, §10).</summary>
    public static Errno Freeze(SimulatedMapHandle handle)
    {
        var map = handle.Map;

        // §1.4, §9.2: maps whose value has BTF special fields (a spin lock) cannot be frozen: ENOTSUPP, before EPERM.
        if (map.HasSpinLock && map.Kernel.SpinLockBlocksFreeze)
        {
            return Errno.ENOTSUPP;
        }

        // §10: a frozen map has no write permission, so a second freeze is EPERM, not the EBUSY of its own branch.
        if (map.Kernel.FreezeNeedsWritePermission && !CanWrite(handle))
        {
            return Errno.EPERM;
        }

        // Without the permission check, any descriptor may freeze, once: the second freeze is EBUSY.
        if (map.IsFrozen)
        {
            return Errno.EBUSY;
        }

        map.IsFrozen = true;
        return Errno.None;
    }

    /// <summary>
    /// The checks every batch command makes before the map type's own (§1.4, §8.1): permission (EPERM), then whether
    /// the type implements the command at all (ENOTSUPP, even for count 0).
    /// </summary>
    public static Errno BatchCommand(SimulatedMapHandle handle, BatchCommand command)
    {
        var reads = command is Rules.BatchCommand.Lookup or Rules.BatchCommand.LookupAndDelete;
        var writes = command != Rules.BatchCommand.Lookup;

        // §10: LOOKUP and LOOKUP_AND_DELETE read, all but LOOKUP write; EPERM beats ENOTSUPP.
        if ((reads && !CanRead(handle)) || (writes && !CanWrite(handle)))
        {
            return Errno.EPERM;
        }

        // §8.1: the support matrix.
        var support = handle.Map.BatchSupport;
        var supported = command switch
        {
            Rules.BatchCommand.Lookup => (support & (BatchSupport.GenericLookup | BatchSupport.OwnLookup)) != 0,
            Rules.BatchCommand.LookupAndDelete => (support & BatchSupport.OwnLookup) != 0,
            Rules.BatchCommand.Update => (support & BatchSupport.Update) != 0,
            _ => (support & BatchSupport.Delete) != 0,
        };
        return supported ? Errno.None : Errno.ENOTSUPP;
    }

    // §10: the descriptor's mode decides reads.
    private static bool CanRead(SimulatedMapHandle handle) => handle.Access != BpfMapAccess.WriteOnly;

    // §10: the descriptor's mode decides writes, and a frozen map removes write permission from every descriptor.
    private static bool CanWrite(SimulatedMapHandle handle) => handle.Access != BpfMapAccess.ReadOnly && !handle.Map.IsFrozen;

    // ------------------------------------------------------------------------------------------------------------
    // User memory (§1.4, §2): an empty span is a NULL pointer
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// __bpf_copy_key (§1.4): a NULL key faults for maps with keys, and maps without keys (queue, stack) refuse
    /// any key pointer with EINVAL (§11.2).
    /// </summary>
    public static Errno CopyKeyFromUser(MapModel map, ReadOnlySpan<byte> key)
    {
        if (map.KeySize == 0)
        {
            return key.IsEmpty ? Errno.None : Errno.EINVAL;
        }

        return CopyFromUser(key);
    }

    /// <summary>copy_from_user: reading a NULL pointer faults.</summary>
    public static Errno CopyFromUser(ReadOnlySpan<byte> user) => user.IsEmpty ? Errno.EFAULT : Errno.None;

    /// <summary>copy_to_user: writing a NULL pointer faults.</summary>
    public static Errno CopyToUser(Span<byte> user) => user.IsEmpty ? Errno.EFAULT : Errno.None;

    // ------------------------------------------------------------------------------------------------------------
    // Decisions the map models ask for
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// §5.1, §5.2: the update flags are 0, NOEXIST or EXIST, optionally with BPF_F_LOCK; 3 (NOEXIST|EXIST), 8 and
    /// higher bits are EINVAL. The map checks this before anything else it does (§5.2: before the range check).
    /// </summary>
    /// <remarks>
    /// Where the per-CPU maps take the CPU flags (<see cref="KernelProfile.CpuFlags"/>), their syscall updates refuse
    /// only BPF_F_LOCK and low bits above BPF_F_ALL_CPUS (<c>htab_map_check_update_flags</c>,
    /// <c>bpf_percpu_array_update</c>); a program's update keeps the rule above.
    /// </remarks>
    public static Errno UpdateFlags(MapModel map, BpfElementFlags flags, bool byProgram)
    {
        if (CpuFlagsApply(map, byProgram))
        {
            return (flags & BpfElementFlags.Lock) != 0 || (uint)flags > (uint)BpfElementFlags.AllCpus ? Errno.EINVAL : Errno.None;
        }

        return (flags & ~BpfElementFlags.Lock) > BpfElementFlags.Exist ? Errno.EINVAL : Errno.None;
    }

    // The syscall update paths of the per-CPU maps where the kernel takes the CPU flags.
    private static bool CpuFlagsApply(MapModel map, bool byProgram) => !byProgram && map.Kernel.CpuFlags && map.Layout.IsPerCpu;

    /// <summary>§5.1 (hashtab.c:check_flags): NOEXIST on an existing key is EEXIST, EXIST on an absent key ENOENT.</summary>
    public static Errno UpdateExistence(BpfElementFlags flags, bool exists) => (flags & ~BpfElementFlags.Lock) switch
    {
        BpfElementFlags.NoExist when exists => Errno.EEXIST,
        BpfElementFlags.Exist when !exists => Errno.ENOENT,
        _ => Errno.None,
    };

    /// <summary>
    /// §12.1: how many free nodes the common LRU moves to a CPU's free list at once, evicting for the rest:
    /// <c>clamp((max_entries / ncpus) / 2, 1, LOCAL_FREE_TARGET)</c>, or LOCAL_FREE_TARGET itself where the kernel
    /// does not scale it (<see cref="KernelProfile.LruTargetFreeScales"/>).
    /// </summary>
    public static int LruTargetFree(KernelProfile kernel, uint maxEntries, int possibleCpus) =>
        kernel.LruTargetFreeScales
            ? (int)Math.Clamp(maxEntries / (uint)possibleCpus / 2, 1, KernelLimits.LruLocalFreeTarget)
            : KernelLimits.LruLocalFreeTarget;

    /// <summary>§5.1, §3.1: a new key in a non-LRU hash map that holds max_entries keys (replacements still succeed).</summary>
    public static Errno HashMapFull() => Errno.E2BIG;

    /// <summary>
    /// §12: an LRU update found no node to use even after evicting (hashtab.c:prealloc_lru_pop). Unreachable with one
    /// CPU's view, since eviction always frees a node; kept so that the model never invents an outcome.
    /// </summary>
    public static Errno LruNoFreeNode() => Errno.ENOMEM;

    /// <summary>§4, §6, §11.1: the key is not in the hash map.</summary>
    public static Errno NoSuchKey() => Errno.ENOENT;

    /// <summary>§7.1: the key was the last one.</summary>
    public static Errno EndOfIteration() => Errno.ENOENT;

    /// <summary>§4: an ARRAY index at or beyond max_entries has no element to look up.</summary>
    public static Errno ArrayLookup(uint index, uint maxEntries) => index >= maxEntries ? Errno.ENOENT : Errno.None;

    /// <summary>
    /// §5.2: flags first, then the range (E2BIG), then NOEXIST (every index always exists), which the per-CPU array
    /// compares for equality where it takes the CPU flags (flags with BPF_F_CPU besides NOEXIST write).
    /// </summary>
    public static Errno ArrayUpdate(MapModel map, uint index, BpfElementFlags flags, bool byProgram)
    {
        var errno = UpdateFlags(map, flags, byProgram);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (index >= map.MaxEntries)
        {
            return Errno.E2BIG;
        }

        var noExist = CpuFlagsApply(map, byProgram) ? flags == BpfElementFlags.NoExist : (flags & BpfElementFlags.NoExist) != 0;
        return noExist ? Errno.EEXIST : Errno.None;
    }

    /// <summary>§6: array elements cannot be deleted, whatever the index.</summary>
    public static Errno ArrayDelete() => Errno.EINVAL;

    /// <summary>§11.1, §8.1: the map type does not implement the operation (ENOTSUPP, 524).</summary>
    public static Errno NotSupported() => Errno.ENOTSUPP;

    /// <summary>
    /// §11.2: a push takes BPF_ANY or BPF_EXIST; a full map refuses BPF_ANY with E2BIG, while BPF_EXIST makes room
    /// by dropping the oldest element.
    /// </summary>
    public static Errno QueueStackPush(BpfElementFlags flags, bool full)
    {
        if ((flags & BpfElementFlags.NoExist) != 0 || flags > BpfElementFlags.Exist)
        {
            return Errno.EINVAL;
        }

        return full && (flags & BpfElementFlags.Exist) == 0 ? Errno.E2BIG : Errno.None;
    }

    /// <summary>§11.2: peek or pop of an empty queue or stack.</summary>
    public static Errno QueueStackEmpty() => Errno.ENOENT;

    /// <summary>§6, §7.1, §11.2: queues and stacks have no keys to delete or iterate.</summary>
    public static Errno QueueStackKeyOperation() => Errno.EINVAL;

    // ------------------------------------------------------------------------------------------------------------
    // Batch decisions (§8)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// §8.2: the hash lookup batches take elem_flags 0 or BPF_F_LOCK (with a spin lock), and BPF_F_CPU on a per-CPU
    /// map's LOOKUP_BATCH where the kernel has the CPU flags; batch.flags must be 0. Checked before the count == 0
    /// shortcut.
    /// </summary>
    public static Errno HashLookupBatchFlags(MapModel map, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        var errno = BatchElementFlags(map, elementFlags, andDelete ? 0 : BpfElementFlags.Cpu);
        return errno != Errno.None ? errno : flags != BpfBatchFlags.None ? Errno.EINVAL : Errno.None;
    }

    /// <summary>
    /// §8.2: the element flags of LOOKUP_BATCH and UPDATE_BATCH: 0 or BPF_F_LOCK (<see cref="GenericBatchElementFlags"/>),
    /// and where the kernel has the CPU flags, <paramref name="cpuFlags"/> too (BPF_F_CPU for lookups, BPF_F_CPU and
    /// BPF_F_ALL_CPUS for updates), checked by <c>bpf_map_check_op_flags</c>.
    /// </summary>
    public static Errno BatchElementFlags(MapModel map, BpfElementFlags elementFlags, BpfElementFlags cpuFlags) =>
        map.Kernel.CpuFlags ? OperationFlags(map, elementFlags, BpfElementFlags.Lock | cpuFlags) : GenericBatchElementFlags(map, elementFlags);

    /// <summary>
    /// §8.2, §15.1: the generic batches (array lookup, update, delete) take elem_flags 0 or BPF_F_LOCK (with a spin
    /// lock): BPF_NOEXIST and BPF_EXIST are EINVAL; batch.flags is not checked at all.
    /// </summary>
    public static Errno GenericBatchElementFlags(MapModel map, BpfElementFlags elementFlags)
    {
        if ((elementFlags & ~BpfElementFlags.Lock) != 0)
        {
            return Errno.EINVAL;
        }

        return (elementFlags & BpfElementFlags.Lock) != 0 && !map.HasSpinLock ? Errno.EINVAL : Errno.None;
    }

    /// <summary>§8.3: the in_batch bucket is at or past n_buckets, or the last bucket was reached.</summary>
    public static Errno NoMoreBuckets() => Errno.ENOENT;

    /// <summary>
    /// §8.3: a bucket is never split; if it does not fit the room left, the call ends: ENOSPC when it is the first
    /// bucket with elements, success (with the elements so far) otherwise.
    /// </summary>
    public static Errno BucketDoesNotFit(uint copiedSoFar) => copiedSoFar == 0 ? Errno.ENOSPC : Errno.None;

    /// <summary>Reads a u32 batch cursor (§8.3) or array key (§8.4) as the kernel does: host order, little-endian.</summary>
    public static uint ReadU32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    /// <summary>Writes a u32 batch cursor or array key.</summary>
    public static void WriteU32(Span<byte> bytes, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);

    // ------------------------------------------------------------------------------------------------------------
    // BTF and spin locks (§9; create order §3.3, §3.4). The BTF is the one BpfMapBtf describes: a value struct
    // with bpf_spin_lock members and byte arrays around them, an int or byte-array key type.
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The offset of the map's <c>bpf_spin_lock</c> once <see cref="CreateMap"/> accepted <paramref name="spec"/>:
    /// its value type has exactly one lock (more fail to load, §9.1), or none.
    /// </summary>
    /// <remarks>
    /// Where BTF load does not check the special fields (<see cref="KernelProfile.BtfLoadChecksSpecialFields"/>),
    /// <c>btf_find_spin_lock</c> gives up on two locks or a misaligned one, and the map has no spin lock at all.
    /// </remarks>
    public static int? SpinLockOf(BpfMapSpec spec) =>
        spec.Btf is { Value: BpfBtfValue.Struct, SpinLockOffsets: [var offset] } && offset % KernelLimits.SpinLockSize == 0 ? (int)offset : null;

    // BPF_BTF_LOAD (§9.1). Observed on 6.18 beyond the reference: a member past the end of its struct is EINVAL
    // (btf_struct_check_meta, checked first), and a lock that is not 4-aligned is EFAULT; two locks are E2BIG, which
    // wins over a misaligned one. Kernels that do not parse special fields at load check only the first.
    private static Errno LoadBtf(BpfMapSpec spec, BpfMapBtf btf, KernelProfile kernel)
    {
        var size = btf.ValueStructSizeFor(spec);
        var locks = btf.SpinLockOffsets;
        foreach (var offset in locks)
        {
            if ((ulong)offset + KernelLimits.SpinLockSize > size)
            {
                return Errno.EINVAL;
            }
        }

        if (!kernel.BtfLoadChecksSpecialFields)
        {
            return Errno.None;
        }

        // §9.1: a struct with two bpf_spin_lock members is refused at load.
        if (locks.Count > 1)
        {
            return Errno.E2BIG;
        }

        return locks.Count == 1 && locks[0] % KernelLimits.SpinLockSize != 0 ? Errno.EFAULT : Errno.None;
    }

    // §3.3, §3.4: a key type id without a value type id, before every other create check.
    private static Errno BtfTypeIds(BpfMapSpec spec) =>
        spec.Btf is { Value: BpfBtfValue.None } btf && btf.KeyFor(spec) != BpfBtfKey.None ? Errno.EINVAL : Errno.None;

    // syscall.c:map_check_btf, after the name (§3.4, §9.1): key type, value type, the lock's fields, then the map
    // type's own BTF check, which only the arrays have (array_map_check_btf).
    private static Errno MapCheckBtf(BpfMapSpec spec, KernelProfile kernel)
    {
        // §3.3: without a value type id the BTF is not looked at (BtfTypeIds made sure there is no key type id either).
        if (spec.Btf is not { } btf || btf.Value == BpfBtfValue.None)
        {
            return Errno.None;
        }

        // §9.1: the key type's size must be key_size; without a key type only a map type with its own check goes on
        // (arrays, and the hash maps where they have one).
        var key = btf.KeyFor(spec);
        var hasOwnCheck = spec.Type.IsArrayFamily() || (spec.Type.IsHashFamily() && kernel.HashMapsCheckBtf);
        var keyTypeSize = key == BpfBtfKey.IntType ? sizeof(int) : spec.KeySize; // a byte array has key_size bytes
        if (key == BpfBtfKey.None ? !hasOwnCheck : keyTypeSize != spec.KeySize)
        {
            return Errno.EINVAL;
        }

        // §9.1: the value type must exist and have value_size bytes.
        if (btf.Value == BpfBtfValue.Nonexistent || btf.ValueStructSizeFor(spec) != spec.ValueSize)
        {
            return Errno.EINVAL;
        }

        if (SpinLockOf(spec) is not null)
        {
            // §9.1: programs cannot be kept from reading or writing a locked value (checked before the map type).
            var programAccess = kernel.SpinLockRefusesWriteOnlyProg ? BpfMapFlags.ReadOnlyProg | BpfMapFlags.WriteOnlyProg : BpfMapFlags.ReadOnlyProg;
            if ((spec.Flags & programAccess) != 0)
            {
                return Errno.EACCES;
            }

            // §9.1, §14: only HASH and ARRAY of our types hold spin locks; EOPNOTSUPP (95), not ENOTSUPP, since the
            // special fields became a btf_record.
            if (spec.Type is not (BpfMapType.Hash or BpfMapType.Array))
            {
                return kernel.UnsupportedSpinLockIsEopnotsupp ? Errno.EOPNOTSUPP : Errno.ENOTSUPP;
            }
        }

        // §9.1 (array_map_check_btf): an array key must be a 32-bit int; no key type is only for global data sections.
        // The hash maps' own check (htab_map_check_btf) wants a key type.
        return spec.Type.IsArrayFamily() && key != BpfBtfKey.IntType ? Errno.EINVAL
            : hasOwnCheck && key == BpfBtfKey.None ? Errno.EINVAL
            : Errno.None;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Map objects: ids, info, bpffs (§3.2, §10; BPF_OBJ_PIN / BPF_OBJ_GET measured on 6.18 for issue 6)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// §3.2: map_flags as the map keeps them (bpf_map_flags_retain_permanent): BPF_F_RDONLY and BPF_F_WRONLY belong
    /// to the descriptor and are dropped; BPF_F_RDONLY_PROG and the rest are kept.
    /// </summary>
    public static BpfMapFlags StoredMapFlags(BpfMapFlags flags) => flags & ~(BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly);

    /// <summary>
    /// §10: open_flags of BPF_MAP_GET_FD_BY_ID (RDONLY or WRONLY, not both; any other bit, even BPF_F_PATH_FD, is
    /// EINVAL) and file_flags of BPF_OBJ_GET (which also accepts BPF_F_PATH_FD). Checked before anything else.
    /// </summary>
    public static Errno OpenFlags(BpfOpenFlags flags, bool objGet, KernelProfile kernel)
    {
        var allowed = BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly | (objGet && kernel.PathFd ? KernelLimits.PathFd : 0);
        if ((flags & ~allowed) != 0)
        {
            return Errno.EINVAL;
        }

        return (flags & BpfOpenFlags.ReadOnly) != 0 && (flags & BpfOpenFlags.WriteOnly) != 0 ? Errno.EINVAL : Errno.None;
    }

    /// <summary>§10: BPF_MAP_GET_FD_BY_ID of an id no live map has (0, never given, or of a map since freed).</summary>
    public static Errno MapId(bool found) => found ? Errno.None : Errno.ENOENT;

    /// <summary>
    /// BPF_OBJ_PIN (bpf_obj_do_pin): path resolution first (a dotted name in a bpffs is EPERM, a missing directory
    /// ENOENT, a non-directory ENOTDIR, an existing name EEXIST), then the parent must be a bpffs directory (EPERM).
    /// </summary>
    public static Errno PinPath(PathLookup path) => path.Kind switch
    {
        PathKind.DottedName => Errno.EPERM,
        PathKind.MissingDirectory => Errno.ENOENT,
        PathKind.NotDirectory => Errno.ENOTDIR,
        PathKind.PinnedMap or PathKind.BpfDirectory or PathKind.OtherFile or PathKind.OtherDirectory => Errno.EEXIST,
        PathKind.MissingElsewhere => Errno.EPERM,
        _ => Errno.None,
    };

    /// <summary>
    /// BPF_OBJ_GET (bpf_obj_do_get), after the file flags: path resolution (dotted name in a bpffs EPERM, missing
    /// ENOENT, a non-directory on the way or a trailing slash after a pinned map ENOTDIR), then the inode must be a
    /// BPF object: directories and other files are EACCES.
    /// </summary>
    public static Errno GetPath(PathLookup path) => path.Kind switch
    {
        PathKind.DottedName => Errno.EPERM,
        PathKind.MissingInBpfFs or PathKind.MissingElsewhere or PathKind.MissingDirectory => Errno.ENOENT,
        PathKind.NotDirectory => Errno.ENOTDIR,
        PathKind.PinnedMap when path.TrailingSlash => Errno.ENOTDIR,
        PathKind.BpfDirectory or PathKind.OtherFile or PathKind.OtherDirectory => Errno.EACCES,
        _ => Errno.None,
    };
}

/// <summary>The four batch commands.</summary>
internal enum BatchCommand
{
    /// <summary>BPF_MAP_LOOKUP_BATCH.</summary>
    Lookup,

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH.</summary>
    LookupAndDelete,

    /// <summary>BPF_MAP_UPDATE_BATCH.</summary>
    Update,

    /// <summary>BPF_MAP_DELETE_BATCH.</summary>
    Delete,
}
