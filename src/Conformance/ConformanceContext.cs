namespace BpfMaps.Conformance;

/// <summary>What a case body works with: the backend under test, and maps that are closed when the case ends.</summary>
public sealed class ConformanceContext : IDisposable
{
    private readonly List<BpfMapHandle> _maps = [];
    private IBpfFileSystemFixture? _bpfFileSystem;
    private LinuxKernelVersion? _kernel;
    private IDisposable? _caseCpu;

    /// <summary>Creates a context for one case run.</summary>
    public ConformanceContext(IBpfMapBackend backend)
        : this(backend, ConformanceEnvironment.None)
    {
    }

    /// <summary>Creates a context for one case run with the capabilities of <paramref name="environment"/>.</summary>
    public ConformanceContext(IBpfMapBackend backend, ConformanceEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(environment);
        Backend = backend;
        Environment = environment;
    }

    /// <summary>The capabilities the host gave.</summary>
    public ConformanceEnvironment Environment { get; }

    /// <summary>The backend under test.</summary>
    public IBpfMapBackend Backend { get; }

    /// <summary>Its possible-CPU count.</summary>
    public int Cpus => Backend.PossibleCpuCount;

    /// <summary>
    /// The profile the backend is judged against (<see cref="LinuxKernelVersion.Profiles"/>): the environment's
    /// <see cref="ConformanceEnvironment.KernelProfile"/>, else the profile of the backend's kernel version, its own or the
    /// nearest older one.
    /// </summary>
    /// <exception cref="ConformanceCapabilityException">The backend's kernel is older than every profile.</exception>
    public LinuxKernelVersion Kernel => _kernel ??= Environment.KernelProfile
        ?? LinuxKernelVersion.ProfileFor(Backend.KernelVersion)
        ?? throw new ConformanceCapabilityException(
            $"the backend's kernel {Backend.KernelVersion} is older than every profile of the catalog (the oldest is {LinuxKernelVersion.Profiles[0]})");

    /// <summary>Whether the backend answers the new way of <paramref name="change"/>.</summary>
    public bool Since(KernelChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.AppliesTo(Kernel);
    }

    /// <summary><paramref name="since"/> where the backend answers the new way of <paramref name="change"/>, else <paramref name="before"/>.</summary>
    public T Pick<T>(KernelChange change, T before, T since) => Since(change) ? since : before;

    /// <summary>
    /// The answers a case accepts for <paramref name="change"/>: the one of the backend's profile, or both where builds
    /// of that profile differ (<see cref="KernelChange.BuildsDiffer"/>).
    /// </summary>
    public IReadOnlyList<T> Accepted<T>(KernelChange change, T before, T since)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.BuildsDiffer.Contains(Kernel) ? [before, since] : [Pick(change, before, since)];
    }

    /// <summary>Creates a map that must be accepted; it is closed when the case ends.</summary>
    public BpfMapHandle CreateMap(BpfMapSpec spec)
    {
        var errno = Backend.CreateMap(spec, out var map);
        if (errno != Errno.None || map is null)
        {
            throw new ConformanceFailureException($"creating {Describe(spec)}: expected success, got {errno}");
        }

        _maps.Add(map);
        return map;
    }

    /// <summary>Creates a map and closes it at once; returns the errno of the create.</summary>
    public Errno TryCreateMap(BpfMapSpec spec)
    {
        var errno = Backend.CreateMap(spec, out var map);
        if ((errno == Errno.None) != (map is not null))
        {
            throw new ConformanceFailureException($"creating {Describe(spec)}: errno {errno} but handle {(map is null ? "null" : "set")}");
        }

        map?.Dispose();
        return errno;
    }

    /// <summary>
    /// Pins the calling thread to <paramref name="cpu"/> until the scope is disposed (reference §12.1: exact LRU
    /// results need every command on one CPU).
    /// </summary>
    /// <exception cref="ConformanceCapabilityException">The host cannot pin threads.</exception>
    public IDisposable PinToCpu(int cpu)
    {
        var pinning = Environment.CpuPinning
            ?? throw new ConformanceCapabilityException("this case pins its thread to one CPU, and the host gave no CPU pinning");
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, Cpus);
        return pinning.PinCurrentThread(cpu);
    }

    /// <summary>
    /// Keeps the case on CPU 0 where the host can pin threads (<see cref="ConformanceCase.Run(IBpfMapBackend, ConformanceEnvironment)"/>
    /// does this before the body). The simulator runs on one CPU; a kernel runs each command on the CPU the scheduler
    /// chose, and on an LRU map a command on another CPU can evict elements of a map far from full (reference §12.1:
    /// a CPU's free list is refilled with up to 128 nodes, before 6.12 always 128), so an unpinned case that is not
    /// about eviction could see one.
    /// </summary>
    internal void StayOnOneCpu()
    {
        _caseCpu ??= Environment.CpuPinning?.PinCurrentThread(0);
    }

    /// <summary>
    /// Lets the thread run on any CPU the scheduler picks until the case ends, for cases about migration.
    /// </summary>
    public void LetThreadMigrate()
    {
        _caseCpu?.Dispose();
        _caseCpu = null;
    }

    /// <summary>A BPF file system for this case (made on first use, unmounted when the case ends).</summary>
    /// <exception cref="ConformanceCapabilityException">The host gave no BPF file system.</exception>
    public IBpfFileSystemFixture BpfFileSystem
    {
        get
        {
            var make = Environment.BpfFileSystem
                ?? throw new ConformanceCapabilityException("this case pins maps, and the host gave no BPF file system");
            return _bpfFileSystem ??= make();
        }
    }

    /// <summary>Keeps <paramref name="map"/> (opened by id or from a pin) to close it when the case ends, and returns it.</summary>
    public BpfMapHandle Track(BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _maps.Add(map);
        return map;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var map in _maps)
        {
            map.Dispose();
        }

        _maps.Clear();
        _bpfFileSystem?.Dispose();
        _bpfFileSystem = null;
        LetThreadMigrate();
    }

    private static string Describe(BpfMapSpec spec) =>
        $"{spec.Type} (key {spec.KeySize}, value {spec.ValueSize}, max {spec.MaxEntries}, flags {spec.Flags})";
}
