namespace BpfMaps.Typed.Tests;

/// <summary>
/// A backend that forwards to another one, for what neither backend does on this kernel: a map type without batch
/// lookup (<see cref="WithoutBatchLookup"/>), and writers that delete the key a get-next-key walk stands on
/// (<see cref="ChurnOnGetNextKey"/>).
/// </summary>
internal sealed class ForwardingBackend(IBpfMapBackend inner) : BpfMapBackend<ForwardingBackend.Handle>
{
    /// <summary>LOOKUP_BATCH and LOOKUP_AND_DELETE_BATCH answer ENOTSUPP, as for a map type that lacks them (reference §8.1).</summary>
    public bool WithoutBatchLookup { get; init; }

    /// <summary>
    /// Before each GET_NEXT_KEY with a key, that key is deleted (so the kernel restarts from the first key, §7.1) and
    /// put back afterwards: a walk never reaches the end.
    /// </summary>
    public bool ChurnOnGetNextKey { get; init; }

    /// <summary>Batch lookups sent to the inner backend.</summary>
    public int BatchLookups { get; private set; }

    public override int PossibleCpuCount => inner.PossibleCpuCount;

    public override LinuxKernelVersion KernelVersion => inner.KernelVersion;

    protected override Errno CreateMapCore(BpfMapSpec spec, out Handle? map)
    {
        var errno = inner.CreateMap(spec, out var created);
        map = created is null ? null : new Handle(this, created);
        return errno;
    }

    protected override Errno LookupCore(Handle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags) =>
        inner.Lookup(map.Inner, key, value, flags);

    protected override Errno UpdateCore(Handle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags) =>
        inner.Update(map.Inner, key, value, flags);

    protected override Errno DeleteCore(Handle map, ReadOnlySpan<byte> key) => inner.Delete(map.Inner, key);

    protected override Errno GetNextKeyCore(Handle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!ChurnOnGetNextKey || key.IsEmpty)
        {
            return inner.GetNextKey(map.Inner, key, nextKey);
        }

        var value = new byte[map.Layout.ValueSize];
        var present = inner.Lookup(map.Inner, key, value) == Errno.None;
        if (present)
        {
            Assert.Equal(Errno.None, inner.Delete(map.Inner, key));
        }

        var errno = inner.GetNextKey(map.Inner, key, nextKey);
        if (present)
        {
            Assert.Equal(Errno.None, inner.Update(map.Inner, key, value));
        }

        return errno;
    }

    protected override Errno LookupAndDeleteCore(Handle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags) =>
        inner.LookupAndDelete(map.Inner, key, value, flags);

    protected override Errno FreezeCore(Handle map) => inner.Freeze(map.Inner);

    protected override Errno LookupBatchCore(Handle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        if (WithoutBatchLookup)
        {
            return Errno.ENOTSUPP;
        }

        BatchLookups++;
        return andDelete
            ? inner.LookupAndDeleteBatch(map.Inner, inBatch, outBatch, keys, values, ref count, elementFlags, flags)
            : inner.LookupBatch(map.Inner, inBatch, outBatch, keys, values, ref count, elementFlags, flags);
    }

    protected override Errno UpdateBatchCore(Handle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags) => inner.UpdateBatch(map.Inner, keys, values, ref count, elementFlags, flags);

    protected override Errno DeleteBatchCore(Handle map, ReadOnlySpan<byte> keys, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags) =>
        inner.DeleteBatch(map.Inner, keys, ref count, elementFlags, flags);

    protected override Errno OpenMapByIdCore(uint id, BpfOpenFlags openFlags, out Handle? map)
    {
        var errno = inner.OpenMapById(id, openFlags, out var opened);
        map = opened is null ? null : new Handle(this, opened);
        return errno;
    }

    protected override Errno GetMapInfoCore(Handle map, out BpfMapInfo? info) => inner.GetMapInfo(map.Inner, out info);

    protected override Errno PinCore(Handle map, string path) => inner.Pin(map.Inner, path);

    protected override Errno OpenPinnedCore(string path, BpfOpenFlags fileFlags, out Handle? map)
    {
        var errno = inner.OpenPinned(path, fileFlags, out var opened);
        map = opened is null ? null : new Handle(this, opened);
        return errno;
    }

    internal sealed class Handle(ForwardingBackend backend, BpfMapHandle inner) : BpfMapHandle(backend, inner.Spec, inner.Access)
    {
        public BpfMapHandle Inner { get; } = inner;

        public override bool IsClosed => Inner.IsClosed;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }
        }
    }
}
