namespace BpfMaps.Simulated.Steering;

/// <summary>
/// The call counts and the pending injected faults of one simulator, per command. Thread-safe: counts are
/// interlocked, and taking a fault is atomic, so each injected failure is returned by exactly one call.
/// </summary>
internal sealed class CommandSteering
{
    private static readonly BpfMapCommand[] Commands = Enum.GetValues<BpfMapCommand>();

    // Indexed by the bpf_cmd number (the largest is 27).
    private readonly long[] _calls = new long[Slots];
    private readonly Queue<Errno>?[] _faults = new Queue<Errno>?[Slots];
    private readonly Lock _gate = new();
    private int _pendingFaults;

    private static int Slots => (int)BpfMapCommand.DeleteBatch + 1;

    /// <summary>
    /// A call of <paramref name="command"/> reached the simulator: counts it and returns the fault to answer with, or
    /// <see cref="Errno.None"/> to run it.
    /// </summary>
    public Errno Enter(BpfMapCommand command)
    {
        // Only the backend calls this, with a command it implements: no Enum.IsDefined search on every call.
        var slot = (int)command;
        Interlocked.Increment(ref _calls[slot]);
        if (Volatile.Read(ref _pendingFaults) == 0)
        {
            return Errno.None;
        }

        lock (_gate)
        {
            if (_faults[slot] is not { Count: > 0 } queue)
            {
                return Errno.None;
            }

            _pendingFaults--;
            return queue.Dequeue();
        }
    }

    /// <summary>Queues <paramref name="times"/> failures with <paramref name="errno"/> after those already pending.</summary>
    public void Inject(BpfMapCommand command, Errno errno, int times)
    {
        var slot = Slot(command);
        lock (_gate)
        {
            var queue = _faults[slot] ??= new Queue<Errno>();
            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(errno);
            }

            _pendingFaults += times;
        }
    }

    /// <summary>Faults still to be returned for <paramref name="command"/>.</summary>
    public int Pending(BpfMapCommand command)
    {
        var slot = Slot(command);
        lock (_gate)
        {
            return _faults[slot]?.Count ?? 0;
        }
    }

    /// <summary>Drops every pending fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            Array.Clear(_faults);
            _pendingFaults = 0;
        }
    }

    /// <summary>Calls of <paramref name="command"/> so far.</summary>
    public long Count(BpfMapCommand command) => Interlocked.Read(ref _calls[Slot(command)]);

    /// <summary>Every command with its count, zeros included, in command order.</summary>
    public IReadOnlyDictionary<BpfMapCommand, long> Counts() => Commands.ToDictionary(c => c, Count);

    /// <summary>Sets every count back to zero.</summary>
    public void ResetCounts()
    {
        for (var i = 0; i < _calls.Length; i++)
        {
            Interlocked.Exchange(ref _calls[i], 0);
        }
    }

    private static int Slot(BpfMapCommand command) => Enum.IsDefined(command)
        ? (int)command
        : throw new ArgumentOutOfRangeException(nameof(command), command, "Not a command the simulator answers.");
}
