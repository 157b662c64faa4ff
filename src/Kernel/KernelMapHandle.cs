namespace BpfMaps.Kernel;

/// <summary>A map opened through <c>bpf(2)</c>: a <see cref="BpfFileDescriptor"/> with the map's spec and access mode.</summary>
public sealed class KernelMapHandle : BpfMapHandle
{
    internal KernelMapHandle(KernelBpfMapBackend backend, BpfMapSpec spec, BpfMapAccess access, BpfFileDescriptor descriptor)
        : base(backend, spec, access)
    {
        Descriptor = descriptor;
    }

    /// <summary>The map's file descriptor.</summary>
    public BpfFileDescriptor Descriptor { get; }

    /// <inheritdoc />
    public override bool IsClosed => Descriptor.IsClosed;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Descriptor.Dispose();
        }
    }
}
