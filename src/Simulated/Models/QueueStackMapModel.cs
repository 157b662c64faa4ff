using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// QUEUE and STACK (<c>queue_stack_maps.c</c>): no keys; update pushes, lookup peeks, lookup-and-delete pops
/// (reference §11.2). A queue yields its oldest element, a stack its newest; a push with BPF_EXIST into a full map
/// drops the oldest element (queue head, stack bottom) to make room.
/// </summary>
/// <remarks>
/// The elements are a ring of value slots, as the kernel's (<c>queue_stack_map_alloc</c>), grown as the map first
/// fills and then reused, so that pushes and pops allocate nothing in steady state.
/// </remarks>
internal sealed class QueueStackMapModel(BpfMapSpec spec, BpfMapLayout layout, KernelProfile kernel) : MapModel(spec, layout, spec.MaxEntries, kernel)
{
    private readonly bool _isStack = spec.Type == BpfMapType.Stack;

    // The elements, oldest first from _oldest, wrapping round; slots past _count keep their storage for later pushes.
    private byte[]?[] _slots = [];
    private int _oldest;
    private int _count;

    /// <inheritdoc />
    public override BatchSupport BatchSupport => BatchSupport.None;

    /// <inheritdoc />
    public override Errno LookupElement(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        if (_count == 0)
        {
            return KernelRules.QueueStackEmpty();
        }

        Copy(_slots[NextSlot()]!, destination);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags, PerCpuWrite write = default, bool byProgram = false)
    {
        var full = (uint)_count >= MaxEntries;
        var errno = KernelRules.QueueStackPush(flags, full);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (full)
        {
            // §11.2: BPF_EXIST on a full map overwrites the oldest element.
            _oldest = Wrap(_oldest + 1);
            _count--;
        }
        else if (_count == _slots.Length)
        {
            Grow();
        }

        var slot = Wrap(_oldest + _count);
        var stored = _slots[slot] ??= new byte[ValueSize];
        value[..ValueSize].CopyTo(stored);
        _count++;
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno DeleteElement(ReadOnlySpan<byte> key) => KernelRules.QueueStackKeyOperation();

    /// <inheritdoc />
    public override Errno GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => KernelRules.QueueStackKeyOperation();

    /// <inheritdoc />
    public override Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags)
    {
        if (_count == 0)
        {
            return KernelRules.QueueStackEmpty();
        }

        // §11.2, §14: the element is removed even if the value cannot be written.
        var slot = NextSlot();
        if (!_isStack)
        {
            _oldest = Wrap(_oldest + 1);
        }

        _count--;
        Copy(_slots[slot]!, destination);
        return Errno.None;
    }

    /// <summary>Copies of the elements in the order pops would return them (oldest first for a queue, newest first for a stack).</summary>
    public IReadOnlyList<byte[]> InPopOrder()
    {
        var copies = new List<byte[]>(_count);
        for (var i = 0; i < _count; i++)
        {
            copies.Add(_slots[Wrap(_oldest + i)]!.ToArray());
        }

        if (_isStack)
        {
            copies.Reverse();
        }

        return copies;
    }

    /// <inheritdoc />
    protected override void Free()
    {
        _slots = [];
        _oldest = 0;
        _count = 0;
    }

    // The slot a peek or pop reads: the oldest element of a queue, the newest of a stack.
    private int NextSlot() => _isStack ? Wrap(_oldest + _count - 1) : _oldest;

    private int Wrap(int index) => index >= _slots.Length ? index - _slots.Length : index;

    // Doubles the ring up to max_entries slots, oldest element first.
    private void Grow()
    {
        var capacity = (int)Math.Min(Math.Max(4L, 2L * _slots.Length), Math.Min(MaxEntries, (uint)Array.MaxLength));
        var slots = new byte[]?[capacity];
        for (var i = 0; i < _slots.Length; i++)
        {
            slots[i] = _slots[Wrap(_oldest + i)];
        }

        _slots = slots;
        _oldest = 0;
    }

    private static void Copy(byte[] value, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            value.CopyTo(destination);
        }
    }
}
