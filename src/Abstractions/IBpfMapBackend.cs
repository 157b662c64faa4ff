namespace BpfMaps;

/// <summary>
/// The BPF map commands of <c>bpf(2)</c>, errno-exact. Every method returns the kernel's outcome as an
/// <see cref="Errno"/> (<see cref="Errno.None"/> on success); kernel outcomes are never exceptions.
/// </summary>
/// <remarks>
/// <para>An empty span stands for a NULL pointer, so calls the kernel answers with <see cref="Errno.EFAULT"/> (or
/// treats specially, as queue and stack keys) can be made safely.</para>
/// <para>Programming errors the kernel cannot see throw before anything reaches the map, identically on every
/// backend: a non-empty buffer shorter than the map needs (the kernel would write past it), a batch count larger than
/// a non-empty buffer holds, a disposed handle, a handle of another backend. See <see cref="BpfMapArguments"/>.
/// A buffer longer than the map needs is fine: only the map's sizes are read or written, and the bytes past them are
/// left as they were.</para>
/// <para>Flags are raw values: invalid bits are sent as given and the answer is the kernel's.</para>
/// </remarks>
public interface IBpfMapBackend
{
    /// <summary>Number of possible CPUs, which sets the size of per-CPU values (reference §2).</summary>
    int PossibleCpuCount { get; }

    /// <summary>
    /// The Linux version whose behaviour this backend has: the running kernel's for the kernel backend, the modelled
    /// one for a simulator. Behaviour differs between versions (docs/kernels.md); the conformance catalog judges a
    /// backend against <see cref="LinuxKernelVersion.ProfileFor"/> of this version.
    /// </summary>
    LinuxKernelVersion KernelVersion { get; }

    /// <summary>BPF_MAP_CREATE. On success <paramref name="map"/> is the new handle; otherwise it is null.</summary>
    Errno CreateMap(BpfMapSpec spec, out BpfMapHandle? map);

    /// <summary>BPF_MAP_LOOKUP_ELEM (peek for queues and stacks, whose key must be empty).</summary>
    Errno Lookup(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any);

    /// <summary>BPF_MAP_UPDATE_ELEM (push for queues and stacks, whose key must be empty).</summary>
    Errno Update(BpfMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags = BpfElementFlags.Any);

    /// <summary>BPF_MAP_DELETE_ELEM.</summary>
    Errno Delete(BpfMapHandle map, ReadOnlySpan<byte> key);

    /// <summary>BPF_MAP_GET_NEXT_KEY; an empty <paramref name="key"/> asks for the first key.</summary>
    Errno GetNextKey(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (pop for queues and stacks, whose key must be empty).</summary>
    Errno LookupAndDelete(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any);

    /// <summary>BPF_MAP_FREEZE: no further writes through any descriptor.</summary>
    Errno Freeze(BpfMapHandle map);

    /// <summary>
    /// BPF_MAP_LOOKUP_BATCH. <paramref name="count"/> is in/out: at most that many elements are read, and the
    /// number read is written back as the kernel writes it. Cursors are <see cref="BpfMapLayout.CursorSize"/> bytes;
    /// an empty <paramref name="inBatch"/> starts from the beginning.
    /// </summary>
    Errno LookupBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None);

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH; arguments as <see cref="LookupBatch"/>.</summary>
    Errno LookupAndDeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None);

    /// <summary>
    /// BPF_MAP_UPDATE_BATCH: updates <paramref name="count"/> elements in order; on failure <paramref name="count"/>
    /// is the number processed before the failing one (no rollback).
    /// </summary>
    Errno UpdateBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None);

    /// <summary>BPF_MAP_DELETE_BATCH; <paramref name="count"/> as in <see cref="UpdateBatch"/>.</summary>
    Errno DeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None);

    /// <summary>
    /// BPF_MAP_GET_FD_BY_ID: opens another handle to the live map with id <paramref name="id"/>, with its own access
    /// mode: <see cref="BpfOpenFlags.None"/> gives a read-write handle even to a map created read-only (reference §10).
    /// An unknown id gives <see cref="Errno.ENOENT"/>; both access bits, or any other bit, <see cref="Errno.EINVAL"/>.
    /// The handle's <see cref="BpfMapHandle.Spec"/> is <see cref="BpfMapInfo.ToSpec"/> of the map's info.
    /// </summary>
    Errno OpenMapById(uint id, BpfOpenFlags openFlags, out BpfMapHandle? map);

    /// <summary>BPF_OBJ_GET_INFO_BY_FD: what the kernel reports about the map; on failure <paramref name="info"/> is null.</summary>
    Errno GetMapInfo(BpfMapHandle map, out BpfMapInfo? info);

    /// <summary>
    /// BPF_OBJ_PIN: pins the map at <paramref name="path"/>, a new name in a directory of a BPF file system (bpffs).
    /// The pin keeps the map alive after every handle is closed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains a NUL character.</exception>
    Errno Pin(BpfMapHandle map, string path);

    /// <summary>
    /// BPF_OBJ_GET: opens a handle to the map pinned at <paramref name="path"/>, with the access mode of
    /// <paramref name="fileFlags"/> (as <see cref="OpenMapById"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains a NUL character.</exception>
    Errno OpenPinned(string path, BpfOpenFlags fileFlags, out BpfMapHandle? map);
}
