namespace BpfMaps;

/// <summary>
/// What BPF_OBJ_GET_INFO_BY_FD reports about a map (the first fields of <c>struct bpf_map_info</c>).
/// </summary>
/// <param name="Id">The map's id, unique among live maps; BPF_MAP_GET_FD_BY_ID opens it.</param>
/// <param name="Type"><c>type</c>.</param>
/// <param name="KeySize"><c>key_size</c>.</param>
/// <param name="ValueSize"><c>value_size</c> (per CPU for per-CPU maps, before rounding).</param>
/// <param name="MaxEntries">The effective <c>max_entries</c>: BPF_F_NO_COMMON_LRU rounds it to a multiple of the possible CPUs (reference §3.1).</param>
/// <param name="Flags"><c>map_flags</c> as stored: BPF_F_RDONLY and BPF_F_WRONLY belong to the descriptor and are stripped (reference §3.2).</param>
/// <param name="Name"><c>name</c>, empty when the map has none.</param>
public sealed record BpfMapInfo(uint Id, BpfMapType Type, uint KeySize, uint ValueSize, uint MaxEntries, BpfMapFlags Flags, string Name)
{
    /// <summary>
    /// The spec a handle opened on this map carries: the reported fields (an empty name as none). The NUMA node is not
    /// reported and stays 0.
    /// </summary>
    public BpfMapSpec ToSpec() =>
        new(Type, KeySize, ValueSize, MaxEntries) { Flags = Flags, Name = Name.Length == 0 ? null : Name };
}
