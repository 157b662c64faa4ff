using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// A BPF_MAP_TYPE_ARRAY map: <c>max_entries</c> values at indexes 0 to <c>max_entries − 1</c>, all present from
/// creation (zero-filled) and never deleted.
/// </summary>
/// <typeparam name="TValue">The value type; its size is value_size.</typeparam>
public sealed class BpfArrayMap<TValue> : BpfMap
    where TValue : unmanaged
{
    /// <summary>Creates an array of <paramref name="length"/> values (BPF_MAP_CREATE with max_entries = length).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 16 bytes of UTF-8.</exception>
    /// <exception cref="BpfException">The kernel refused (no privilege, invalid flags or sizes).</exception>
    public BpfArrayMap(IBpfMapBackend backend, uint length, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<uint, TValue>(BpfMapType.Array, length, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open ARRAY map whose value size is that of <typeparamref name="TValue"/>;
    /// disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfArrayMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<uint, TValue>(BpfMapType.Array), typeof(BpfArrayMap<TValue>)))
    {
    }

    /// <summary>The number of values (<c>max_entries</c>).</summary>
    public uint Length => MaxEntries;

    /// <summary>The value at <paramref name="index"/>.</summary>
    /// <exception cref="BpfException">The index is past the end (<see cref="Errno.ENOENT"/>), or the kernel refused.</exception>
    public TValue Lookup(uint index)
    {
        var value = default(TValue);
        ThrowIfFailed(BpfMapCommand.Lookup, Backend.Lookup(Handle, ElementBytes.Of(in index), ElementBytes.Into(ref value)));
        return value;
    }

    /// <summary>Sets the value at <paramref name="index"/>.</summary>
    /// <exception cref="BpfException">The index is past the end (<see cref="Errno.E2BIG"/>), the map is frozen, or the kernel refused.</exception>
    public void Update(uint index, in TValue value) =>
        ThrowIfFailed(BpfMapCommand.Update, Backend.Update(Handle, ElementBytes.Of(in index), ElementBytes.Of(in value)));

    /// <summary>
    /// BPF_MAP_UPDATE_BATCH: sets <c>values[i]</c> at <c>indexes[i]</c>, in order. The result says how many took effect
    /// before the kernel stopped and why (an index past the end stops it with <see cref="Errno.E2BIG"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public BpfBatchResult UpdateBatch(ReadOnlySpan<uint> indexes, ReadOnlySpan<TValue> values)
    {
        ElementBytes.SameLength(indexes.Length, values.Length, 1, nameof(values));
        return UpdateBatchBytes(MemoryMarshal.AsBytes(indexes), MemoryMarshal.AsBytes(values), indexes.Length);
    }

    /// <summary>A reader of every index and value (BPF_MAP_LOOKUP_BATCH chunks).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfMapReader<uint, TValue> Read(BpfIterationOptions? options = null) => new(this, drain: false, options);
}

/// <summary>
/// A BPF_MAP_TYPE_PERCPU_ARRAY map: <c>max_entries</c> indexes, each with a value per possible CPU. Values are
/// passed as spans of <see cref="PossibleCpuCount"/> values, CPU 0 first.
/// </summary>
/// <typeparam name="TValue">One CPU's value; its size is value_size.</typeparam>
public sealed class BpfPerCpuArrayMap<TValue> : BpfMap
    where TValue : unmanaged
{
    /// <inheritdoc cref="BpfArrayMap{TValue}(IBpfMapBackend, uint, BpfMapFlags, string?)"/>
    public BpfPerCpuArrayMap(IBpfMapBackend backend, uint length, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<uint, TValue>(BpfMapType.PerCpuArray, length, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open PERCPU_ARRAY map whose value size is that of
    /// <typeparamref name="TValue"/>; disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfPerCpuArrayMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<uint, TValue>(BpfMapType.PerCpuArray), typeof(BpfPerCpuArrayMap<TValue>)))
    {
    }

    /// <summary>The number of indexes (<c>max_entries</c>).</summary>
    public uint Length => MaxEntries;

    /// <inheritdoc cref="BpfPerCpuKeyValueMap{TKey, TValue}.PossibleCpuCount"/>
    public int PossibleCpuCount => Handle.Layout.PossibleCpus;

    /// <summary>Reads the values at <paramref name="index"/> into <paramref name="perCpu"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The index is past the end (<see cref="Errno.ENOENT"/>), or the kernel refused.</exception>
    public void Lookup(uint index, Span<TValue> perCpu) =>
        ThrowIfFailed(BpfMapCommand.Lookup, LookupPerCpu(ElementBytes.Of(in index), perCpu, andDelete: false));

    /// <summary>Sets the values at <paramref name="index"/>, one per CPU.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The index is past the end (<see cref="Errno.E2BIG"/>), the map is frozen, or the kernel refused.</exception>
    public void Update(uint index, ReadOnlySpan<TValue> perCpu) =>
        ThrowIfFailed(BpfMapCommand.Update, UpdatePerCpu(ElementBytes.Of(in index), perCpu, BpfElementFlags.Any));

    /// <summary>
    /// BPF_MAP_UPDATE_BATCH: sets the values <c>perCpuValues[i × PossibleCpuCount ..][..PossibleCpuCount]</c> at
    /// <c>indexes[i]</c>, in order. The result says how many took effect before the kernel stopped and why.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="perCpuValues"/> does not hold <see cref="PossibleCpuCount"/> values per index.</exception>
    public BpfBatchResult UpdateBatch(ReadOnlySpan<uint> indexes, ReadOnlySpan<TValue> perCpuValues) =>
        UpdateBatchPerCpu(MemoryMarshal.AsBytes(indexes), indexes.Length, perCpuValues);

    /// <summary>A reader of every index and per-CPU value (BPF_MAP_LOOKUP_BATCH chunks).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfPerCpuMapReader<uint, TValue> Read(BpfIterationOptions? options = null) => new(this, drain: false, options);
}
