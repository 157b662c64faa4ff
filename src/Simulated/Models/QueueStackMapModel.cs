using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// QUEUE and STACK (<c>queue_stack_maps.c</c>): no keys; update pushes, lookup peeks, lookup-and-delete pops
/// (reference §11.2). A queue yields its oldest element, a stack its newest; a push with BPF_EXIST into a full map
/// drops the oldest element (queue head, stack bottom) to make room.
/// </summary>
internal sealed class QueueStackMapModel(BpfMapSpec spec, BpfMapLayout layout) : MapModel(spec, layout, spec.MaxEntries)
{
    // Oldest element first, for both types.
    private readonly LinkedList<byte[]> _elements = new();
    private readonly bool _isStack = spec.Type == BpfMapType.Stack;

    /// <inheritdoc />
    public override BatchSupport BatchSupport => BatchSupport.None;

    /// <inheritdoc />
    public override Errno LookupElement(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var next = _isStack ? _elements.Last : _elements.First;
        if (next is null)
        {
            return KernelRules.QueueStackEmpty();
        }

        Copy(next.Value, destination);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        var full = _elements.Count >= MaxEntries;
        var errno = KernelRules.QueueStackPush(flags, full);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (full)
        {
            // §11.2: BPF_EXIST on a full map overwrites the oldest element.
            _elements.RemoveFirst();
        }

        _elements.AddLast(value[..ValueSize].ToArray());
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno DeleteElement(ReadOnlySpan<byte> key) => KernelRules.QueueStackKeyOperation();

    /// <inheritdoc />
    public override Errno GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => KernelRules.QueueStackKeyOperation();

    /// <inheritdoc />
    public override Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags)
    {
        var next = _isStack ? _elements.Last : _elements.First;
        if (next is null)
        {
            return KernelRules.QueueStackEmpty();
        }

        // §11.2, §14: the element is removed even if the value cannot be written.
        _elements.Remove(next);
        Copy(next.Value, destination);
        return Errno.None;
    }

    /// <summary>Copies of the elements in the order pops would return them (oldest first for a queue, newest first for a stack).</summary>
    public IReadOnlyList<byte[]> InPopOrder()
    {
        var copies = _elements.Select(e => e.ToArray()).ToList();
        if (_isStack)
        {
            copies.Reverse();
        }

        return copies;
    }

    /// <inheritdoc />
    protected override void Free() => _elements.Clear();

    private static void Copy(byte[] value, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            value.CopyTo(destination);
        }
    }
}
