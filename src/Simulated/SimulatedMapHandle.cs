using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated;

/// <summary>
/// An open simulated map: the simulator's file descriptor. The map lives while any handle to it is open; disposing
/// the last one frees it. The access mode belongs to the handle, as it belongs to the descriptor in the kernel
/// (reference §10). A handle left to the finalizer is closed there, as the kernel closes a descriptor whose file is
/// released, so a map whose handles are all collected is freed.
/// </summary>
public sealed class SimulatedMapHandle : BpfMapHandle
{
    private readonly SimulatedBpfMapBackend _backend;

    // Closed until the constructor has taken its reference: a finalizer must not release what was never held.
    private int _closed = 1;

    internal SimulatedMapHandle(SimulatedBpfMapBackend backend, BpfMapSpec spec, BpfMapAccess access, MapModel map)
        : base(backend, spec, access)
    {
        _backend = backend;
        Map = map;
        map.AddHandle();
        backend.HandleOpened();
        _closed = 0;
    }

    /// <summary>Closes a handle that was never disposed.</summary>
    ~SimulatedMapHandle()
    {
        Dispose(disposing: false);
    }

    /// <inheritdoc />
    public override bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>The map this handle opens.</summary>
    internal MapModel Map { get; }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _backend.HandleClosed();
            _backend.Release(Map);
        }
    }
}
