using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated;

/// <summary>
/// An open simulated map: the simulator's file descriptor. The map lives while any handle to it is open; disposing
/// the last one frees it. The access mode belongs to the handle, as it belongs to the descriptor in the kernel
/// (reference §10).
/// </summary>
public sealed class SimulatedMapHandle : BpfMapHandle
{
    private readonly SimulatedBpfMapBackend _backend;
    private int _closed;

    internal SimulatedMapHandle(SimulatedBpfMapBackend backend, BpfMapSpec spec, BpfMapAccess access, MapModel map)
        : base(backend, spec, access)
    {
        _backend = backend;
        Map = map;
        map.AddHandle();
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
            _backend.Release(Map);
        }
    }
}
