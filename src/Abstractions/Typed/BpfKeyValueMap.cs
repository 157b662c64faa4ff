using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// A hash map with one value per key (<see cref="BpfHashMap{TKey, TValue}"/>, <see cref="BpfLruHashMap{TKey, TValue}"/>).
/// <c>sizeof(TKey)</c> and <c>sizeof(TValue)</c> are the map's key_size and value_size.
/// </summary>
/// <typeparam name="TKey">The key type; its bytes are the key.</typeparam>
/// <typeparam name="TValue">The value type; its bytes are the value.</typeparam>
public abstract class BpfKeyValueMap<TKey, TValue> : BpfMap
    where TKey : unmanaged
    where TValue : unmanaged
{
    private protected BpfKeyValueMap(BpfMapHandle handle)
        : base(handle)
    {
    }

    /// <summary>Looks <paramref name="key"/> up; false when it is not in the map.</summary>
    /// <exception cref="BpfException">The kernel refused (a write-only handle, ...).</exception>
    public bool TryLookup(in TKey key, out TValue value)
    {
        value = default;
        return Succeeded(BpfMapCommand.Lookup, Backend.Lookup(Handle, ElementBytes.Of(in key), ElementBytes.Into(ref value)), Errno.ENOENT);
    }

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <exception cref="BpfException">The key is not in the map (<see cref="Errno.ENOENT"/>), or the kernel refused.</exception>
    public TValue Lookup(in TKey key)
    {
        var value = default(TValue);
        ThrowIfFailed(BpfMapCommand.Lookup, Backend.Lookup(Handle, ElementBytes.Of(in key), ElementBytes.Into(ref value)));
        return value;
    }

    /// <summary>Adds <paramref name="key"/> or replaces its value (BPF_ANY).</summary>
    /// <exception cref="BpfException">The map is full (<see cref="Errno.E2BIG"/>), is frozen, or the kernel refused otherwise.</exception>
    public void Update(in TKey key, in TValue value) =>
        ThrowIfFailed(BpfMapCommand.Update, Backend.Update(Handle, ElementBytes.Of(in key), ElementBytes.Of(in value)));

    /// <summary>Adds <paramref name="key"/> (BPF_NOEXIST); false when it is in the map already.</summary>
    /// <exception cref="BpfException">The map is full (<see cref="Errno.E2BIG"/>), is frozen, or the kernel refused otherwise.</exception>
    public bool TryAdd(in TKey key, in TValue value) =>
        Succeeded(BpfMapCommand.Update, Backend.Update(Handle, ElementBytes.Of(in key), ElementBytes.Of(in value), BpfElementFlags.NoExist), Errno.EEXIST);

    /// <summary>Replaces the value of <paramref name="key"/> (BPF_EXIST); false when the key is not in the map.</summary>
    /// <exception cref="BpfException">The map is frozen, or the kernel refused otherwise.</exception>
    public bool TryReplace(in TKey key, in TValue value) =>
        Succeeded(BpfMapCommand.Update, Backend.Update(Handle, ElementBytes.Of(in key), ElementBytes.Of(in value), BpfElementFlags.Exist), Errno.ENOENT);

    /// <summary>Deletes <paramref name="key"/>; false when it is not in the map.</summary>
    /// <exception cref="BpfException">The map is frozen, or the kernel refused otherwise.</exception>
    public bool TryDelete(in TKey key) => Succeeded(BpfMapCommand.Delete, Backend.Delete(Handle, ElementBytes.Of(in key)), Errno.ENOENT);

    /// <summary>Removes <paramref name="key"/> and returns its value (BPF_MAP_LOOKUP_AND_DELETE_ELEM); false when it is not in the map.</summary>
    /// <exception cref="BpfException">The handle cannot both read and write, the map is frozen, or the kernel refused otherwise.</exception>
    public bool TryLookupAndDelete(in TKey key, out TValue value)
    {
        value = default;
        return Succeeded(BpfMapCommand.LookupAndDelete,
            Backend.LookupAndDelete(Handle, ElementBytes.Of(in key), ElementBytes.Into(ref value)), Errno.ENOENT);
    }

    /// <summary>
    /// BPF_MAP_UPDATE_BATCH: adds or replaces <c>keys[i]</c> with <c>values[i]</c>, in order. The result says how many
    /// took effect before the kernel stopped and why (a full map stops with <see cref="Errno.E2BIG"/>); nothing is
    /// rolled back.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public BpfBatchResult UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values)
    {
        ElementBytes.SameLength(keys.Length, values.Length, 1, nameof(values));
        return UpdateBatchBytes(MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), keys.Length);
    }

    /// <summary>
    /// BPF_MAP_DELETE_BATCH: deletes <paramref name="keys"/> in order. The kernel stops at the first key that is not in
    /// the map (<see cref="Errno.ENOENT"/>); the result says how many were deleted before it.
    /// </summary>
    public BpfBatchResult DeleteBatch(ReadOnlySpan<TKey> keys) => DeleteBatchBytes(MemoryMarshal.AsBytes(keys), keys.Length, skipMissing: false);

    /// <summary>
    /// Deletes <paramref name="keys"/> with BPF_MAP_DELETE_BATCH, skipping keys that are not in the map: after each
    /// <see cref="Errno.ENOENT"/> the rest is sent again. The result counts the deleted and the skipped keys.
    /// </summary>
    public BpfBatchResult DeleteBatchSkippingMissing(ReadOnlySpan<TKey> keys) =>
        DeleteBatchBytes(MemoryMarshal.AsBytes(keys), keys.Length, skipMissing: true);

    /// <summary>A reader of every element (BPF_MAP_LOOKUP_BATCH chunks, or a get-next-key walk).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfMapReader<TKey, TValue> Read(BpfIterationOptions? options = null) => new(this, drain: false, options);

    /// <summary>A reader that removes every element it returns (BPF_MAP_LOOKUP_AND_DELETE_BATCH chunks).</summary>
    /// <exception cref="ArgumentException">The options' initial chunk is larger than their maximum.</exception>
    public BpfMapReader<TKey, TValue> Drain(BpfIterationOptions? options = null) => new(this, drain: true, options);
}

/// <summary>A BPF_MAP_TYPE_HASH map: exactly <c>max_entries</c> keys; adding one more fails with "the map is full".</summary>
/// <typeparam name="TKey">The key type; its size is key_size.</typeparam>
/// <typeparam name="TValue">The value type; its size is value_size.</typeparam>
public sealed class BpfHashMap<TKey, TValue> : BpfKeyValueMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Creates a map of <paramref name="maxEntries"/> keys (BPF_MAP_CREATE).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 16 bytes of UTF-8.</exception>
    /// <exception cref="BpfException">The kernel refused (no privilege, invalid flags or sizes).</exception>
    public BpfHashMap(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<TKey, TValue>(BpfMapType.Hash, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open HASH map whose key and value sizes are those of the type
    /// arguments; disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfHashMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<TKey, TValue>(BpfMapType.Hash), typeof(BpfHashMap<TKey, TValue>)))
    {
    }
}

/// <summary>
/// A BPF_MAP_TYPE_LRU_HASH map: when full, adding a key evicts the least recently used ones instead of failing
/// (reference §12). Its API is the hash map's.
/// </summary>
/// <typeparam name="TKey">The key type; its size is key_size.</typeparam>
/// <typeparam name="TValue">The value type; its size is value_size.</typeparam>
public sealed class BpfLruHashMap<TKey, TValue> : BpfKeyValueMap<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <inheritdoc cref="BpfHashMap{TKey, TValue}(IBpfMapBackend, uint, BpfMapFlags, string?)"/>
    public BpfLruHashMap(IBpfMapBackend backend, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        : base(CreateHandle(backend, Shape<TKey, TValue>(BpfMapType.LruHash, maxEntries, flags, name)))
    {
    }

    /// <summary>
    /// Takes over <paramref name="handle"/>, an open LRU_HASH map whose key and value sizes are those of the type
    /// arguments; disposing the map closes it. If the handle does not fit, it is left open.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ArgumentException">The map's type or sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public BpfLruHashMap(BpfMapHandle handle)
        : base(Adopt(handle, Shape<TKey, TValue>(BpfMapType.LruHash), typeof(BpfLruHashMap<TKey, TValue>)))
    {
    }
}
