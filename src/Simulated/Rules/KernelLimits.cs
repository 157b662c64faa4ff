namespace BpfMaps.Simulated.Rules;

/// <summary>The kernel constants that the errno decisions of <see cref="KernelRules"/> compare against (Linux 6.18, x86_64).</summary>
internal static class KernelLimits
{
    /// <summary>KMALLOC_MAX_SIZE with 4 KiB pages and SLUB: 4 MiB (reference §3.1).</summary>
    public const ulong KmallocMaxSize = 4UL << 20;

    /// <summary>sizeof(struct htab_elem), subtracted from KMALLOC_MAX_SIZE for the hash key+value limit (§3.1).</summary>
    public const ulong HashElementHeaderSize = 48;

    /// <summary>PCPU_MIN_UNIT_SIZE: the largest rounded per-CPU value (§3.1).</summary>
    public const ulong PerCpuMinUnitSize = 32768;

    /// <summary>The largest hash max_entries before roundup_pow_of_two (§3.1: 2^31).</summary>
    public const ulong HashMaxEntriesLimit = 1UL << 31;

    /// <summary>sizeof(struct bucket): the bucket array must stay below 4 GiB (§3.1: effectively max_entries ≤ 2^27).</summary>
    public const ulong HashBucketSize = 16;

    /// <summary>The highest <c>enum bpf_map_type</c> value 6.18 knows (BPF_MAP_TYPE_ARENA); higher numbers are EINVAL (§3.3).</summary>
    public const uint HighestKnownMapType = 33;

    /// <summary>BPF_MAP_TYPE_BLOOM_FILTER, one of the two types that use <c>map_extra</c> (§3.3).</summary>
    public const uint BloomFilterMapType = 30;

    /// <summary>BPF_MAP_TYPE_ARENA, the other type that uses <c>map_extra</c> (§3.3).</summary>
    public const uint ArenaMapType = 33;

    /// <summary>The NUMA nodes of the modelled machine: one, node 0 (§0: 1 NUMA node).</summary>
    public const uint NumaNodeCount = 1;

    /// <summary>NUMA_NO_NODE as the kernel reads <c>numa_node</c> (an int): 0xffffffff means "no node".</summary>
    public const uint NoNumaNode = uint.MaxValue;

    /// <summary>BPF_F_TOKEN_FD: stripped from map_flags before the type checks (syscall.c:map_create).</summary>
    public const BpfMapFlags TokenFd = (BpfMapFlags)(1u << 16);

    /// <summary>BPF_F_ACCESS_MASK: RDONLY, WRONLY, RDONLY_PROG, WRONLY_PROG.</summary>
    public const BpfMapFlags AccessMask =
        BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly | BpfMapFlags.ReadOnlyProg | BpfMapFlags.WriteOnlyProg;

    /// <summary>HTAB_CREATE_FLAG_MASK: the map_flags hash maps accept (§3.2).</summary>
    public const BpfMapFlags HashCreateFlags =
        BpfMapFlags.NoPrealloc | BpfMapFlags.NoCommonLru | BpfMapFlags.NumaNode | AccessMask | BpfMapFlags.ZeroSeed;

    /// <summary>ARRAY_CREATE_FLAG_MASK: the map_flags array maps accept before the per-type checks (§3.2).</summary>
    public const BpfMapFlags ArrayCreateFlags =
        BpfMapFlags.NumaNode | BpfMapFlags.Mmapable | AccessMask | BpfMapFlags.PreserveElems | BpfMapFlags.InnerMap;

    /// <summary>QUEUE_STACK_CREATE_FLAG_MASK (§3.2).</summary>
    public const BpfMapFlags QueueStackCreateFlags = BpfMapFlags.NumaNode | AccessMask;

    /// <summary>LOCAL_FREE_TARGET of the common LRU: the most nodes a CPU's free list takes at once (§12.1).</summary>
    public const int LruLocalFreeTarget = 128;

    /// <summary>MAX_BPF_STACK: the longest hash key before keys and values were bounded together (docs/kernels.md).</summary>
    public const uint MaxBpfStack = 512;

    /// <summary>
    /// U32_MAX − PAGE_SIZE: the smallest charge <c>bpf_map_charge_init</c> refused with E2BIG, while maps were charged
    /// to RLIMIT_MEMLOCK (docs/kernels.md).
    /// </summary>
    public const ulong MemlockChargeLimit = uint.MaxValue - PageSize;

    /// <summary>PAGE_SIZE, for the page-aligned layout of mmapable arrays.</summary>
    public const ulong PageSize = 4096;

    /// <summary>sizeof(struct bpf_spin_lock), which is also its alignment (§9).</summary>
    public const int SpinLockSize = 4;

    /// <summary>BPF_F_PATH_FD: BPF_OBJ_GET and BPF_OBJ_PIN accept it (then path_fd, which the contract leaves 0, anchors relative paths).</summary>
    public const BpfOpenFlags PathFd = (BpfOpenFlags)(1u << 14);
}
