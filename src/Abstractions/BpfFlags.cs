namespace BpfMaps;

/// <summary>
/// <c>map_flags</c> of BPF_MAP_CREATE (UAPI numbers). Raw values: any bit can be sent, so tests can observe the
/// kernel's <see cref="Errno.EINVAL"/> for bits a map type does not accept (reference §3.2).
/// </summary>
[Flags]
public enum BpfMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>BPF_F_NO_PREALLOC: allocate hash elements on demand.</summary>
    NoPrealloc = 1 << 0,
    /// <summary>BPF_F_NO_COMMON_LRU: one LRU list per CPU.</summary>
    NoCommonLru = 1 << 1,
    /// <summary>BPF_F_NUMA_NODE: honour <see cref="BpfMapSpec.NumaNode"/>.</summary>
    NumaNode = 1 << 2,
    /// <summary>BPF_F_RDONLY: the returned descriptor can only read.</summary>
    ReadOnly = 1 << 3,
    /// <summary>BPF_F_WRONLY: the returned descriptor can only write.</summary>
    WriteOnly = 1 << 4,
    /// <summary>BPF_F_STACK_BUILD_ID (stack trace maps only).</summary>
    StackBuildId = 1 << 5,
    /// <summary>BPF_F_ZERO_SEED: hash with seed 0, so iteration order is reproducible (needs CAP_SYS_ADMIN).</summary>
    ZeroSeed = 1 << 6,
    /// <summary>BPF_F_RDONLY_PROG: BPF programs may only read.</summary>
    ReadOnlyProg = 1 << 7,
    /// <summary>BPF_F_WRONLY_PROG: BPF programs may only write.</summary>
    WriteOnlyProg = 1 << 8,
    /// <summary>BPF_F_CLONE (socket storage only).</summary>
    Clone = 1 << 9,
    /// <summary>BPF_F_MMAPABLE (ARRAY only).</summary>
    Mmapable = 1 << 10,
    /// <summary>BPF_F_PRESERVE_ELEMS (perf event arrays only).</summary>
    PreserveElems = 1 << 11,
    /// <summary>BPF_F_INNER_MAP (ARRAY only).</summary>
    InnerMap = 1 << 12,
}

/// <summary>
/// Element flags: <c>flags</c> of the element commands and <c>elem_flags</c> of the batch commands (UAPI numbers).
/// Raw values: invalid bits can be sent and the kernel's answer observed.
/// </summary>
[Flags]
public enum BpfElementFlags : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace only.</summary>
    Exist = 2,
    /// <summary>BPF_F_LOCK: take the value's bpf_spin_lock.</summary>
    Lock = 4,
    /// <summary>
    /// BPF_F_CPU (Linux 7.0, per-CPU maps): the command reads or writes the value of one CPU only, the CPU number in the
    /// upper 32 bits of the flags (<c>Cpu | (cpu &lt;&lt; 32)</c>); that value is value_size bytes, without padding.
    /// </summary>
    Cpu = 8,
    /// <summary>BPF_F_ALL_CPUS (Linux 7.0, per-CPU maps): an update writes one value_size value to every CPU.</summary>
    AllCpus = 16,
}

/// <summary>
/// <c>batch.flags</c> of the batch commands. No bit is defined; the kernel ignores the field for update and delete
/// batches and array lookups, and rejects non-zero values for hash lookups (reference §8.2).
/// </summary>
[Flags]
public enum BpfBatchFlags : ulong
{
    /// <summary>No flags.</summary>
    None = 0,
}

/// <summary>What a map handle may do, as the kernel decides from the descriptor's mode (reference §10).</summary>
public enum BpfMapAccess
{
    /// <summary>Read and write.</summary>
    ReadWrite = 0,
    /// <summary>Opened with BPF_F_RDONLY: writes give <see cref="Errno.EPERM"/>.</summary>
    ReadOnly = 1,
    /// <summary>Opened with BPF_F_WRONLY: reads give <see cref="Errno.EPERM"/>.</summary>
    WriteOnly = 2,
}
