using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

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

    // The checks run on every command: each is a comparison inlined into the caller, and the message is built only
    // on the way to the exception.

    /// <summary>Checks a single key buffer (key, next key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Key(BpfMapLayout layout, int length, string name)
    {
        if (length != 0 && (ulong)length < layout.KeySize)
        {
            ThrowShortElement(length, layout.KeySize, "key_size", name);
        }
    }

    /// <summary>Checks a single value buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Value(BpfMapLayout layout, int length, string name)
    {
        if (length != 0 && (ulong)length < layout.ValueSize)
        {
            ThrowShortElement(length, layout.ValueSize, layout.IsPerCpu ? "round_up(value_size, 8) × possible CPUs" : "value_size", name);
        }
    }

    /// <summary>Checks a batch cursor buffer (<c>in_batch</c>, <c>out_batch</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Cursor(int length, string name)
    {
        if (length != 0 && length < BpfMapLayout.CursorSize)
        {
            ThrowShortElement(length, BpfMapLayout.CursorSize, "the batch cursor size", name);
        }
    }

    /// <summary>Checks that a batch keys buffer holds <paramref name="count"/> keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BatchKeys(BpfMapLayout layout, uint count, int length, string name)
    {
        // count × stride cannot overflow: both are below 2^32.
        if (length != 0 && (ulong)length < count * layout.KeySize)
        {
            ThrowShortBatch(length, count, layout.KeySize, "key_size", name);
        }
    }

    /// <summary>Checks that a batch values buffer holds <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BatchValues(BpfMapLayout layout, uint count, int length, string name)
    {
        if (length != 0 && (ulong)length < count * layout.ValueSize)
        {
            ThrowShortBatch(length, count, layout.ValueSize, layout.IsPerCpu ? "per-CPU value size" : "value_size", name);
        }
    }

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

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShortElement(int length, ulong needed, string what, string name) =>
        throw new ArgumentException(
            $"The {name} buffer holds {length} bytes but the map needs {needed} ({what}); pass an empty span for NULL.",
            name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShortBatch(int length, uint count, ulong stride, string what, string name) =>
        throw new ArgumentException(
            $"The {name} buffer holds {length} bytes but count {count} × {what} {stride} needs {(ulong)count * stride}; pass an empty span for NULL.",
            name);
}
