namespace BpfMaps;

/// <summary>
/// <c>open_flags</c> of BPF_MAP_GET_FD_BY_ID and <c>file_flags</c> of BPF_OBJ_GET (UAPI numbers, the same bits as
/// <see cref="BpfMapFlags.ReadOnly"/> and <see cref="BpfMapFlags.WriteOnly"/>). Raw values: any bit can be sent, so the
/// kernel's <see cref="Errno.EINVAL"/> for both bits together, or for other bits, can be observed (reference §10).
/// </summary>
[Flags]
public enum BpfOpenFlags : uint
{
    /// <summary>A read-write descriptor.</summary>
    None = 0,
    /// <summary>BPF_F_RDONLY: a descriptor that can only read.</summary>
    ReadOnly = 1 << 3,
    /// <summary>BPF_F_WRONLY: a descriptor that can only write.</summary>
    WriteOnly = 1 << 4,
}

/// <summary>What a descriptor opened with given <see cref="BpfOpenFlags"/> may do.</summary>
public static class BpfOpenFlagsExtensions
{
    /// <summary>
    /// The access mode of a descriptor opened with <paramref name="flags"/>: the kernel reads only the RDONLY and WRONLY
    /// bits (bpf_get_file_flag; both together never open one), so BPF_OBJ_GET with BPF_F_PATH_FD beside BPF_F_RDONLY
    /// opens a read-only descriptor (reference §10).
    /// </summary>
    public static BpfMapAccess ToAccess(this BpfOpenFlags flags) => (flags & (BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly)) switch
    {
        BpfOpenFlags.ReadOnly => BpfMapAccess.ReadOnly,
        BpfOpenFlags.WriteOnly => BpfMapAccess.WriteOnly,
        _ => BpfMapAccess.ReadWrite,
    };
}
