using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// A typed map: one open map, its backend, and what every map can do (freeze, pin, report its info). The typed maps
/// derive from it; they own their <see cref="Handle"/> and close it when disposed.
/// </summary>
/// <remarks>
/// Expected outcomes are values (the <c>Try*</c> methods, <see cref="BpfBatchResult"/>); every other kernel outcome
/// throws a <see cref="BpfException"/>. Argument errors the kernel cannot see (a disposed map, a buffer of the wrong
/// length) throw the usual argument exceptions. Element commands allocate nothing; methods may be called from several
/// threads at once, as the backend's commands may.
/// </remarks>
public abstract class BpfMap : IDisposable
{
    private protected BpfMap(BpfMapHandle handle)
    {
        Handle = handle;
    }

    /// <summary>The backend the map lives in.</summary>
    public IBpfMapBackend Backend => Handle.Backend;

    /// <summary>The handle this map owns.</summary>
    public BpfMapHandle Handle { get; }

    /// <summary>The map's spec (for a map opened by id or path, what the kernel reports about it).</summary>
    public BpfMapSpec Spec => Handle.Spec;

    /// <summary>The map type.</summary>
    public BpfMapType Type => Spec.Type;

    /// <summary><c>max_entries</c>.</summary>
    public uint MaxEntries => Spec.MaxEntries;

    /// <summary>BPF_MAP_FREEZE: no further writes through any handle.</summary>
    /// <exception cref="BpfException">The kernel refused (a read-only handle, a map frozen already, a spin-lock value).</exception>
    public void Freeze() => ThrowIfFailed(BpfMapCommand.Freeze, Backend.Freeze(Handle));

    /// <summary>BPF_OBJ_PIN: pins the map at <paramref name="path"/> in a BPF file system, where it outlives this process.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains NUL.</exception>
    /// <exception cref="BpfException">The kernel refused (no bpffs there, the name exists already, ...).</exception>
    public void Pin(string path)
    {
        var errno = Backend.Pin(Handle, path);
        if (errno != Errno.None)
        {
            throw new BpfException(BpfMapCommand.Pin, errno, Spec, $" for path \"{path}\"");
        }
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD: what the kernel reports about the map (its id, the effective max_entries, ...).</summary>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public BpfMapInfo GetInfo()
    {
        ThrowIfFailed(BpfMapCommand.GetMapInfo, Backend.GetMapInfo(Handle, out var info));
        return info!;
    }

    /// <summary>Closes the handle.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the handle when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Handle.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => BpfErrorMessages.DescribeMap(Spec);

    /// <summary>Throws the <see cref="BpfException"/> for <paramref name="errno"/> unless it is success.</summary>
    private protected void ThrowIfFailed(BpfMapCommand command, Errno errno)
    {
        if (errno != Errno.None)
        {
            throw new BpfException(command, errno, Spec);
        }
    }

    /// <summary>True on success, false on the one expected errno, and the exception for any other.</summary>
    private protected bool Succeeded(BpfMapCommand command, Errno errno, Errno expected)
    {
        if (errno == expected)
        {
            return false;
        }

        ThrowIfFailed(command, errno);
        return true;
    }

    /// <summary>BPF_MAP_UPDATE_BATCH of <paramref name="count"/> elements laid out as the kernel reads them.</summary>
    private protected BpfBatchResult UpdateBatchBytes(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, int count)
    {
        var done = (uint)count;
        var errno = count == 0 ? Errno.None : Backend.UpdateBatch(Handle, keys, values, ref done);
        return new BpfBatchResult(BpfMapCommand.UpdateBatch, Spec, count, (int)Math.Min(done, (uint)count), 0, errno);
    }

    /// <summary>
    /// BPF_MAP_DELETE_BATCH of <paramref name="count"/> keys. With <paramref name="skipMissing"/>, a key that is not
    /// in the map (ENOENT at position <c>count</c>, reference §8.6) is skipped and the rest sent again.
    /// </summary>
    private protected BpfBatchResult DeleteBatchBytes(ReadOnlySpan<byte> keys, int count, bool skipMissing)
    {
        var keySize = (int)Spec.KeySize;
        var deleted = 0;
        var skipped = 0;
        var errno = Errno.None;
        while (deleted + skipped < count)
        {
            var offset = deleted + skipped;
            var remaining = (uint)(count - offset);
            var done = remaining;
            errno = Backend.DeleteBatch(Handle, keys[(offset * keySize)..(count * keySize)], ref done);
            deleted += (int)Math.Min(done, remaining);
            if (errno == Errno.ENOENT && skipMissing && done < remaining)
            {
                skipped++;
                errno = Errno.None;
                continue;
            }

            if (errno != Errno.None || done >= remaining)
            {
                break;
            }
        }

        return new BpfBatchResult(BpfMapCommand.DeleteBatch, Spec, count, deleted, skipped, errno);
    }

    // Per-CPU values of up to this many bytes are converted on the stack; larger ones in a pooled buffer.
    private const int StackValueBytes = 512;

    /// <summary>
    /// Looks up (or looks up and deletes) a per-CPU value into <paramref name="perCpu"/>, one value per CPU, converting
    /// from the kernel's 8-byte slots when <typeparamref name="T"/> is not a multiple of 8 bytes.
    /// </summary>
    private protected Errno LookupPerCpu<T>(ReadOnlySpan<byte> key, Span<T> perCpu, bool andDelete)
        where T : unmanaged
    {
        CheckCpuCount(perCpu.Length, 1, nameof(perCpu));
        if (PerCpuLayout.IsDense<T>())
        {
            var bytes = MemoryMarshal.AsBytes(perCpu);
            return andDelete ? Backend.LookupAndDelete(Handle, key, bytes) : Backend.Lookup(Handle, key, bytes);
        }

        var size = (int)Handle.Layout.ValueSize;
        byte[]? rented = null;
        var padded = (size <= StackValueBytes ? stackalloc byte[StackValueBytes] : (rented = ArrayPool<byte>.Shared.Rent(size)))[..size];
        try
        {
            var errno = andDelete ? Backend.LookupAndDelete(Handle, key, padded) : Backend.Lookup(Handle, key, padded);
            if (errno == Errno.None)
            {
                PerCpuLayout.Unpack<T>(padded, perCpu);
            }

            return errno;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Updates a per-CPU value from <paramref name="perCpu"/>, one value per CPU.</summary>
    private protected Errno UpdatePerCpu<T>(ReadOnlySpan<byte> key, ReadOnlySpan<T> perCpu, BpfElementFlags flags)
        where T : unmanaged
    {
        CheckCpuCount(perCpu.Length, 1, nameof(perCpu));
        if (PerCpuLayout.IsDense<T>())
        {
            return Backend.Update(Handle, key, MemoryMarshal.AsBytes(perCpu), flags);
        }

        var size = (int)Handle.Layout.ValueSize;
        byte[]? rented = null;
        var padded = (size <= StackValueBytes ? stackalloc byte[StackValueBytes] : (rented = ArrayPool<byte>.Shared.Rent(size)))[..size];
        try
        {
            PerCpuLayout.Pack(perCpu, padded);
            return Backend.Update(Handle, key, padded, flags);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>BPF_MAP_UPDATE_BATCH of <paramref name="count"/> keys and their per-CPU values, CPU by CPU.</summary>
    private protected BpfBatchResult UpdateBatchPerCpu<T>(ReadOnlySpan<byte> keys, int count, ReadOnlySpan<T> perCpuValues)
        where T : unmanaged
    {
        CheckCpuCount(perCpuValues.Length, count, nameof(perCpuValues));
        if (PerCpuLayout.IsDense<T>())
        {
            return UpdateBatchBytes(keys, MemoryMarshal.AsBytes(perCpuValues), count);
        }

        var size = checked(count * (int)Handle.Layout.ValueSize);
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            PerCpuLayout.Pack(perCpuValues, rented.AsSpan(0, size));
            return UpdateBatchBytes(keys, rented.AsSpan(0, size), count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void CheckCpuCount(int length, int elements, string name)
    {
        var cpus = Handle.Layout.PossibleCpus;
        if ((long)elements * cpus != length)
        {
            throw new ArgumentException(elements == 1
                ? $"A per-CPU value holds one value per possible CPU: {cpus} here; the span holds {length}."
                : $"{elements} per-CPU values hold {elements} × {cpus} possible CPUs = {(long)elements * cpus} values; the span holds {length}.", name);
        }
    }

    /// <summary>BPF_MAP_CREATE of <paramref name="spec"/>, or the exception.</summary>
    private protected static BpfMapHandle CreateHandle(IBpfMapBackend backend, BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var errno = backend.CreateMap(spec, out var handle);
        if (errno != Errno.None)
        {
            throw new BpfException(BpfMapCommand.CreateMap, errno, spec);
        }

        return handle!;
    }

    /// <summary>The spec of a map with the sizes of <typeparamref name="TKey"/> and <typeparamref name="TValue"/>.</summary>
    private protected static BpfMapSpec Shape<TKey, TValue>(BpfMapType type, uint maxEntries = 1, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged =>
        new(type, (uint)Unsafe.SizeOf<TKey>(), (uint)Unsafe.SizeOf<TValue>(), maxEntries) { Flags = flags, Name = name };

    /// <summary>The spec of a queue or stack of <typeparamref name="T"/> values: no key.</summary>
    private protected static BpfMapSpec KeylessShape<T>(BpfMapType type, uint maxEntries = 1, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where T : unmanaged =>
        new(type, 0, (uint)Unsafe.SizeOf<T>(), maxEntries) { Flags = flags, Name = name };

    /// <summary>
    /// Checks that <paramref name="handle"/> is an open map of <paramref name="expected"/>'s type and sizes, so that a
    /// typed map of <paramref name="typedMap"/> can take it over.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="handle"/> is closed.</exception>
    /// <exception cref="ArgumentException">The type or a size differs.</exception>
    private protected static BpfMapHandle Adopt(BpfMapHandle handle, BpfMapSpec expected, Type typedMap)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        var actual = handle.Spec;
        if (actual.Type != expected.Type || actual.KeySize != expected.KeySize || actual.ValueSize != expected.ValueSize)
        {
            throw new ArgumentException(
                $"{FriendlyName(typedMap)} needs a {BpfErrorMessages.MapTypeName(expected.Type)} map with key_size {expected.KeySize} " +
                $"and value_size {expected.ValueSize} (the sizes of its type arguments); the handle is a {BpfErrorMessages.DescribeMap(actual)}.",
                nameof(handle));
        }

        return handle;
    }

    /// <summary>
    /// BPF_MAP_GET_FD_BY_ID: a handle to the map with id <paramref name="id"/>, for a typed map's constructor to take
    /// over (<c>new BpfHashMap&lt;uint, ulong&gt;(BpfMap.OpenHandleById(backend, id))</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    /// <exception cref="BpfException">No map has that id, or the kernel refused.</exception>
    public static BpfMapHandle OpenHandleById(IBpfMapBackend backend, uint id, BpfOpenFlags flags = BpfOpenFlags.None)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var errno = backend.OpenMapById(id, flags, out var handle);
        if (errno != Errno.None)
        {
            throw new BpfException(BpfMapCommand.OpenMapById, errno, null, $" for id {id}");
        }

        return handle!;
    }

    /// <summary>
    /// BPF_OBJ_GET: a handle to the map pinned at <paramref name="path"/>, for a typed map's constructor to take over
    /// (<c>new BpfHashMap&lt;uint, ulong&gt;(BpfMap.OpenPinnedHandle(backend, path))</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or contains NUL.</exception>
    /// <exception cref="BpfException">Nothing is pinned there, or the kernel refused.</exception>
    public static BpfMapHandle OpenPinnedHandle(IBpfMapBackend backend, string path, BpfOpenFlags flags = BpfOpenFlags.None)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var errno = backend.OpenPinned(path, flags, out var handle);
        if (errno != Errno.None)
        {
            throw new BpfException(BpfMapCommand.OpenPinned, errno, null, $" for path \"{path}\"");
        }

        return handle!;
    }

    // BpfHashMap<UInt32, UInt64> rather than BpfHashMap`2.
    private static string FriendlyName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>"
        : type.Name;
}
