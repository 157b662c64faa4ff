namespace BpfMaps.Simulated;

// Diagnostics: what a test counts to show that handles and maps are released (the simulator's /proc/self/fd).
public sealed partial class SimulatedBpfMapBackend
{
    private int _openHandles;

    /// <summary>Handles opened and not yet closed (disposed or finalized); pins are not handles.</summary>
    public int OpenHandleCount => Volatile.Read(ref _openHandles);

    /// <summary>Maps alive: held by an open handle or a pin. A map leaves with its last reference, as it gets no id any more.</summary>
    public int LiveMapCount
    {
        get
        {
            lock (_objects)
            {
                return _maps.Count;
            }
        }
    }

    internal void HandleOpened() => Interlocked.Increment(ref _openHandles);

    internal void HandleClosed() => Interlocked.Decrement(ref _openHandles);
}
