namespace BpfMaps;

/// <summary>
/// The argument checks every backend makes before a command reaches a map: the one place that decides them.
/// They are memory-safety rules, not map semantics: the kernel writes <c>count × stride</c> bytes wherever it is
/// told to, so a short non-empty buffer would be overrun. Empty spans are NULL pointers and pass unchecked.
/// </summary>
public static class BpfMapArguments
{
    /// <summary>Checks that <paramref name="map"/> is an open handle of <paramref name="backend"/> and returns it typed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">The handle belongs to another backend.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public static THandle Owned<THandle>(IBpfMapBackend backend, BpfMapHandle map)
        where THandle : BpfMapHandle
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!ReferenceEquals(map.Backend, backend) || map is not THandle typed)
        {
            throw new ArgumentException(
                $"The map handle belongs to another backend ({map.Backend.GetType().Name}); use it with the backend that created it.",
                nameof(map));
        }

        ObjectDisposedException.ThrowIf(map.IsClosed, map);
        return typed;
    }

    /// <summary>Checks a single key buffer (key, next key).</summary>
    public static void Key(BpfMapLayout layout, int length, string name) =>
        Element(length, layout.KeySize, "key_size", name);

    /// <summary>Checks a single value buffer.</summary>
    public static void Value(BpfMapLayout layout, int length, string name) =>
        Element(length, layout.ValueSize, layout.IsPerCpu ? "round_up(value_size, 8) × possible CPUs" : "value_size", name);

    /// <summary>Checks a batch cursor buffer (<c>in_batch</c>, <c>out_batch</c>).</summary>
    public static void Cursor(int length, string name) =>
        Element(length, BpfMapLayout.CursorSize, "the batch cursor size", name);

    /// <summary>Checks that a batch keys buffer holds <paramref name="count"/> keys.</summary>
    public static void BatchKeys(BpfMapLayout layout, uint count, int length, string name) =>
        Batch(length, count, layout.KeySize, "key_size", name);

    /// <summary>Checks that a batch values buffer holds <paramref name="count"/> values.</summary>
    public static void BatchValues(BpfMapLayout layout, uint count, int length, string name) =>
        Batch(length, count, layout.ValueSize, layout.IsPerCpu ? "per-CPU value size" : "value_size", name);

    /// <summary>
    /// Checks a bpffs path (BPF_OBJ_PIN, BPF_OBJ_GET): it is sent as a NUL-terminated string, so it cannot be empty
    /// or hold a NUL.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains a NUL character.</exception>
    public static void Path(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path, name);
        if (path.Length == 0)
        {
            throw new ArgumentException("A bpffs path cannot be empty.", name);
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A bpffs path is sent as a NUL-terminated string and cannot contain NUL.", name);
        }
    }

    private static void Element(int length, ulong needed, string what, string name)
    {
        if (length != 0 && (ulong)length < needed)
        {
            throw new ArgumentException(
                $"The {name} buffer holds {length} bytes but the map needs {needed} ({what}); pass an empty span for NULL.",
                name);
        }
    }

    private static void Batch(int length, uint count, ulong stride, string what, string name)
    {
        // count × stride cannot overflow: both are below 2^32.
        var needed = count * stride;
        if (length != 0 && (ulong)length < needed)
        {
            throw new ArgumentException(
                $"The {name} buffer holds {length} bytes but count {count} × {what} {stride} needs {needed}; pass an empty span for NULL.",
                name);
        }
    }
}
