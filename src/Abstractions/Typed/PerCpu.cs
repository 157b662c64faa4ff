using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// A per-CPU value as the kernel lays it out: one slot per possible CPU, CPU <c>i</c> at <c>i × round_up(sizeof(T), 8)</c>
/// (reference §2). A view over bytes it does not own, such as an element of a per-CPU batch read.
/// </summary>
/// <typeparam name="T">The value type of one CPU's slot; its size is the map's <c>value_size</c>.</typeparam>
public readonly ref struct PerCpu<T>
    where T : unmanaged
{
    private readonly Span<byte> _slots;

    /// <summary>A view of the first <see cref="PerCpu.SizeInBytes{T}"/> bytes of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="possibleCpus"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is shorter than that.</exception>
    public PerCpu(Span<byte> value, int possibleCpus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(possibleCpus, 1);
        var size = PerCpu.SizeInBytes<T>(possibleCpus);
        if (value.Length < size)
        {
            throw new ArgumentException(
                $"A per-CPU value of {typeof(T).Name} for {possibleCpus} CPUs needs {size} bytes ({possibleCpus} × {PerCpu.SlotSize<T>()}); got {value.Length}.",
                nameof(value));
        }

        _slots = value[..size];
        Count = possibleCpus;
    }

    /// <summary>Bytes of one CPU's slot: <c>round_up(sizeof(T), 8)</c>.</summary>
    public int SlotSize => PerCpu.SlotSize<T>();

    /// <summary>The number of slots: the possible CPUs.</summary>
    public int Count { get; }

    /// <summary>The bytes of every slot, padding included (the kernel stores and returns padding as written).</summary>
    public Span<byte> Bytes => _slots;

    /// <summary>CPU <paramref name="cpu"/>'s value.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is not below <see cref="Count"/>.</exception>
    public ref T this[int cpu]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(cpu);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, Count);
            return ref Unsafe.As<byte, T>(ref _slots[cpu * SlotSize]);
        }
    }

    /// <summary>Copies the values, one per CPU, into <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; this per-CPU value has {Count}.", nameof(destination));
        }

        PerCpuLayout.Unpack(_slots, destination[..Count]);
    }

    /// <summary>Sets every slot from <paramref name="source"/>, one value per CPU, and clears the padding.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> does not hold exactly <see cref="Count"/> values.</exception>
    public void CopyFrom(ReadOnlySpan<T> source)
    {
        if (source.Length != Count)
        {
            throw new ArgumentException($"The source holds {source.Length} values; this per-CPU value has {Count}.", nameof(source));
        }

        PerCpuLayout.Pack(source, _slots);
    }

    /// <summary>Sets every CPU's slot to <paramref name="value"/> and clears the padding.</summary>
    public void Fill(T value)
    {
        _slots.Clear();
        for (var cpu = 0; cpu < Count; cpu++)
        {
            MemoryMarshal.Write(_slots[(cpu * PerCpu.SlotSize<T>())..], in value);
        }
    }

    /// <summary>The values in a new array, one per CPU.</summary>
    public T[] ToArray()
    {
        var values = new T[Count];
        CopyTo(values);
        return values;
    }
}

/// <summary>Sizes of per-CPU values (reference §2).</summary>
public static class PerCpu
{
    /// <summary>Bytes of one CPU's slot of a <typeparamref name="T"/> value: <c>round_up(sizeof(T), 8)</c>.</summary>
    public static int SlotSize<T>()
        where T : unmanaged => (Unsafe.SizeOf<T>() + 7) & ~7;

    /// <summary>Bytes of a whole <typeparamref name="T"/> value for <paramref name="possibleCpus"/> CPUs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="possibleCpus"/> is less than 1.</exception>
    public static int SizeInBytes<T>(int possibleCpus)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(possibleCpus, 1);
        return checked(possibleCpus * SlotSize<T>());
    }
}

/// <summary>Copies between dense per-CPU values (one value after another) and the kernel's padded slots.</summary>
internal static class PerCpuLayout
{
    /// <summary>Whether the padded layout is the dense one (<c>sizeof(T)</c> is a multiple of 8).</summary>
    public static bool IsDense<T>()
        where T : unmanaged => Unsafe.SizeOf<T>() % 8 == 0;

    /// <summary>Writes <paramref name="dense"/> into slots of <c>round_up(sizeof(T), 8)</c> bytes, padding zeroed.</summary>
    public static void Pack<T>(ReadOnlySpan<T> dense, Span<byte> padded)
        where T : unmanaged
    {
        if (IsDense<T>())
        {
            MemoryMarshal.AsBytes(dense).CopyTo(padded);
            return;
        }

        var slot = PerCpu.SlotSize<T>();
        padded[..(dense.Length * slot)].Clear();
        for (var i = 0; i < dense.Length; i++)
        {
            MemoryMarshal.Write(padded[(i * slot)..], in dense[i]);
        }
    }

    /// <summary>Reads <paramref name="dense"/>.Length slots of <paramref name="padded"/>.</summary>
    public static void Unpack<T>(ReadOnlySpan<byte> padded, Span<T> dense)
        where T : unmanaged
    {
        if (IsDense<T>())
        {
            padded[..(dense.Length * Unsafe.SizeOf<T>())].CopyTo(MemoryMarshal.AsBytes(dense));
            return;
        }

        var slot = PerCpu.SlotSize<T>();
        for (var i = 0; i < dense.Length; i++)
        {
            dense[i] = MemoryMarshal.Read<T>(padded[(i * slot)..]);
        }
    }
}
