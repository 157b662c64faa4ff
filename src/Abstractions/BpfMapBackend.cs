using System.Runtime.CompilerServices;

namespace BpfMaps;

/// <summary>
/// Base for backends: implements <see cref="IBpfMapBackend"/> by checking every argument with
/// <see cref="BpfMapArguments"/> and then calling the backend's core method with its own handle type. Deriving from
/// it is how a backend gets exactly the checks of every other backend.
/// </summary>
/// <typeparam name="THandle">The backend's handle type.</typeparam>
public abstract class BpfMapBackend<THandle> : IBpfMapBackend
    where THandle : BpfMapHandle
{
    /// <inheritdoc />
    public abstract int PossibleCpuCount { get; }

    /// <inheritdoc />
    public abstract LinuxKernelVersion KernelVersion { get; }

    /// <inheritdoc />
    public Errno CreateMap(BpfMapSpec spec, out BpfMapHandle? map)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errno = CreateMapCore(spec, out var handle);
        map = handle;
        return errno;
    }

    /// <inheritdoc />
    public Errno Lookup(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any)
    {
        var handle = Own(map);
        BpfMapArguments.Key(handle.Layout, key.Length, nameof(key));
        BpfMapArguments.Value(handle.Layout, value.Length, nameof(value));
        return LookupCore(handle, key, value, flags);
    }

    /// <inheritdoc />
    public Errno Update(BpfMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags = BpfElementFlags.Any)
    {
        var handle = Own(map);
        BpfMapArguments.Key(handle.Layout, key.Length, nameof(key));
        BpfMapArguments.Value(handle.Layout, value.Length, nameof(value));
        return UpdateCore(handle, key, value, flags);
    }

    /// <inheritdoc />
    public Errno Delete(BpfMapHandle map, ReadOnlySpan<byte> key)
    {
        var handle = Own(map);
        BpfMapArguments.Key(handle.Layout, key.Length, nameof(key));
        return DeleteCore(handle, key);
    }

    /// <inheritdoc />
    public Errno GetNextKey(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        var handle = Own(map);
        BpfMapArguments.Key(handle.Layout, key.Length, nameof(key));
        BpfMapArguments.Key(handle.Layout, nextKey.Length, nameof(nextKey));
        return GetNextKeyCore(handle, key, nextKey);
    }

    /// <inheritdoc />
    public Errno LookupAndDelete(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any)
    {
        var handle = Own(map);
        BpfMapArguments.Key(handle.Layout, key.Length, nameof(key));
        BpfMapArguments.Value(handle.Layout, value.Length, nameof(value));
        return LookupAndDeleteCore(handle, key, value, flags);
    }

    /// <inheritdoc />
    public Errno Freeze(BpfMapHandle map) => FreezeCore(Own(map));

    /// <inheritdoc />
    public Errno LookupBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var handle = CheckLookupBatch(map, inBatch, outBatch, keys, values, count);
        return LookupBatchCore(handle, inBatch, outBatch, keys, values, ref count, elementFlags, flags, andDelete: false);
    }

    /// <inheritdoc />
    public Errno LookupAndDeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var handle = CheckLookupBatch(map, inBatch, outBatch, keys, values, count);
        return LookupBatchCore(handle, inBatch, outBatch, keys, values, ref count, elementFlags, flags, andDelete: true);
    }

    /// <inheritdoc />
    public Errno UpdateBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var handle = Own(map);
        BpfMapArguments.BatchKeys(handle.Layout, count, keys.Length, nameof(keys));
        BpfMapArguments.BatchValues(handle.Layout, count, values.Length, nameof(values));
        return UpdateBatchCore(handle, keys, values, ref count, elementFlags, flags);
    }

    /// <inheritdoc />
    public Errno DeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var handle = Own(map);
        BpfMapArguments.BatchKeys(handle.Layout, count, keys.Length, nameof(keys));
        return DeleteBatchCore(handle, keys, ref count, elementFlags, flags);
    }

    // The ownership check of every command. A handle this backend made (exactly THandle, open) passes with a few
    // loads, without the generic cast a shared instantiation would call; anything else takes BpfMapArguments.Owned,
    // which accepts a THandle subclass and throws for the rest (null included).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private THandle Own(BpfMapHandle map) =>
        map is not null && ReferenceEquals(map.Backend, this) && map.GetType() == typeof(THandle) && !map.IsClosed
            ? Unsafe.As<THandle>(map)
            : BpfMapArguments.Owned<THandle>(this, map!);

    private THandle CheckLookupBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, uint count)
    {
        var handle = Own(map);
        BpfMapArguments.Cursor(inBatch.Length, nameof(inBatch));
        BpfMapArguments.Cursor(outBatch.Length, nameof(outBatch));
        BpfMapArguments.BatchKeys(handle.Layout, count, keys.Length, nameof(keys));
        BpfMapArguments.BatchValues(handle.Layout, count, values.Length, nameof(values));
        return handle;
    }

    /// <summary>BPF_MAP_CREATE; the spec is not null.</summary>
    protected abstract Errno CreateMapCore(BpfMapSpec spec, out THandle? map);

    /// <summary>BPF_MAP_LOOKUP_ELEM with checked arguments.</summary>
    protected abstract Errno LookupCore(THandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags);

    /// <summary>BPF_MAP_UPDATE_ELEM with checked arguments.</summary>
    protected abstract Errno UpdateCore(THandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags);

    /// <summary>BPF_MAP_DELETE_ELEM with checked arguments.</summary>
    protected abstract Errno DeleteCore(THandle map, ReadOnlySpan<byte> key);

    /// <summary>BPF_MAP_GET_NEXT_KEY with checked arguments.</summary>
    protected abstract Errno GetNextKeyCore(THandle map, ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM with checked arguments.</summary>
    protected abstract Errno LookupAndDeleteCore(THandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags);

    /// <summary>BPF_MAP_FREEZE with a checked handle.</summary>
    protected abstract Errno FreezeCore(THandle map);

    /// <summary>BPF_MAP_LOOKUP_BATCH, or BPF_MAP_LOOKUP_AND_DELETE_BATCH when <paramref name="andDelete"/>, with checked arguments.</summary>
    protected abstract Errno LookupBatchCore(THandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete);

    /// <summary>BPF_MAP_UPDATE_BATCH with checked arguments.</summary>
    protected abstract Errno UpdateBatchCore(THandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags);

    /// <summary>BPF_MAP_DELETE_BATCH with checked arguments.</summary>
    protected abstract Errno DeleteBatchCore(THandle map, ReadOnlySpan<byte> keys, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags);

    /// <inheritdoc />
    public Errno OpenMapById(uint id, BpfOpenFlags openFlags, out BpfMapHandle? map)
    {
        var errno = OpenMapByIdCore(id, openFlags, out var handle);
        map = handle;
        return errno;
    }

    /// <inheritdoc />
    public Errno GetMapInfo(BpfMapHandle map, out BpfMapInfo? info) => GetMapInfoCore(Own(map), out info);

    /// <inheritdoc />
    public Errno Pin(BpfMapHandle map, string path)
    {
        var handle = Own(map);
        BpfMapArguments.Path(path, nameof(path));
        return PinCore(handle, path);
    }

    /// <inheritdoc />
    public Errno OpenPinned(string path, BpfOpenFlags fileFlags, out BpfMapHandle? map)
    {
        BpfMapArguments.Path(path, nameof(path));
        var errno = OpenPinnedCore(path, fileFlags, out var handle);
        map = handle;
        return errno;
    }

    /// <summary>BPF_MAP_GET_FD_BY_ID; on failure <paramref name="map"/> is null.</summary>
    protected abstract Errno OpenMapByIdCore(uint id, BpfOpenFlags openFlags, out THandle? map);

    /// <summary>BPF_OBJ_GET_INFO_BY_FD with a checked handle.</summary>
    protected abstract Errno GetMapInfoCore(THandle map, out BpfMapInfo? info);

    /// <summary>BPF_OBJ_PIN with a checked handle and path.</summary>
    protected abstract Errno PinCore(THandle map, string path);

    /// <summary>BPF_OBJ_GET with a checked path; on failure <paramref name="map"/> is null.</summary>
    protected abstract Errno OpenPinnedCore(string path, BpfOpenFlags fileFlags, out THandle? map);
}
