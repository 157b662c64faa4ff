using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// One simulated map: the state a kernel <c>struct bpf_map</c> holds and the operations of its
/// <c>bpf_map_ops</c>. The command pipelines of <see cref="Rules.KernelRules"/> check permissions, flags and user
/// pointers, then call these operations. Every operation runs under <see cref="Gate"/>.
/// </summary>
/// <remarks>
/// User buffers reach the operations as spans: an empty destination is a NULL user pointer, which the operation
/// leaves alone so that the pipeline can fault after the operation's side effects (reference §14).
/// </remarks>
internal abstract class MapModel
{
    private int _openHandles;
    private byte[]? _scratch;

    protected MapModel(BpfMapSpec spec, BpfMapLayout layout, uint maxEntries, KernelProfile kernel)
    {
        Kernel = kernel;
        Spec = spec;
        Layout = layout;
        MaxEntries = maxEntries;
        KeySize = (int)spec.KeySize;
        ValueSize = checked((int)layout.ValueSize);
    }

    /// <summary>Serializes the commands on this map, so that concurrent calls behave as some serial order.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The modelled kernel, which decides where the kernels of the matrix differ.</summary>
    public KernelProfile Kernel { get; }

    /// <summary>The spec as created.</summary>
    public BpfMapSpec Spec { get; }

    /// <summary>Buffer sizes (per-CPU values included).</summary>
    public BpfMapLayout Layout { get; }

    /// <summary>The effective max_entries (hash maps with BPF_F_NO_COMMON_LRU round it, reference §3.1).</summary>
    public uint MaxEntries { get; }

    /// <summary><c>key_size</c>.</summary>
    public int KeySize { get; }

    /// <summary>Bytes of one value as user space sees it: value_size, or one padded slot per possible CPU (§2).</summary>
    public int ValueSize { get; }

    /// <summary>BPF_MAP_FREEZE was called: no descriptor may write any more (reference §10).</summary>
    public bool IsFrozen { get; set; }

    /// <summary>The map's id (BPF_MAP_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD), given by the backend when it is created.</summary>
    public uint Id { get; set; }

    /// <summary>The CPU the command being executed runs on; the backend sets it under <see cref="Gate"/> (reference §12).</summary>
    public int Cpu { get; set; }

    /// <summary>
    /// The byte offset of the value's <c>bpf_spin_lock</c>, or null when it has none. Only BTF can declare one (§9),
    /// and create decides whether it does (<see cref="Rules.KernelRules.SpinLockOf"/>).
    /// </summary>
    public int? SpinLockOffset { get; init; }

    /// <summary>Whether the value holds a <c>bpf_spin_lock</c>, so that <see cref="BpfElementFlags.Lock"/> is accepted (§9.2).</summary>
    public bool HasSpinLock => SpinLockOffset is not null;

    /// <summary>Which batch commands the map type implements (reference §8.1).</summary>
    public abstract BatchSupport BatchSupport { get; }

    /// <summary>Whether any handle to the map is still open.</summary>
    public bool IsAlive => Volatile.Read(ref _openHandles) > 0;

    /// <summary>A handle to the map was opened, or the map was pinned (a pin holds it like a handle).</summary>
    public void AddHandle() => Interlocked.Increment(ref _openHandles);

    /// <summary>
    /// A handle to the map was closed, or its pin removed; the last release frees the elements and returns true.
    /// </summary>
    public bool ReleaseHandle()
    {
        if (Interlocked.Decrement(ref _openHandles) != 0)
        {
            return false;
        }

        lock (Gate)
        {
            Free();
        }

        return true;
    }

    /// <summary>The lookup operation (peek for queues and stacks): copies the value into <paramref name="destination"/>.</summary>
    public abstract Errno LookupElement(ReadOnlySpan<byte> key, Span<byte> destination);

    /// <summary>
    /// The update operation (push for queues and stacks) with the command's flags. <paramref name="write"/> says which
    /// per-CPU slots <paramref name="value"/> fills; <paramref name="byProgram"/> when a BPF program calls it (the
    /// helper keeps the flag rules the syscall's per-CPU paths changed).
    /// </summary>
    public abstract Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags, PerCpuWrite write = default, bool byProgram = false);

    /// <summary>The delete operation.</summary>
    public abstract Errno DeleteElement(ReadOnlySpan<byte> key);

    /// <summary>The get-next-key operation; an empty <paramref name="key"/> is NULL (first key).</summary>
    public abstract Errno GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>The lookup-and-delete operation (pop for queues and stacks); types without one answer ENOTSUPP.</summary>
    public abstract Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags);

    /// <summary>
    /// The type's own LOOKUP_BATCH / LOOKUP_AND_DELETE_BATCH, for types whose <see cref="BatchSupport"/> says
    /// <see cref="BatchSupport.OwnLookup"/>.
    /// </summary>
    public virtual Errno LookupBatch(ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete) =>
        throw new InvalidOperationException($"{Spec.Type} maps have no lookup batch of their own.");

    /// <summary>
    /// Copies a whole stored value into element <paramref name="index"/> of a batch values buffer: the whole value, or
    /// with BPF_F_CPU the value_size bytes of that CPU's slot, at the stride the flags give
    /// (<see cref="Rules.KernelRules.UserValueSize"/>).
    /// </summary>
    public void CopyValueOut(ReadOnlySpan<byte> stored, Span<byte> values, uint index, BpfElementFlags flags)
    {
        var size = Rules.KernelRules.UserValueSize(this, flags);
        var source = size < ValueSize ? stored.Slice((int)Layout.SlotOffset((int)((ulong)flags >> 32)), size) : stored[..size];
        source.CopyTo(values[(int)(index * (uint)size)..]);
    }

    /// <summary>
    /// A buffer of <paramref name="length"/> bytes for the command running under <see cref="Gate"/>, made once per map
    /// (kernel commands use buffers of their own too), so that commands allocate nothing in steady state. Its contents
    /// are whatever the last command left; a command must not hold it across a call to another that uses it.
    /// </summary>
    public Span<byte> Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            _scratch = new byte[length];
        }

        return _scratch.AsSpan(0, length);
    }

    /// <summary>Drops every element once the last handle is closed.</summary>
    protected abstract void Free();

    /// <summary>
    /// Writes a user value into a stored one as <paramref name="write"/> says: the whole value, or one value_size value
    /// into one CPU's slot or every CPU's, the rest of the stored value kept (zeros where <paramref name="fresh"/>: the
    /// value of a new element). The bytes the kernel does not store are left zero (§9.2: the lock bytes are never taken
    /// from user space, and read as 0; per-CPU padding only where the kernel keeps it).
    /// </summary>
    protected void WriteValue(ReadOnlySpan<byte> value, Span<byte> stored, PerCpuWrite write, bool fresh)
    {
        if (write.Kind == PerCpuWriteKind.Whole)
        {
            value[..ValueSize].CopyTo(stored);
        }
        else
        {
            if (fresh)
            {
                stored.Clear();
            }

            var cpuValue = value[..(int)Spec.ValueSize];
            for (var cpu = 0; cpu < Layout.PossibleCpus; cpu++)
            {
                if (write.Kind == PerCpuWriteKind.EveryCpu || cpu == write.Cpu)
                {
                    cpuValue.CopyTo(stored[checked((int)Layout.SlotOffset(cpu))..]);
                }
            }
        }

        ClearUnstoredBytes(stored);
    }

    // copy_map_value skips the lock, and an unheld lock is 0; every read path zeroes it (check_and_init_map_value).
    // Per-CPU slots keep the padding user space wrote only where the kernel copies whole 8-byte slots
    // (KernelProfile.PerCpuPaddingKept); otherwise the padding stays as allocated, zero.
    private void ClearUnstoredBytes(Span<byte> stored)
    {
        if (SpinLockOffset is { } offset)
        {
            stored.Slice(offset, Rules.KernelLimits.SpinLockSize).Clear();
        }

        var padding = (int)(Layout.PerCpuSlotSize - Spec.ValueSize);
        if (Layout.IsPerCpu && padding > 0 && !Kernel.PerCpuPaddingKept)
        {
            for (var cpu = 0; cpu < Layout.PossibleCpus; cpu++)
            {
                stored.Slice((int)(Layout.SlotOffset(cpu) + Spec.ValueSize), padding).Clear();
            }
        }
    }
}

/// <summary>The batch commands a map type implements, as the presence of its <c>bpf_map_ops</c> members (reference §8.1).</summary>
[Flags]
internal enum BatchSupport
{
    /// <summary>No batch command (QUEUE, STACK).</summary>
    None = 0,

    /// <summary>LOOKUP_BATCH through the generic key cursor (ARRAY, PERCPU_ARRAY).</summary>
    GenericLookup = 1,

    /// <summary>LOOKUP_BATCH and LOOKUP_AND_DELETE_BATCH of the type's own (hash bucket cursor).</summary>
    OwnLookup = 2,

    /// <summary>UPDATE_BATCH (generic).</summary>
    Update = 4,

    /// <summary>DELETE_BATCH (generic).</summary>
    Delete = 8,
}
