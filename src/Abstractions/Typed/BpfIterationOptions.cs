namespace BpfMaps;

/// <summary>
/// How a map reader sizes its buffer and when it gives up. Zero means automatic for every property; every setter
/// validates its value.
/// </summary>
/// <remarks>
/// Automatic sizes: the first chunk holds <c>64 KiB / (key + value bytes)</c> elements, at least 16 and at most 4096,
/// never more than <c>max_entries</c>. A hash batch read skips empty buckets without cost, so one chunk covers many
/// buckets of a sparse map. The chunk doubles after every call that had more to return, and on ENOSPC (a bucket
/// larger than the chunk), up to <see cref="MaxChunkSize"/>: automatically <c>max_entries</c> elements or 4 MiB of
/// keys and values, whichever is less. The step limit is automatically <c>4 × (max_entries + 16)</c> commands, twice
/// what a full get-next-key walk needs.
/// </remarks>
public sealed class BpfIterationOptions
{
    private int _initialChunkSize;
    private int _maxChunkSize;
    private long _maxSteps;

    /// <summary>Elements the first batch call asks for; 0 for automatic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int InitialChunkSize
    {
        get => _initialChunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _initialChunkSize = value;
        }
    }

    /// <summary>The most elements one call may ask for as the chunk grows; 0 for automatic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxChunkSize
    {
        get => _maxChunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxChunkSize = value;
        }
    }

    /// <summary>
    /// The most commands one pass may send before it stops with <see cref="BpfIterationStatus.StoppedAfterBoundedSteps"/>
    /// (a get-next-key walk restarts from the first key when its key is deleted under it); 0 for automatic.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long MaxSteps
    {
        get => _maxSteps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxSteps = value;
        }
    }
}

/// <summary>Where a reader's pass stands.</summary>
public enum BpfIterationStatus
{
    /// <summary>No chunk has been read since the reader was created or reset.</summary>
    NotStarted,
    /// <summary>Chunks are being read.</summary>
    InProgress,
    /// <summary>The pass reached the end of the map.</summary>
    Completed,
    /// <summary>
    /// The pass sent <see cref="BpfIterationOptions.MaxSteps"/> commands without reaching the end, as happens when
    /// other writers keep deleting the key a get-next-key walk stands on; it may have missed or repeated elements.
    /// </summary>
    StoppedAfterBoundedSteps,
}

/// <summary>The commands a reader uses.</summary>
public enum BpfIterationMethod
{
    /// <summary>BPF_MAP_LOOKUP_BATCH (or BPF_MAP_LOOKUP_AND_DELETE_BATCH when draining), a chunk per call.</summary>
    Batch,
    /// <summary>
    /// BPF_MAP_GET_NEXT_KEY and an element lookup (or lookup-and-delete) per key: the fallback where the map type or
    /// the kernel has no batch lookup.
    /// </summary>
    GetNextKey,
}
