namespace BpfMaps;

/// <summary>
/// A BPF_MAP_TYPE_QUEUE or BPF_MAP_TYPE_STACK map: values without keys, pushed, peeked and popped
/// (reference §11.2). <c>sizeof(T)</c> is the map's value_size.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public abstract class BpfQueueOrStack<T> : BpfMap
    where T : unmanaged
{
    private protected BpfQueueOrStack(BpfMapHandle handle)
        : base(handle)
    {
    }

    /// <summary>
    /// Pushes <paramref name="value"/>. When the map is full it fails, or with <paramref name="overwriteOldest"/> drops
    /// the oldest value (the queue's head, the stack's bottom) to make room (BPF_EXIST).
    /// </summary>
    /// <exception cref="BpfException">The map is full (<see cref="Errno.E2BIG"/>), is frozen, or the kernel refused otherwise.</exception>
    public void Push(in T value, bool overwriteOldest = false) =>
        ThrowIfFailed(BpfMapCommand.Update, Backend.Update(Handle, [], ElementBytes.Of(in value), overwriteOldest ? BpfElementFlags.Exist : BpfElementFlags.Any));

    /// <summary>Pushes <paramref name="value"/>; false when the map is full.</summary>
    /// <exception cref="BpfException">The map is frozen, or the kernel refused otherwise.</exception>
    public bool TryPush(in T value) => Succeeded(BpfMapCommand.Update, Backend.Update(Handle, [], ElementBytes.Of(in value)), Errno.E2BIG);

    /// <summary>Reads the next value to be popped without removing it; false when the map is empty.</summary>
    /// <exception cref="BpfException">The kernel refused (a write-only handle, ...).</exception>
    public bool TryPeek(out T value)
    {
        value = default;
        return Succeeded(BpfMapCommand.Lookup, Backend.Lookup(Handle, [], ElementBytes.Into(ref value)), Errno.ENOENT);
    }

    /// <summary>Removes and returns the next value (the queue's oldest, the stack's newest); false when the map is empty.</summary>
    /// <exception cref="BpfException">The handle cannot both read and write, the map is frozen, or the kernel refused otherwise.</exception>
    public bool TryPop(out T value)
    {
        value = default;
        return Succeeded(BpfMapCommand.LookupAndDelete, Backend.LookupAndDelete(Handle, [], ElementBytes.Into(ref value)), Errno.ENOENT);
    }

    /// <summary>Pops values into <paramref name="destination"/> until the map is empty or the span is full; returns how many.</summary>
    /// <exception cref="BpfException">The handle cannot both read and write, the map is frozen, or the kernel refused otherwise.</exception>
    public int Drain(Span<T> destination)
    {
        var popped = 0;
        while (popped < destination.Length && TryPop(out destination[popped]))
        {
            popped++;
        }

        return popped;
    }
}

/// <summary>A BPF_MAP_TYPE_QUEUE map: values pop in the order they were pushed.</summary>
/// <typeparam name="T">The value type; its size is value_size.</typeparam>
public sealed class BpfQueue<T> : BpfQueueOrStack<T>
    where T : unmanaged
{
    /// <summary>Creates a queue of at most <paramref name="maxEntries"/> values (BPF_MAP_CREATE).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 16 bytes of UTF-8.</exception>
    /// <exception cref="BpfException">The kernel refused (no privilege, invalid flags or sizes).</exception>
    public BpfQueue(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, KeylessShape<T>(BpfMapType.Queue, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open QUEUE map whose value size is that of <typeparamref name="T"/>;
    /// disposing the queue closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfQueue(BpfMapHandle handle)
        : base(Adopt(handle, KeylessShape<T>(BpfMapType.Queue), typeof(BpfQueue<T>)))
    {
    }
}

/// <summary>A BPF_MAP_TYPE_STACK map: the newest value pops first.</summary>
/// <typeparam name="T">The value type; its size is value_size.</typeparam>
public sealed class BpfStack<T> : BpfQueueOrStack<T>
    where T : unmanaged
{
    /// <summary>Creates a stack of at most <paramref name="maxEntries"/> values (BPF_MAP_CREATE).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 16 bytes of UTF-8.</exception>
    /// <exception cref="BpfException">The kernel refused (no privilege, invalid flags or sizes).</exception>
    public BpfStack(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, KeylessShape<T>(BpfMapType.Stack, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open STACK map whose value size is that of <typeparamref name="T"/>;
    /// disposing the stack closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfStack(BpfMapHandle handle)
        : base(Adopt(handle, KeylessShape<T>(BpfMapType.Stack), typeof(BpfStack<T>)))
    {
    }
}
