namespace BpfMaps;

/// <summary>
/// The commands of <see cref="IBpfMapBackend"/>, numbered as <c>enum bpf_cmd</c> in <c>include/uapi/linux/bpf.h</c>:
/// what a <see cref="BpfException"/> names as the command that failed, and what the simulator's steering
/// (fault injection, call counts) is told.
/// </summary>
public enum BpfMapCommand
{
    /// <summary>BPF_MAP_CREATE (<see cref="IBpfMapBackend.CreateMap"/>).</summary>
    CreateMap = 0,

    /// <summary>BPF_MAP_LOOKUP_ELEM (<see cref="IBpfMapBackend.Lookup"/>; peek for queues and stacks).</summary>
    Lookup = 1,

    /// <summary>BPF_MAP_UPDATE_ELEM (<see cref="IBpfMapBackend.Update"/>; push for queues and stacks).</summary>
    Update = 2,

    /// <summary>BPF_MAP_DELETE_ELEM (<see cref="IBpfMapBackend.Delete"/>).</summary>
    Delete = 3,

    /// <summary>BPF_MAP_GET_NEXT_KEY (<see cref="IBpfMapBackend.GetNextKey"/>).</summary>
    GetNextKey = 4,

    /// <summary>BPF_OBJ_PIN (<see cref="IBpfMapBackend.Pin"/>).</summary>
    Pin = 6,

    /// <summary>BPF_OBJ_GET (<see cref="IBpfMapBackend.OpenPinned"/>).</summary>
    OpenPinned = 7,

    /// <summary>BPF_MAP_GET_FD_BY_ID (<see cref="IBpfMapBackend.OpenMapById"/>).</summary>
    OpenMapById = 14,

    /// <summary>BPF_OBJ_GET_INFO_BY_FD (<see cref="IBpfMapBackend.GetMapInfo"/>).</summary>
    GetMapInfo = 15,

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (<see cref="IBpfMapBackend.LookupAndDelete"/>; pop for queues and stacks).</summary>
    LookupAndDelete = 21,

    /// <summary>BPF_MAP_FREEZE (<see cref="IBpfMapBackend.Freeze"/>).</summary>
    Freeze = 22,

    /// <summary>BPF_MAP_LOOKUP_BATCH (<see cref="IBpfMapBackend.LookupBatch"/>).</summary>
    LookupBatch = 24,

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH (<see cref="IBpfMapBackend.LookupAndDeleteBatch"/>).</summary>
    LookupAndDeleteBatch = 25,

    /// <summary>BPF_MAP_UPDATE_BATCH (<see cref="IBpfMapBackend.UpdateBatch"/>).</summary>
    UpdateBatch = 26,

    /// <summary>BPF_MAP_DELETE_BATCH (<see cref="IBpfMapBackend.DeleteBatch"/>).</summary>
    DeleteBatch = 27,
}
