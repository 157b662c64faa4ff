using BpfMaps.Simulated.Models;
using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated;

/// <summary>
/// <see cref="IBpfMapBackend"/> as a managed model of the Linux kernel's map semantics, errno for errno (Linux 6.18,
/// kernel-semantics.md): HASH, PERCPU_HASH, ARRAY, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH, QUEUE and STACK. It runs
/// wherever .NET runs. Every errno is decided by the simulator's rules in one place; arguments are checked by
/// <see cref="BpfMapBackend{THandle}"/> exactly as for every other backend.
/// </summary>
/// <remarks>
/// Thread-safe: the commands on one map are serialized, so concurrent calls behave as some serial order of them.
/// Every command runs as if on CPU 0, which makes LRU eviction deterministic (reference §12).
/// </remarks>
public sealed class SimulatedBpfMapBackend : BpfMapBackend<SimulatedMapHandle>
{
    private readonly SimulatedMachine _machine;
    private readonly Random _hashSeeds;
    private readonly Lock _hashSeedsGate = new();

    /// <summary>Creates a simulator with the default options.</summary>
    public SimulatedBpfMapBackend()
        : this(new SimulatedBpfBackendOptions())
    {
    }

    /// <summary>Creates a simulator of the machine <paramref name="options"/> describe; later changes to them do not affect it.</summary>
    public SimulatedBpfMapBackend(SimulatedBpfBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        _machine = SimulatedMachine.From(Options);
        _hashSeeds = new Random(Options.Seed);
    }

    /// <inheritdoc />
    public override int PossibleCpuCount => _machine.PossibleCpus;

    /// <summary>A copy of the options this simulator was created with.</summary>
    public SimulatedBpfBackendOptions Options { get; }

    /// <summary>
    /// Opens another handle to the map <paramref name="map"/> opens, with its own access mode: the simulator's
    /// BPF_MAP_GET_FD_BY_ID. <see cref="BpfMapAccess.ReadWrite"/> gives a read-write handle even to a map created
    /// read-only, while a frozen map stays frozen for every handle (reference §3.2, §10). The map lives until every
    /// handle to it is closed.
    /// </summary>
    /// <exception cref="ArgumentException">The handle belongs to another backend, or the access mode is not defined.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public SimulatedMapHandle OpenAnotherHandle(BpfMapHandle map, BpfMapAccess access = BpfMapAccess.ReadWrite)
    {
        var handle = BpfMapArguments.Owned<SimulatedMapHandle>(this, map);
        if (!Enum.IsDefined(access))
        {
            throw new ArgumentException($"Access mode {access} is not defined.", nameof(access));
        }

        return new SimulatedMapHandle(this, handle.Spec, access, handle.Map);
    }

    /// <inheritdoc />
    protected override Errno CreateMapCore(BpfMapSpec spec, out SimulatedMapHandle? map)
    {
        map = null;
        var errno = KernelRules.CreateMap(spec, _machine, out var maxEntries);
        if (errno != Errno.None)
        {
            return errno;
        }

        var layout = new BpfMapLayout(spec, PossibleCpuCount);
        var spinLock = KernelRules.SpinLockOf(spec);
        MapModel model = spec.Type switch
        {
            _ when spec.Type.IsHashFamily() => new HashMapModel(spec, layout, maxEntries, NextHashSeed(spec), PossibleCpuCount) { SpinLockOffset = spinLock },
            _ when spec.Type.IsArrayFamily() => new ArrayMapModel(spec, layout) { SpinLockOffset = spinLock },
            _ => new QueueStackMapModel(spec, layout) { SpinLockOffset = spinLock },
        };

        // §3.2: BPF_F_RDONLY / BPF_F_WRONLY set the mode of the returned descriptor only.
        map = new SimulatedMapHandle(this, spec, spec.Access, model);
        return Errno.None;
    }

    /// <inheritdoc />
    protected override Errno LookupCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.LookupElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno UpdateCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.UpdateElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno DeleteCore(SimulatedMapHandle map, ReadOnlySpan<byte> key)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.DeleteElement(map, Exact(key, map.Map.KeySize));
        }
    }

    /// <inheritdoc />
    protected override Errno GetNextKeyCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.GetNextKey(map, Exact(key, map.Map.KeySize), Exact(nextKey, map.Map.KeySize));
        }
    }

    /// <inheritdoc />
    protected override Errno LookupAndDeleteCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.LookupAndDeleteElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno FreezeCore(SimulatedMapHandle map)
    {
        lock (map.Map.Gate)
        {
            return KernelRules.Freeze(map);
        }
    }

    /// <inheritdoc />
    protected override Errno LookupBatchCore(SimulatedMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys,
        Span<byte> values, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        var model = map.Map;
        lock (model.Gate)
        {
            var errno = KernelRules.BatchCommand(map, andDelete ? BatchCommand.LookupAndDelete : BatchCommand.Lookup);
            if (errno != Errno.None)
            {
                return errno;
            }

            inBatch = Exact(inBatch, BpfMapLayout.CursorSize);
            outBatch = Exact(outBatch, BpfMapLayout.CursorSize);
            return (model.BatchSupport & BatchSupport.OwnLookup) != 0
                ? model.LookupBatch(inBatch, outBatch, keys, values, ref count, elementFlags, flags, andDelete)
                : GenericBatch.Lookup(model, inBatch, outBatch, keys, values, ref count, elementFlags);
        }
    }

    /// <inheritdoc />
    protected override Errno UpdateBatchCore(SimulatedMapHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        lock (map.Map.Gate)
        {
            var errno = KernelRules.BatchCommand(map, BatchCommand.Update);
            return errno != Errno.None ? errno : GenericBatch.Update(map.Map, keys, values, ref count, elementFlags);
        }
    }

    /// <inheritdoc />
    protected override Errno DeleteBatchCore(SimulatedMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        lock (map.Map.Gate)
        {
            var errno = KernelRules.BatchCommand(map, BatchCommand.Delete);
            return errno != Errno.None ? errno : GenericBatch.Delete(map.Map, keys, ref count, elementFlags);
        }
    }

    // §7.2: BPF_F_ZERO_SEED maps hash with seed 0; every other hash map gets a random seed, drawn here from the
    // options' seed so that a run can be replayed.
    private uint NextHashSeed(BpfMapSpec spec)
    {
        if ((spec.Flags & BpfMapFlags.ZeroSeed) != 0)
        {
            return 0;
        }

        lock (_hashSeedsGate)
        {
            return (uint)_hashSeeds.NextInt64(0, 1L << 32);
        }
    }

    // User buffers may be longer than the map needs; the kernel reads and writes exactly its sizes. Empty spans stay
    // NULL, and so does a key given to a map without keys (size 0), which must still be seen as non-NULL.
    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> buffer, int size) =>
        buffer.IsEmpty || size == 0 ? buffer : buffer[..size];

    private static Span<byte> Exact(Span<byte> buffer, int size) =>
        buffer.IsEmpty || size == 0 ? buffer : buffer[..size];
}
