namespace BpfMaps;

/// <summary>
/// A BPF map type (<c>enum bpf_map_type</c> in <c>include/uapi/linux/bpf.h</c>). The numbers are the UAPI's, so any
/// value can be cast to this type and sent; the kernel answers <see cref="Errno.EINVAL"/> for types it does not know.
/// </summary>
public enum BpfMapType : uint
{
    /// <summary>BPF_MAP_TYPE_UNSPEC: never a valid map type.</summary>
    Unspecified = 0,
    /// <summary>BPF_MAP_TYPE_HASH.</summary>
    Hash = 1,
    /// <summary>BPF_MAP_TYPE_ARRAY.</summary>
    Array = 2,
    /// <summary>BPF_MAP_TYPE_PERCPU_HASH.</summary>
    PerCpuHash = 5,
    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY.</summary>
    PerCpuArray = 6,
    /// <summary>BPF_MAP_TYPE_LRU_HASH.</summary>
    LruHash = 9,
    /// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH.</summary>
    LruPerCpuHash = 10,
    /// <summary>BPF_MAP_TYPE_QUEUE.</summary>
    Queue = 22,
    /// <summary>BPF_MAP_TYPE_STACK.</summary>
    Stack = 23,
}

/// <summary>Families of map types: the one place that says which type belongs where.</summary>
public static class BpfMapTypeFamilies
{
    /// <summary>HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH: the types implemented by <c>hashtab.c</c>.</summary>
    public static bool IsHashFamily(this BpfMapType type) =>
        type is BpfMapType.Hash or BpfMapType.PerCpuHash or BpfMapType.LruHash or BpfMapType.LruPerCpuHash;

    /// <summary>ARRAY and PERCPU_ARRAY.</summary>
    public static bool IsArrayFamily(this BpfMapType type) => type is BpfMapType.Array or BpfMapType.PerCpuArray;

    /// <summary>LRU_HASH and LRU_PERCPU_HASH.</summary>
    public static bool IsLru(this BpfMapType type) => type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;

    /// <summary>QUEUE and STACK: no keys, push/peek/pop through the element commands.</summary>
    public static bool IsQueueOrStack(this BpfMapType type) => type is BpfMapType.Queue or BpfMapType.Stack;

    /// <summary>Types whose values hold one slot per possible CPU (reference §2).</summary>
    public static bool IsPerCpu(this BpfMapType type) =>
        type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash;
}
