using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// ARRAY and PERCPU_ARRAY (<c>arraymap.c</c>): max_entries zero-filled elements indexed by a little-endian u32 key,
/// which always exist and cannot be deleted (reference §4, §5.2, §6, §7.1, §8.4). Only written elements are stored,
/// so a large array costs nothing until it is used. Per-CPU values are stored whole, padding included (§2).
/// </summary>
internal sealed class ArrayMapModel(BpfMapSpec spec, BpfMapLayout layout, KernelProfile kernel) : MapModel(spec, layout, spec.MaxEntries, kernel)
{
    private readonly Dictionary<uint, byte[]> _written = [];

    /// <inheritdoc />
    public override BatchSupport BatchSupport =>
        Spec.Type == BpfMapType.PerCpuArray && !Kernel.PerCpuArrayBatches ? BatchSupport.None : BatchSupport.GenericLookup | BatchSupport.Update;

    /// <inheritdoc />
    public override Errno LookupElement(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var index = KernelRules.ReadU32(key);
        var errno = KernelRules.ArrayLookup(index, MaxEntries);
        if (errno != Errno.None || destination.IsEmpty)
        {
            return errno;
        }

        // §4: an element never written reads as zeros.
        if (_written.TryGetValue(index, out var value))
        {
            value.CopyTo(destination);
        }
        else
        {
            destination[..ValueSize].Clear();
        }

        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags, PerCpuWrite write = default, bool byProgram = false)
    {
        var index = KernelRules.ReadU32(key);
        var errno = KernelRules.ArrayUpdate(this, index, flags, byProgram);
        if (errno != Errno.None)
        {
            return errno;
        }

        // §5.2: every CPU's slot is written, padding included; §9.2: the lock bytes are not.
        if (_written.TryGetValue(index, out var stored))
        {
            WriteValue(value, stored, write, fresh: false);
        }
        else
        {
            // An element never written holds zeros.
            stored = new byte[ValueSize];
            WriteValue(value, stored, write, fresh: true);
            _written[index] = stored;
        }

        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno DeleteElement(ReadOnlySpan<byte> key) => KernelRules.ArrayDelete();

    /// <inheritdoc />
    public override Errno GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        // §7.1: NULL or an index at or past the end restarts at 0; the last index ends the iteration.
        var index = key.IsEmpty ? uint.MaxValue : KernelRules.ReadU32(key);
        uint next;
        if (index >= MaxEntries)
        {
            next = 0;
        }
        else if (index == MaxEntries - 1)
        {
            return KernelRules.EndOfIteration();
        }
        else
        {
            next = index + 1;
        }

        if (!nextKey.IsEmpty)
        {
            KernelRules.WriteU32(nextKey, next);
        }

        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags) =>
        KernelRules.NotSupported(); // §11.1: arrays have no lookup-and-delete, for any key.

    /// <inheritdoc />
    protected override void Free() => _written.Clear();
}
