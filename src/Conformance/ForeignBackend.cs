namespace BpfMaps.Conformance;

/// <summary>
/// A backend with no maps of its own, whose handles stand in for "a handle of another backend" in the argument
/// cases. Its handles are made directly; every command answers <see cref="Errno.ENOSYS"/>.
/// </summary>
internal sealed class ForeignBackend : BpfMapBackend<ForeignBackend.Handle>
{
    public override int PossibleCpuCount => 1;

    public override LinuxKernelVersion KernelVersion => LinuxKernelVersion.Profiles[^1];

    public static BpfMapHandle HandleFor(BpfMapSpec spec) => new Handle(new ForeignBackend(), spec);

    protected override Errno CreateMapCore(BpfMapSpec spec, out Handle? map)
    {
        map = null;
        return Errno.ENOSYS;
    }

    protected override Errno LookupCore(Handle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags) => Errno.ENOSYS;

    protected override Errno UpdateCore(Handle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags) => Errno.ENOSYS;

    protected override Errno DeleteCore(Handle map, ReadOnlySpan<byte> key) => Errno.ENOSYS;

    protected override Errno GetNextKeyCore(Handle map, ReadOnlySpan<byte> key, Span<byte> nextKey) => Errno.ENOSYS;

    protected override Errno LookupAndDeleteCore(Handle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags) => Errno.ENOSYS;

    protected override Errno FreezeCore(Handle map) => Errno.ENOSYS;

    protected override Errno LookupBatchCore(Handle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete) => Errno.ENOSYS;

    protected override Errno UpdateBatchCore(Handle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags) => Errno.ENOSYS;

    protected override Errno DeleteBatchCore(Handle map, ReadOnlySpan<byte> keys, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags) =>
        Errno.ENOSYS;

    protected override Errno OpenMapByIdCore(uint id, BpfOpenFlags openFlags, out Handle? map)
    {
        map = null;
        return Errno.ENOSYS;
    }

    protected override Errno GetMapInfoCore(Handle map, out BpfMapInfo? info)
    {
        info = null;
        return Errno.ENOSYS;
    }

    protected override Errno PinCore(Handle map, string path) => Errno.ENOSYS;

    protected override Errno OpenPinnedCore(string path, BpfOpenFlags fileFlags, out Handle? map)
    {
        map = null;
        return Errno.ENOSYS;
    }

    internal sealed class Handle(ForeignBackend backend, BpfMapSpec spec) : BpfMapHandle(backend, spec, BpfMapAccess.ReadWrite)
    {
        public override bool IsClosed => false;

        protected override void Dispose(bool disposing)
        {
        }
    }
}
