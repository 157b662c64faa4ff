using BpfMaps.Simulated.FileSystem;
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
/// Every command runs on a simulated CPU (<see cref="CurrentCpu"/>), which makes LRU eviction deterministic (reference §12).
/// Tests steer it beyond what user space can do to a kernel: <see cref="WriteAsProgram"/>, <see cref="InjectFault"/>,
/// <see cref="CallCount"/> and <see cref="Dump"/>.
/// </remarks>
public sealed partial class SimulatedBpfMapBackend : BpfMapBackend<SimulatedMapHandle>
{
    private readonly SimulatedMachine _machine;
    private readonly Random _hashSeeds;
    private readonly Lock _hashSeedsGate = new();

    // The maps by id and the bpffs mounts; taken before any map's Gate, never inside one.
    private readonly Lock _objects = new();
    private readonly Dictionary<uint, MapModel> _maps = [];
    private readonly SimulatedBpfFileSystem _bpffs = new();
    private readonly AsyncLocal<int?> _threadCpu = new();
    private uint _lastMapId;

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
        if (Options.DefaultCpu >= Options.PossibleCpuCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.DefaultCpu,
                $"DefaultCpu must be one of the {Options.PossibleCpuCount} possible CPUs.");
        }

        _machine = SimulatedMachine.From(Options);
        _hashSeeds = new Random(Options.Seed);
    }

    /// <inheritdoc />
    public override int PossibleCpuCount => _machine.PossibleCpus;

    /// <inheritdoc />
    public override LinuxKernelVersion KernelVersion => _machine.KernelVersion.ToLinuxVersion();

    /// <summary>A copy of the options this simulator was created with.</summary>
    public SimulatedBpfBackendOptions Options { get; }

    /// <summary>
    /// The CPU the commands of the calling thread run on: the one chosen with <see cref="RunOnCpu"/>, else
    /// <see cref="SimulatedBpfBackendOptions.DefaultCpu"/>. It decides which LRU lists a command uses (reference §12).
    /// </summary>
    public int CurrentCpu => _threadCpu.Value ?? Options.DefaultCpu;

    /// <summary>
    /// Runs the commands of the calling thread (and of the asynchronous flow it starts) on <paramref name="cpu"/>
    /// until the returned scope is disposed, as <c>sched_setaffinity</c> pins a thread to one CPU in the kernel.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is not a possible CPU.</exception>
    public IDisposable RunOnCpu(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, PossibleCpuCount);
        var scope = new CpuScope(_threadCpu, _threadCpu.Value);
        _threadCpu.Value = cpu;
        return scope;
    }

    /// <summary>
    /// Mounts a simulated BPF file system at <paramref name="directory"/>: maps can be pinned there (BPF_OBJ_PIN) and
    /// opened again (BPF_OBJ_GET). Paths outside every mount are looked up, read only, on the host file system.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">A simulated bpffs is mounted at, above or below it already.</exception>
    public void MountBpfFileSystem(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        lock (_objects)
        {
            _bpffs.Mount(directory);
        }
    }

    /// <summary>
    /// Unmounts the simulated BPF file system at <paramref name="directory"/>: its pins are dropped, and a map that
    /// no handle holds any more is freed. Returns false if none was mounted there.
    /// </summary>
    public bool UnmountBpfFileSystem(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        lock (_objects)
        {
            if (_bpffs.Unmount(directory) is not { } pinned)
            {
                return false;
            }

            foreach (var map in pinned)
            {
                ReleaseLocked(map);
            }

            return true;
        }
    }

    /// <inheritdoc />
    protected override Errno CreateMapCore(BpfMapSpec spec, out SimulatedMapHandle? map)
    {
        map = null;
        var injected = Steer(BpfMapCommand.CreateMap);
        if (injected != Errno.None)
        {
            return injected;
        }

        var errno = KernelRules.CreateMap(spec, _machine, out var maxEntries);
        if (errno != Errno.None)
        {
            return errno;
        }

        var layout = new BpfMapLayout(spec, PossibleCpuCount);
        var spinLock = KernelRules.SpinLockOf(spec);
        MapModel model = spec.Type switch
        {
            _ when spec.Type.IsHashFamily() => new HashMapModel(spec, layout, maxEntries, NextHashSeed(spec), PossibleCpuCount, _machine.Kernel) { SpinLockOffset = spinLock },
            _ when spec.Type.IsArrayFamily() => new ArrayMapModel(spec, layout, _machine.Kernel) { SpinLockOffset = spinLock },
            _ => new QueueStackMapModel(spec, layout, _machine.Kernel) { SpinLockOffset = spinLock },
        };

        // §3.2: BPF_F_RDONLY / BPF_F_WRONLY set the mode of the returned descriptor only.
        lock (_objects)
        {
            model.Id = NextMapId();
            map = new SimulatedMapHandle(this, spec, spec.Access, model);
            _maps.Add(model.Id, model);
        }

        return Errno.None;
    }

    /// <inheritdoc />
    protected override Errno LookupCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        var injected = Steer(BpfMapCommand.Lookup);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            return KernelRules.LookupElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno UpdateCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        var injected = Steer(BpfMapCommand.Update);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            map.Map.Cpu = CurrentCpu;
            return KernelRules.UpdateElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno DeleteCore(SimulatedMapHandle map, ReadOnlySpan<byte> key)
    {
        var injected = Steer(BpfMapCommand.Delete);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            return KernelRules.DeleteElement(map, Exact(key, map.Map.KeySize));
        }
    }

    /// <inheritdoc />
    protected override Errno GetNextKeyCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        var injected = Steer(BpfMapCommand.GetNextKey);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            return KernelRules.GetNextKey(map, Exact(key, map.Map.KeySize), Exact(nextKey, map.Map.KeySize));
        }
    }

    /// <inheritdoc />
    protected override Errno LookupAndDeleteCore(SimulatedMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        var injected = Steer(BpfMapCommand.LookupAndDelete);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            return KernelRules.LookupAndDeleteElement(map, Exact(key, map.Map.KeySize), Exact(value, map.Map.ValueSize), flags);
        }
    }

    /// <inheritdoc />
    protected override Errno FreezeCore(SimulatedMapHandle map)
    {
        var injected = Steer(BpfMapCommand.Freeze);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            return KernelRules.Freeze(map);
        }
    }

    /// <inheritdoc />
    protected override Errno LookupBatchCore(SimulatedMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys,
        Span<byte> values, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        var injected = Steer(andDelete ? BpfMapCommand.LookupAndDeleteBatch : BpfMapCommand.LookupBatch);
        if (injected != Errno.None)
        {
            return injected;
        }

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
        var injected = Steer(BpfMapCommand.UpdateBatch);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            map.Map.Cpu = CurrentCpu;
            var errno = KernelRules.BatchCommand(map, BatchCommand.Update);
            return errno != Errno.None ? errno : GenericBatch.Update(map.Map, keys, values, ref count, elementFlags);
        }
    }

    /// <inheritdoc />
    protected override Errno DeleteBatchCore(SimulatedMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        var injected = Steer(BpfMapCommand.DeleteBatch);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (map.Map.Gate)
        {
            var errno = KernelRules.BatchCommand(map, BatchCommand.Delete);
            return errno != Errno.None ? errno : GenericBatch.Delete(map.Map, keys, ref count, elementFlags);
        }
    }

    /// <inheritdoc />
    protected override Errno OpenMapByIdCore(uint id, BpfOpenFlags openFlags, out SimulatedMapHandle? map)
    {
        map = null;
        var injected = Steer(BpfMapCommand.OpenMapById);
        if (injected != Errno.None)
        {
            return injected;
        }

        var errno = KernelRules.OpenFlags(openFlags, objGet: false, _machine.Kernel);
        if (errno != Errno.None)
        {
            return errno;
        }

        lock (_objects)
        {
            var found = _maps.TryGetValue(id, out var model);
            errno = KernelRules.MapId(found);
            if (errno == Errno.None)
            {
                map = Open(model!, openFlags);
            }

            return errno;
        }
    }

    /// <inheritdoc />
    protected override Errno GetMapInfoCore(SimulatedMapHandle map, out BpfMapInfo? info)
    {
        info = null;
        var injected = Steer(BpfMapCommand.GetMapInfo);
        if (injected != Errno.None)
        {
            return injected;
        }

        info = Info(map.Map);
        return Errno.None;
    }

    /// <inheritdoc />
    protected override Errno PinCore(SimulatedMapHandle map, string path)
    {
        var injected = Steer(BpfMapCommand.Pin);
        if (injected != Errno.None)
        {
            return injected;
        }

        lock (_objects)
        {
            var errno = KernelRules.PinPath(_bpffs.Lookup(path));
            if (errno == Errno.None)
            {
                // A pin holds the map as a handle does.
                map.Map.AddHandle();
                _bpffs.Add(path, map.Map);
            }

            return errno;
        }
    }

    /// <inheritdoc />
    protected override Errno OpenPinnedCore(string path, BpfOpenFlags fileFlags, out SimulatedMapHandle? map)
    {
        map = null;
        var injected = Steer(BpfMapCommand.OpenPinned);
        if (injected != Errno.None)
        {
            return injected;
        }

        var errno = KernelRules.OpenFlags(fileFlags, objGet: true, _machine.Kernel);
        if (errno != Errno.None)
        {
            return errno;
        }

        lock (_objects)
        {
            errno = KernelRules.GetPath(_bpffs.Lookup(path));
            if (errno == Errno.None)
            {
                map = Open(_bpffs.Get(path), fileFlags);
            }

            return errno;
        }
    }

    /// <summary>A handle to <paramref name="model"/> was closed: the map is freed, and its id forgotten, with the last reference.</summary>
    internal void Release(MapModel model)
    {
        lock (_objects)
        {
            ReleaseLocked(model);
        }
    }

    private void ReleaseLocked(MapModel model)
    {
        if (model.ReleaseHandle())
        {
            _maps.Remove(model.Id);
        }
    }

    // A new handle on a live map: its spec is what the map's info reports, as on the kernel backend.
    private SimulatedMapHandle Open(MapModel model, BpfOpenFlags flags) => new(this, Info(model).ToSpec(), flags.ToAccess(), model);

    // §3.1, §3.2: the effective max_entries and the flags the map keeps.
    private static BpfMapInfo Info(MapModel model) =>
        new(model.Id, model.Spec.Type, model.Spec.KeySize, model.Spec.ValueSize, model.MaxEntries,
            KernelRules.StoredMapFlags(model.Spec.Flags), model.Spec.Name ?? "");

    // idr_alloc_cyclic(&map_idr, map, 1, INT_MAX): ids increase from 1, wrap round below INT_MAX, and skip live ones.
    private uint NextMapId()
    {
        do
        {
            _lastMapId = _lastMapId >= int.MaxValue - 1 ? 1 : _lastMapId + 1;
        }
        while (_maps.ContainsKey(_lastMapId));

        return _lastMapId;
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

    // Restores the CPU a thread ran on before RunOnCpu.
    private sealed class CpuScope(AsyncLocal<int?> cpu, int? previous) : IDisposable
    {
        public void Dispose() => cpu.Value = previous;
    }
}
