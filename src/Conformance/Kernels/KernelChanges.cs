namespace BpfMaps.Conformance;

/// <summary>
/// Every behaviour that differs between the kernels of the matrix, found by running the catalog and lockstep on each
/// of them (docs/kernels.md lists them with the cases that pin each). The first profile that answers the new way is
/// what the real kernels showed; the origin comes from the kernel's history.
/// </summary>
public static class KernelChanges
{
    private static readonly LinuxKernelVersion V6_1 = new(6, 1);
    private static readonly LinuxKernelVersion V6_12 = new(6, 12);
    private static readonly LinuxKernelVersion V6_18 = new(6, 18);
    private static readonly LinuxKernelVersion V7_2 = new(7, 2);

    /// <summary>Hash keys longer than MAX_BPF_STACK, and one bound for key and value together.</summary>
    public static KernelChange HashKeysLongerThanStack { get; } = new("hash-keys-longer-than-stack", V6_1,
        "mainline 5.11 (\"bpf: Lift hashtab key_size limit\")",
        "hash maps: key_size above 512 (MAX_BPF_STACK) was E2BIG, and value_size alone was bounded by KMALLOC_MAX_SIZE − 512 − 48; now key_size + value_size is bounded by KMALLOC_MAX_SIZE − 48");

    /// <summary>RLIMIT_MEMLOCK charging gave way to memory-cgroup accounting.</summary>
    public static KernelChange MapsChargedToMemcg { get; } = new("maps-charged-to-memcg", V6_1,
        "mainline 5.11",
        "maps were charged to RLIMIT_MEMLOCK, and a charge of 4 GiB − 4 KiB or more was E2BIG before anything was allocated; now they are charged to the memory cgroup and a map larger than memory is ENOMEM");

    /// <summary>ARRAY values beyond KMALLOC_MAX_SIZE.</summary>
    public static KernelChange ArrayValuesBeyondKmalloc { get; } = new("array-values-beyond-kmalloc", V6_1,
        "mainline 6.0",
        "ARRAY: value_size above KMALLOC_MAX_SIZE (4 MiB) was E2BIG; now up to INT_MAX is accepted");

    /// <summary>The PCPU_MIN_UNIT_SIZE check at create.</summary>
    public static KernelChange PerCpuValueLimitChecked { get; } = new("per-cpu-value-limit-checked", V6_1,
        "mainline 6.12, backported to 6.1.y",
        "per-CPU maps: a value slot above PCPU_MIN_UNIT_SIZE (32 KiB) failed at allocation with ENOMEM; now the create checks refuse it with E2BIG");

    /// <summary>BTF special fields parsed at BPF_BTF_LOAD.</summary>
    public static KernelChange BtfLoadChecksSpecialFields { get; } = new("btf-load-checks-special-fields", V6_12,
        "mainline 6.2 (btf_record, 8ffa5cc14213)",
        "a value struct with two bpf_spin_lock members, or a misaligned one, loaded and made a map without a spin lock; now BPF_BTF_LOAD refuses it (E2BIG, EFAULT)");

    /// <summary>EOPNOTSUPP for a spin lock on a map type that cannot hold one.</summary>
    public static KernelChange UnsupportedSpinLockIsEopnotsupp { get; } = new("unsupported-spin-lock-is-eopnotsupp", V6_12,
        "mainline 6.2 (db559117828d)",
        "a spin lock in the value of PERCPU_*, LRU_*, QUEUE or STACK maps was ENOTSUPP (524); now EOPNOTSUPP (95)");

    /// <summary>BPF_F_WRONLY_PROG refused for spin-lock values.</summary>
    public static KernelChange SpinLockRefusesWriteOnlyProg { get; } = new("spin-lock-refuses-wronly-prog", V6_12,
        "mainline 6.2 (db559117828d)",
        "a spin-lock value refused only BPF_F_RDONLY_PROG with EACCES; now BPF_F_WRONLY_PROG too");

    /// <summary>A spin-lock map cannot be frozen.</summary>
    public static KernelChange SpinLockBlocksFreeze { get; } = new("spin-lock-blocks-freeze", V6_12,
        "mainline 6.2 (db559117828d)",
        "BPF_MAP_FREEZE of a map whose value holds a spin lock succeeded; now it is ENOTSUPP");

    /// <summary>The hash maps check BTF without a key type themselves.</summary>
    public static KernelChange HashMapsCheckBtf { get; } = new("hash-maps-check-btf", V6_12,
        "stable backport (seen in 6.12.117, 7.2, and one build of 6.18.44)",
        "a spin-lock value without a key type on PERCPU_HASH, LRU_HASH or LRU_PERCPU_HASH was EINVAL (no key type); now EOPNOTSUPP (the lock is refused first)")
    {
        BuildsDiffer = [V6_18],
    };

    /// <summary>BPF_MAP_FREEZE needs write permission.</summary>
    public static KernelChange FreezeNeedsWritePermission { get; } = new("freeze-needs-write-permission", V6_12,
        "mainline 6.5 (c4c84f6fb2c4)",
        "BPF_MAP_FREEZE through a read-only descriptor succeeded and a second freeze was EBUSY; now both are EPERM");

    /// <summary>BPF_F_PATH_FD.</summary>
    public static KernelChange PathFd { get; } = new("obj-get-path-fd", V6_12,
        "mainline 6.5",
        "BPF_OBJ_GET refused BPF_F_PATH_FD with EINVAL; now it takes a path relative to path_fd (absolute paths ignore it)");

    /// <summary>LOOKUP_AND_DELETE_ELEM on the hash maps.</summary>
    public static KernelChange HashLookupAndDelete { get; } = new("hash-lookup-and-delete", V6_1,
        "mainline 5.14 (3e87f192b405)",
        "BPF_MAP_LOOKUP_AND_DELETE_ELEM was for QUEUE and STACK only (ENOTSUPP on the hash maps) and had no flags field (any flag EINVAL, before the descriptor); now the hash maps have it, with BPF_F_LOCK");

    /// <summary>PERCPU_ARRAY batches.</summary>
    public static KernelChange PerCpuArrayBatches { get; } = new("percpu-array-batches", V6_1,
        "mainline 5.13",
        "PERCPU_ARRAY had no batch commands (ENOTSUPP); now it has the generic lookup and update batches");

    /// <summary>The LRU's target_free.</summary>
    public static KernelChange LruTargetFreeScales { get; } = new("lru-target-free-scales", V6_12,
        "mainline 6.16 (d4adf1c9ee77), backported to 6.12.39",
        "the common LRU moved LOCAL_FREE_TARGET (128) nodes to a CPU's free list at once, evicting for the rest, so a full small map lost every unreferenced element; now clamp((max_entries / ncpus) / 2, 1, 128)");

    /// <summary>BPF_F_RDONLY|BPF_F_WRONLY refused last at create.</summary>
    public static KernelChange AccessFlagsCheckedLast { get; } = new("access-flags-checked-last", V7_2,
        "mainline 7.x (map_create reworked; commit not identified)",
        "BPF_MAP_CREATE refused BPF_F_RDONLY|BPF_F_WRONLY before the map type's checks; now last, after allocation and BTF (an LRU map with BPF_F_NO_PREALLOC and both gives ENOTSUPP)");

    /// <summary>LOOKUP_ELEM checks its flags after the permission check.</summary>
    public static KernelChange LookupFlagsAfterPermission { get; } = new("lookup-flags-after-permission", V7_2,
        "mainline 6.19 (8f6ddc058760, bpf_map_check_op_flags)",
        "BPF_MAP_LOOKUP_ELEM refused invalid flags before resolving the descriptor (EINVAL through a write-only handle); now after its read permission (EPERM)");

    /// <summary>BPF_F_CPU and BPF_F_ALL_CPUS.</summary>
    public static KernelChange CpuFlags { get; } = new("cpu-flags", V7_2,
        "mainline 7.0 (2b421662c788 and the BPF_F_CPU series: 8eb76cb03f0f, c6936161fd55)",
        "per-CPU maps take BPF_F_CPU (8, CPU in the upper 32 bits; ERANGE past the possible CPUs) in lookups, updates and their batches, and BPF_F_ALL_CPUS (16) in updates: one CPU's value_size bytes; bpf_map_check_op_flags refuses upper bits without BPF_F_CPU and the CPU flags elsewhere before the key and value are copied (EINVAL, not EFAULT), and the per-CPU updates accept low flags up to 16, comparing NOEXIST and EXIST for equality (flags 3 update like BPF_ANY)");

    /// <summary>Per-CPU padding is no longer stored.</summary>
    public static KernelChange PerCpuPaddingNotStored { get; } = new("per-cpu-padding-not-stored", V7_2,
        "mainline 7.0 (the BPF_F_CPU series: updates copy value_size bytes per CPU)",
        "per-CPU maps kept the padding bytes user space wrote up to each 8-byte slot; now only value_size bytes per CPU are stored and the padding reads as zeros");

    /// <summary>struct bpf_map_info with map_extra.</summary>
    public static KernelChange MapInfoHasMapExtra { get; } = new("map-info-has-map-extra", V6_1,
        "mainline 5.16 (bloom filter maps)",
        "BPF_OBJ_GET_INFO_BY_FD filled 80 bytes of struct bpf_map_info; now 88 and more (map_extra, later the map hash): the fields BpfMapInfo reports are in the first 40 on every kernel");

    /// <summary>Queue and stack elements bounded to 4 GiB, on 6.12 only.</summary>
    public static KernelChange QueueStackElementsBelow4GiB { get; } = new("queue-stack-elements-below-4-gib", V6_12,
        "seen on 6.12.117 (Debian 13) only: not in mainline 6.18 or 7.2; commit not identified",
        "QUEUE and STACK: (max_entries + 1) × value_size of 4 GiB or more is E2BIG at create, whatever the memory; elsewhere such a map is allocated, or ENOMEM")
    {
        Until = V6_18,
    };

    /// <summary>Every change, in the order of docs/kernels.md.</summary>
    public static IReadOnlyList<KernelChange> All { get; } =
    [
        HashKeysLongerThanStack, MapsChargedToMemcg, ArrayValuesBeyondKmalloc, PerCpuValueLimitChecked,
        BtfLoadChecksSpecialFields, UnsupportedSpinLockIsEopnotsupp, SpinLockRefusesWriteOnlyProg, SpinLockBlocksFreeze,
        HashMapsCheckBtf, FreezeNeedsWritePermission, PathFd, HashLookupAndDelete, PerCpuArrayBatches, LruTargetFreeScales,
        AccessFlagsCheckedLast, LookupFlagsAfterPermission, CpuFlags, PerCpuPaddingNotStored, MapInfoHasMapExtra,
        QueueStackElementsBelow4GiB,
    ];
}
