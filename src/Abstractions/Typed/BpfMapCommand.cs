namespace BpfMaps;

/// <summary>The commands of <see cref="IBpfMapBackend"/>, as a <see cref="BpfException"/> names the one that failed.</summary>
public enum BpfMapCommand
{
    /// <summary>BPF_MAP_CREATE.</summary>
    CreateMap,
    /// <summary>BPF_MAP_LOOKUP_ELEM (peek for queues and stacks).</summary>
    Lookup,
    /// <summary>BPF_MAP_UPDATE_ELEM (push for queues and stacks).</summary>
    Update,
    /// <summary>BPF_MAP_DELETE_ELEM.</summary>
    Delete,
    /// <summary>BPF_MAP_GET_NEXT_KEY.</summary>
    GetNextKey,
    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (pop for queues and stacks).</summary>
    LookupAndDelete,
    /// <summary>BPF_MAP_FREEZE.</summary>
    Freeze,
    /// <summary>BPF_MAP_LOOKUP_BATCH.</summary>
    LookupBatch,
    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH.</summary>
    LookupAndDeleteBatch,
    /// <summary>BPF_MAP_UPDATE_BATCH.</summary>
    UpdateBatch,
    /// <summary>BPF_MAP_DELETE_BATCH.</summary>
    DeleteBatch,
    /// <summary>BPF_MAP_GET_FD_BY_ID.</summary>
    OpenMapById,
    /// <summary>BPF_OBJ_GET_INFO_BY_FD.</summary>
    GetMapInfo,
    /// <summary>BPF_OBJ_PIN.</summary>
    Pin,
    /// <summary>BPF_OBJ_GET.</summary>
    OpenPinned,
}
