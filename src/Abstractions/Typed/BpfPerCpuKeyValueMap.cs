using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// A per-CPU hash map (<see cref="BpfPerCpuHashMap{TKey, TValue}"/>, <see cref="BpfLruPerCpuHashMap{TKey, TValue}"/>): each
/// key has one <typeparamref name="TValue"/> per possible CPU. Values are passed as spans of
/// <see cref="PossibleCpuCount"/> values, CPU 0 first; the kernel's 8-byte slot stride is handled here.
/// </summary>
/// <typeparam name="TKey">The key type; its size is key_size.</typeparam>
/// <typeparam name="TValue">One CPU's value; its size is value_size.</typeparam>
public abstract class BpfPerCpuKeyValueMap<TKey, TValue> : BpfMap
    where TKey : unmanaged
    where TValue : unmanaged
{
    private protected BpfPerCpuKeyValueMap(BpfMapHandle handle)
        : base(handle)
    {
    }

    /// <summary>The number of possible CPUs: how many values a per-CPU value holds.</summary>
    public int PossibleCpuCount => Handle.Layout.PossibleCpus;

    /// <summary>Looks <paramref name="key"/> up into <paramref name="perCpu"/>; false when it is not in the map.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The kernel refused (a write-only handle, ...).</exception>
    public bool TryLookup(in TKey key, Span<TValue> perCpu) =>
        Succeeded(BpfMapCommand.Lookup, LookupPerCpu(ElementBytes.Of(in key), perCpu, andDelete: false), Errno.ENOENT);

    /// <summary>Reads the value of <paramref name="key"/> into <paramref name="perCpu"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The key is not in the map (<see cref="Errno.ENOENT"/>), or the kernel refused.</exception>
    public void Lookup(in TKey key, Span<TValue> perCpu) =>
        ThrowIfFailed(BpfMapCommand.Lookup, LookupPerCpu(ElementBytes.Of(in key), perCpu, andDelete: false));

    /// <summary>Adds <paramref name="key"/> or replaces its value on every CPU (BPF_ANY).</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The map is full (<see cref="Errno.E2BIG"/>), is frozen, or the kernel refused otherwise.</exception>
    public void Update(in TKey key, ReadOnlySpan<TValue> perCpu) =>
        ThrowIfFailed(BpfMapCommand.Update, UpdatePerCpu(ElementBytes.Of(in key), perCpu, BpfElementFlags.Any));

    /// <summary>Adds <paramref name="key"/> (BPF_NOEXIST); false when it is in the map already.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The map is full (<see cref="Errno.E2BIG"/>), is frozen, or the kernel refused otherwise.</exception>
    public bool TryAdd(in TKey key, ReadOnlySpan<TValue> perCpu) =>
        Succeeded(BpfMapCommand.Update, UpdatePerCpu(ElementBytes.Of(in key), perCpu, BpfElementFlags.NoExist), Errno.EEXIST);

    /// <summary>Replaces the value of <paramref name="key"/> (BPF_EXIST); false when the key is not in the map.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The map is frozen, or the kernel refused otherwise.</exception>
    public bool TryReplace(in TKey key, ReadOnlySpan<TValue> perCpu) =>
        Succeeded(BpfMapCommand.Update, UpdatePerCpu(ElementBytes.Of(in key), perCpu, BpfElementFlags.Exist), Errno.ENOENT);

    /// <summary>Deletes <paramref name="key"/>; false when it is not in the map.</summary>
    /// <exception cref="BpfException">The map is frozen, or the kernel refused otherwise.</exception>
    public bool TryDelete(in TKey key) => Succeeded(BpfMapCommand.Delete, Backend.Delete(Handle, ElementBytes.Of(in key)), Errno.ENOENT);

    /// <summary>Removes <paramref name="key"/> and reads its value into <paramref name="perCpu"/>; false when it is not in the map.</summary>
    /// <exception cref="ArgumentException"><paramref name="perCpu"/> does not hold <see cref="PossibleCpuCount"/> values.</exception>
    /// <exception cref="BpfException">The handle cannot both read and write, the map is frozen, or the kernel refused otherwise.</exception>
    public bool TryLookupAndDelete(in TKey key, Span<TValue> perCpu) =>
        Succeeded(BpfMapCommand.LookupAndDelete, LookupPerCpu(ElementBytes.Of(in key), perCpu, andDelete: true), Errno.ENOENT);

    /// <summary>
    /// BPF_MAP_UPDATE_BATCH: adds or replaces <c>keys[i]</c> with the values
    /// <c>perCpuValues[i × PossibleCpuCount ..][..PossibleCpuCount]</c>, in order. The result says how many took
    /// effect before the kernel stopped and why; nothing is rolled back.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="perCpuValues"/> does not hold <see cref="PossibleCpuCount"/> values per key.</exception>
    public BpfBatchResult UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> perCpuValues) =>
        UpdateBatchPerCpu(MemoryMarshal.AsBytes(keys), keys.Length, perCpuValues);

    /// <inheritdoc cref="BpfKeyValueMap{TKey, TValue}.DeleteBatch"/>
    public BpfBatchResult DeleteBatch(ReadOnlySpan<TKey> keys) => DeleteBatchBytes(MemoryMarshal.AsBytes(keys), keys.Length, skipMissing: false);

    /// <inheritdoc cref="BpfKeyValueMap{TKey, TValue}.DeleteBatchSkippingMissing"/>
    public BpfBatchResult DeleteBatchSkippingMissing(ReadOnlySpan<TKey> keys) =>
        DeleteBatchBytes(MemoryMarshal.AsBytes(keys), keys.Length, skipMissing: true);

    /// <summary>A reader of every element (BPF_MAP_LOOKUP_BATCH chunks, or a get-next-key walk).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfPerCpuMapReader<TKey, TValue> Read(BpfIterationOptions? options = null) => new(this, drain: false, options);

    /// <summary>A reader that removes every element it returns (BPF_MAP_LOOKUP_AND_DELETE_BATCH chunks).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfPerCpuMapReader<TKey, TValue> Drain(BpfIterationOptions? options = null) => new(this, drain: true, options);
}

/// <summary>A BPF_MAP_TYPE_PERCPU_HASH map: exactly <c>max_entries</c> keys, each with a value per possible CPU.</summary>
/// <typeparam name="TKey">The key type; its size is key_size.</typeparam>
/// <typeparam name="TValue">One CPU's value; its size is value_size.</typeparam>
public sealed class BpfPerCpuHashMap<TKey, TValue> : BpfPerCpuKeyValueMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <inheritdoc cref="BpfHashMap{TKey, TValue}(IBpfMapBackend, uint, BpfMapFlags, string?)"/>
    public BpfPerCpuHashMap(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<TKey, TValue>(BpfMapType.PerCpuHash, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open PERCPU_HASH map whose key and value sizes are those of the type
    /// arguments; disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfPerCpuHashMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<TKey, TValue>(BpfMapType.PerCpuHash), typeof(BpfPerCpuHashMap<TKey, TValue>)))
    {
    }
}

/// <summary>A BPF_MAP_TYPE_LRU_PERCPU_HASH map: an LRU hash map (reference §12) with a value per possible CPU.</summary>
/// <typeparam name="TKey">The key type; its size is key_size.</typeparam>
/// <typeparam name="TValue">One CPU's value; its size is value_size.</typeparam>
public sealed class BpfLruPerCpuHashMap<TKey, TValue> : BpfPerCpuKeyValueMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <inheritdoc cref="BpfHashMap{TKey, TValue}(IBpfMapBackend, uint, BpfMapFlags, string?)"/>
    public BpfLruPerCpuHashMap(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<TKey, TValue>(BpfMapType.LruPerCpuHash, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open LRU_PERCPU_HASH map whose key and value sizes are those of the
    /// type arguments; disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfLruPerCpuHashMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<TKey, TValue>(BpfMapType.LruPerCpuHash), typeof(BpfLruPerCpuHashMap<TKey, TValue>)))
    {
    }
}
