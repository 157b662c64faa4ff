namespace BpfMaps;

/// <summary>
/// An open map: what a backend returns from <see cref="IBpfMapBackend.CreateMap"/>. It knows its spec, its access
/// mode and the layout of its buffers, and belongs to the backend that made it. Dispose it to close it.
/// </summary>
public abstract class BpfMapHandle : IDisposable
{
    /// <summary>Creates a handle owned by <paramref name="backend"/>.</summary>
    protected BpfMapHandle(IBpfMapBackend backend, BpfMapSpec spec, BpfMapAccess access)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(spec);
        Backend = backend;
        Spec = spec;
        Access = access;
        Layout = new BpfMapLayout(spec, backend.PossibleCpuCount);
    }

    /// <summary>The backend that opened this handle; no other backend accepts it.</summary>
    public IBpfMapBackend Backend { get; }

    /// <summary>The spec the map was created with.</summary>
    public BpfMapSpec Spec { get; }

    /// <summary>What this handle may do.</summary>
    public BpfMapAccess Access { get; }

    /// <summary>Sizes of keys, values and cursors in user buffers.</summary>
    public BpfMapLayout Layout { get; }

    /// <summary>Whether the handle has been closed.</summary>
    public abstract bool IsClosed { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the handle's resources.</summary>
    protected abstract void Dispose(bool disposing);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Spec.Type} map (key {Spec.KeySize} B, value {Spec.ValueSize} B, max {Spec.MaxEntries}, {Access})";
}
