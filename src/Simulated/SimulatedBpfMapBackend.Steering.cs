using BpfMaps.Simulated.Models;
using BpfMaps.Simulated.Rules;
using BpfMaps.Simulated.Steering;

namespace BpfMaps.Simulated;

// Steering: what a test does to a simulator that user space cannot do to a kernel. None of it is on the contract.
public sealed partial class SimulatedBpfMapBackend
{
    private readonly CommandSteering _steering = new();

    /// <summary>
    /// Writes into <paramref name="map"/> as a BPF program running on <paramref name="cpu"/> would with
    /// <c>bpf_map_update_elem</c> (<c>bpf_map_push_elem</c> for QUEUE and STACK): <paramref name="value"/> is one
    /// CPU's value (<c>value_size</c> bytes); on per-CPU maps it lands in that CPU's slot only (a new element gets
    /// zeros in the other slots), on other maps it is the value. LRU maps take their free nodes from
    /// <paramref name="cpu"/>'s lists. The handle's access mode and a freeze restrict user space only, so they do not
    /// stop it. It is not a syscall: it is neither counted nor failed by <see cref="InjectFault"/>.
    /// </summary>
    /// <returns>What the helper returns: <see cref="Errno.None"/>, or the map's errno (EEXIST, ENOENT, E2BIG, EINVAL...).</returns>
    /// <exception cref="ArgumentException">
    /// The handle belongs to another backend, the key is shorter than <c>key_size</c> (or not empty on a QUEUE or
    /// STACK), or the value is shorter than <c>value_size</c>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is not a possible CPU.</exception>
    /// <exception cref="InvalidOperationException">The map was created with BPF_F_RDONLY_PROG: the verifier refuses programs that write it.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public Errno WriteAsProgram(BpfMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int cpu,
        BpfElementFlags flags = BpfElementFlags.Any)
    {
        var model = BpfMapArguments.Owned<SimulatedMapHandle>(this, map).Map;
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, PossibleCpuCount);
        if (model.Spec.Type.IsQueueOrStack() ? !key.IsEmpty : key.Length < model.KeySize)
        {
            throw new ArgumentException(model.Spec.Type.IsQueueOrStack()
                ? $"A program pushes into a {model.Spec.Type} map without a key; pass an empty key."
                : $"A program passes a key of key_size ({model.KeySize}) bytes; this key has {key.Length}.", nameof(key));
        }

        if (value.Length < model.Spec.ValueSize)
        {
            throw new ArgumentException(
                $"A program passes one CPU's value of value_size ({model.Spec.ValueSize}) bytes; this value has {value.Length}.", nameof(value));
        }

        if ((model.Spec.Flags & BpfMapFlags.ReadOnlyProg) != 0)
        {
            throw new InvalidOperationException(
                "The map was created with BPF_F_RDONLY_PROG: the verifier refuses a program that writes it.");
        }

        lock (model.Gate)
        {
            model.Cpu = cpu;
            return KernelRules.ProgramUpdate(model, key[..model.KeySize], value[..(int)model.Spec.ValueSize], cpu, flags);
        }
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> calls of <paramref name="command"/> return <paramref name="errno"/>
    /// without touching any map (outputs, counts and cursors are left as they were given). The argument checks every
    /// backend makes still come first and throw; only calls that pass them take a fault. Faults queue up behind those
    /// already pending for the command. Thread-safe: each fault is taken by exactly one call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="command"/> is not a <see cref="BpfMapCommand"/>, <paramref name="errno"/> is
    /// <see cref="Errno.None"/>, or <paramref name="times"/> is not positive.
    /// </exception>
    public void InjectFault(BpfMapCommand command, Errno errno, int times = 1)
    {
        if (errno == Errno.None)
        {
            throw new ArgumentOutOfRangeException(nameof(errno), errno, "A fault is an errno other than Errno.None.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        _steering.Inject(command, errno, times);
    }

    /// <summary>How many injected faults <paramref name="command"/> still has to return.</summary>
    public int PendingFaults(BpfMapCommand command) => _steering.Pending(command);

    /// <summary>Drops every injected fault not yet returned.</summary>
    public void ClearFaults() => _steering.ClearFaults();

    /// <summary>
    /// How many calls of <paramref name="command"/> reached this simulator: every call that passed the argument
    /// checks, whatever its errno, injected faults included.
    /// </summary>
    public long CallCount(BpfMapCommand command) => _steering.Count(command);

    /// <summary>A snapshot of <see cref="CallCount"/> for every command, zeros included.</summary>
    public IReadOnlyDictionary<BpfMapCommand, long> CallCounts => _steering.Counts();

    /// <summary>Sets every call count back to zero.</summary>
    public void ResetCallCounts() => _steering.ResetCounts();

    /// <summary>
    /// The elements of <paramref name="map"/> in iteration order, read without any side effect: for hash maps the
    /// order of BPF_MAP_GET_NEXT_KEY, for arrays every index from 0 (unwritten ones as zeros), for QUEUE and STACK
    /// the order pops would return them, with empty keys. Whatever the handle's access mode; not counted.
    /// </summary>
    /// <exception cref="ArgumentException">The handle belongs to another backend.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public IReadOnlyList<SimulatedMapEntry> Dump(BpfMapHandle map)
    {
        var model = BpfMapArguments.Owned<SimulatedMapHandle>(this, map).Map;
        lock (model.Gate)
        {
            if (model is QueueStackMapModel queueOrStack)
            {
                return [.. queueOrStack.InPopOrder().Select(value => new SimulatedMapEntry([], value))];
            }

            var entries = new List<SimulatedMapEntry>();
            var key = Array.Empty<byte>();
            var next = new byte[model.KeySize];
            while (model.GetNextKey(key, next) == Errno.None)
            {
                var value = new byte[model.ValueSize];
                if (model.LookupElement(next, value) != Errno.None)
                {
                    throw new InvalidOperationException($"The simulator's {model.Spec.Type} model listed a key it cannot look up.");
                }

                key = next.ToArray();
                entries.Add(new SimulatedMapEntry(key, value));
            }

            return entries;
        }
    }

    // Counts a call that passed the argument checks and returns the injected fault it takes, if any.
    private Errno Steer(BpfMapCommand command) => _steering.Enter(command);
}
