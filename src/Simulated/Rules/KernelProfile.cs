namespace BpfMaps.Simulated.Rules;

/// <summary>
/// What the modelled kernel does where the kernels of the matrix differ (docs/kernels.md). <see cref="KernelRules"/>
/// and the map models ask it, never the version itself; each answer cites the kernel change it follows. The
/// properties say whether the kernel behaves the new way.
/// </summary>
internal sealed class KernelProfile
{
    private static readonly Dictionary<SimulatedKernelVersion, KernelProfile> Profiles =
        SimulatedKernelVersions.All.ToDictionary(version => version, version => new KernelProfile(version));

    private KernelProfile(SimulatedKernelVersion version)
    {
        Version = version;
    }

    /// <summary>The modelled kernel.</summary>
    public SimulatedKernelVersion Version { get; }

    // --- BPF_MAP_CREATE -------------------------------------------------------------------------------------------

    /// <summary>
    /// Hash maps take keys longer than MAX_BPF_STACK (512 bytes) and bound key_size + value_size together; before,
    /// key_size above 512 was E2BIG and value_size alone was bounded by KMALLOC_MAX_SIZE − 512 − sizeof(htab_elem)
    /// (<c>htab_map_alloc_check</c>; mainline 5.11).
    /// </summary>
    public bool HashKeysLongerThanStack => Since(SimulatedKernelVersion.Linux6_1);

    /// <summary>
    /// Maps are charged to the memory cgroup; before, to RLIMIT_MEMLOCK, and <c>bpf_map_charge_init</c> refused a map
    /// of 4 GiB or more with E2BIG before anything was allocated (mainline 5.11).
    /// </summary>
    public bool MapsChargedToMemcg => Since(SimulatedKernelVersion.Linux6_1);

    /// <summary>
    /// ARRAY values may be up to INT_MAX bytes; before, above KMALLOC_MAX_SIZE was E2BIG (<c>array_map_alloc_check</c>,
    /// mainline 6.0).
    /// </summary>
    public bool ArrayValuesBeyondKmalloc => Since(SimulatedKernelVersion.Linux6_1);

    /// <summary>
    /// A per-CPU value slot above PCPU_MIN_UNIT_SIZE is E2BIG at the checks; before, it failed at allocation with
    /// ENOMEM (mainline 6.12, backported to 6.1.y).
    /// </summary>
    public bool PerCpuValueLimitChecked => Since(SimulatedKernelVersion.Linux6_1);

    /// <summary>
    /// BPF_F_RDONLY|BPF_F_WRONLY together is refused last, when the descriptor is made, after the map was allocated
    /// and its BTF checked; before, first (<c>map_create</c>; seen on 7.2).
    /// </summary>
    public bool AccessFlagsCheckedLast => Since(SimulatedKernelVersion.Linux7_2);

    /// <summary>
    /// QUEUE and STACK elements, (max_entries + 1) × value_size, of 4 GiB or more are E2BIG at create (seen on 6.12.117
    /// only: not in 6.18 or 7.2; the commit is not identified). Elsewhere such a map is allocated, or ENOMEM.
    /// </summary>
    public bool QueueStackElementsBelow4GiB => Version == SimulatedKernelVersion.Linux6_12;

    // --- BTF and spin locks (§9) -----------------------------------------------------------------------------------

    /// <summary>
    /// BPF_BTF_LOAD parses the special fields of every struct: two <c>bpf_spin_lock</c> members are E2BIG and a
    /// misaligned one EFAULT at load. Before, the BTF loaded and a map with such a value simply had no spin lock
    /// (<c>btf_find_spin_lock</c> failed quietly in <c>map_check_btf</c>; mainline 6.2, btf_record).
    /// </summary>
    public bool BtfLoadChecksSpecialFields => Since(SimulatedKernelVersion.Linux6_12);

    /// <summary>
    /// A spin lock in the value of a map type that cannot hold one is EOPNOTSUPP (95); before, ENOTSUPP (524)
    /// (<c>map_check_btf</c>; mainline 6.2).
    /// </summary>
    public bool UnsupportedSpinLockIsEopnotsupp => Since(SimulatedKernelVersion.Linux6_12);

    /// <summary>
    /// A spin-lock value refuses BPF_F_WRONLY_PROG as well as BPF_F_RDONLY_PROG with EACCES; before, only RDONLY_PROG
    /// (<c>map_check_btf</c>; mainline 6.2).
    /// </summary>
    public bool SpinLockRefusesWriteOnlyProg => Since(SimulatedKernelVersion.Linux6_12);

    /// <summary>
    /// The hash maps have their own BTF check (<c>htab_map_check_btf</c>), so a value without a key type reaches the
    /// spin-lock checks (EOPNOTSUPP on the per-CPU and LRU types) before the key is refused; before, a missing key
    /// type was EINVAL first (a stable backport, commit not identified). Builds of 6.18.44 differ here; the simulator
    /// answers as the newer one.
    /// </summary>
    public bool HashMapsCheckBtf => Since(SimulatedKernelVersion.Linux6_12);

    // --- BPF_MAP_FREEZE (§10) --------------------------------------------------------------------------------------

    /// <summary>
    /// A map whose value has BTF special fields (a spin lock) cannot be frozen (ENOTSUPP); before, only timers and
    /// kptrs blocked it (<c>map_freeze</c>; mainline 6.2, db559117828d).
    /// </summary>
    public bool SpinLockBlocksFreeze => Since(SimulatedKernelVersion.Linux6_12);

    /// <summary>
    /// BPF_MAP_FREEZE needs a descriptor that may write, which also makes a second freeze EPERM; before, any
    /// descriptor could freeze and a second freeze was EBUSY (<c>map_freeze</c>; mainline 6.5, c4c84f6fb2c4).
    /// </summary>
    public bool FreezeNeedsWritePermission => Since(SimulatedKernelVersion.Linux6_12);

    // --- Map objects -----------------------------------------------------------------------------------------------

    /// <summary>BPF_OBJ_PIN and BPF_OBJ_GET accept BPF_F_PATH_FD (mainline 6.5); before, the flag was EINVAL.</summary>
    public bool PathFd => Since(SimulatedKernelVersion.Linux6_12);

    // --- Element and batch flags ------------------------------------------------------------------------------------

    /// <summary>
    /// BPF_MAP_LOOKUP_ELEM checks its flags after the descriptor's read permission (<c>bpf_map_check_op_flags</c>,
    /// mainline 6.19); before, invalid bits were refused before the descriptor was even resolved.
    /// </summary>
    public bool LookupFlagsAfterPermission => Since(SimulatedKernelVersion.Linux7_2);

    /// <summary>
    /// BPF_F_CPU (8, the CPU in the upper 32 bits) and BPF_F_ALL_CPUS (16) for the per-CPU maps: lookups and updates of
    /// one CPU's value, updates of every CPU's from one value, in element and batch commands, checked by
    /// <c>bpf_map_check_op_flags</c> before the key and value are copied; the per-CPU update paths accept any flags up
    /// to BPF_F_ALL_CPUS and compare NOEXIST and EXIST for equality (mainline 7.0).
    /// </summary>
    public bool CpuFlags => Since(SimulatedKernelVersion.Linux7_2);

    /// <summary>
    /// Per-CPU maps store value_size bytes per CPU, so the padding up to the 8-byte slot reads back as zeros; before,
    /// the whole slot written by user space was stored (the same series as <see cref="CpuFlags"/>, mainline 7.0).
    /// </summary>
    public bool PerCpuPaddingKept => !Since(SimulatedKernelVersion.Linux7_2);

    // --- Commands --------------------------------------------------------------------------------------------------

    /// <summary>
    /// BPF_MAP_LOOKUP_AND_DELETE_ELEM works on the hash maps and has a flags field (BPF_F_LOCK); before, it was for
    /// queues and stacks only (ENOTSUPP elsewhere) and any flag was a stray attr byte (EINVAL before the descriptor is
    /// resolved; mainline 5.14).
    /// </summary>
    public bool HashLookupAndDelete => Since(SimulatedKernelVersion.Linux6_1);

    /// <summary>PERCPU_ARRAY has the generic lookup and update batches (mainline 5.13); before, ENOTSUPP.</summary>
    public bool PerCpuArrayBatches => Since(SimulatedKernelVersion.Linux6_1);

    // --- LRU (§12) -------------------------------------------------------------------------------------------------

    /// <summary>
    /// The common LRU refills a CPU's free list with <c>clamp((max_entries / ncpus) / 2, 1, 128)</c> nodes; before,
    /// always LOCAL_FREE_TARGET (128), so a full small map lost every unreferenced element at once (mainline 6.16,
    /// d4adf1c9ee77, backported to 6.12.39).
    /// </summary>
    public bool LruTargetFreeScales => Since(SimulatedKernelVersion.Linux6_12);

    /// <summary>The profile of <paramref name="version"/>.</summary>
    public static KernelProfile Of(SimulatedKernelVersion version) => Profiles[version];

    private bool Since(SimulatedKernelVersion version) => Version >= version;
}
