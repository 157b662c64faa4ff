namespace BpfMaps;

/// <summary>
/// How a map's keys, values and batch cursors lie in user buffers: the one place that does this arithmetic
/// (reference §2, §8.3, §8.4).
/// </summary>
public sealed class BpfMapLayout
{
    /// <summary>
    /// Bytes of a batch cursor (<c>in_batch</c>/<c>out_batch</c>): a u32 bucket index for hash maps, a u32 array key
    /// for arrays (whose key_size is always 4).
    /// </summary>
    public const int CursorSize = sizeof(uint);

    /// <summary>Computes the layout of a map with <paramref name="spec"/> on a machine with that many possible CPUs.</summary>
    public BpfMapLayout(BpfMapSpec spec, int possibleCpus)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(possibleCpus, 1);
        IsPerCpu = spec.Type.IsPerCpu();
        PossibleCpus = possibleCpus;
        KeySize = spec.KeySize;
        PerCpuSlotSize = IsPerCpu ? RoundUpTo8(spec.ValueSize) : spec.ValueSize;
        ValueSize = IsPerCpu ? PerCpuSlotSize * (ulong)possibleCpus : spec.ValueSize;
    }

    /// <summary>Whether values hold one slot per possible CPU.</summary>
    public bool IsPerCpu { get; }

    /// <summary>The possible-CPU count the per-CPU layout was computed for.</summary>
    public int PossibleCpus { get; }

    /// <summary>Bytes of one key.</summary>
    public ulong KeySize { get; }

    /// <summary>
    /// Bytes of one value in a user buffer: <c>value_size</c>, or for per-CPU maps
    /// <c>round_up(value_size, 8) × possible CPUs</c>. Also the element stride of batch value buffers.
    /// </summary>
    public ulong ValueSize { get; }

    /// <summary>Bytes of one CPU's slot in a per-CPU value (<c>round_up(value_size, 8)</c>); <c>value_size</c> otherwise.</summary>
    public ulong PerCpuSlotSize { get; }

    /// <summary>Offset of CPU <paramref name="cpu"/>'s slot in a per-CPU value.</summary>
    public ulong SlotOffset(int cpu) => (ulong)cpu * PerCpuSlotSize;

    /// <summary><c>round_up(size, 8)</c>, the kernel's per-CPU slot rounding.</summary>
    public static ulong RoundUpTo8(ulong size) => (size + 7) & ~7UL;
}
