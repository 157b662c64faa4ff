namespace BpfMaps.Simulated;

/// <summary>
/// The machine the simulator pretends to be. Every setter validates its value, so a bad option fails where it is
/// set, not at the first map command.
/// </summary>
public sealed class SimulatedBpfBackendOptions
{
    /// <summary>The default possible-CPU count: not a power of two, and not the count of a typical host.</summary>
    public const int DefaultPossibleCpuCount = 3;

    /// <summary>The default memory the simulated kernel can give to one map (16 GiB).</summary>
    public const ulong DefaultMemoryLimitBytes = 16UL << 30;

    private int _possibleCpuCount = DefaultPossibleCpuCount;
    private ulong _memoryLimitBytes = DefaultMemoryLimitBytes;
    private SimulatedKernelVersion _kernelVersion = SimulatedKernelVersion.Linux6_18;
    private int _defaultCpu;

    /// <summary>
    /// <c>num_possible_cpus()</c>: the number of slots in per-CPU values (reference §2). Defaults to
    /// <see cref="DefaultPossibleCpuCount"/> rather than the host's count, so that code which assumes the host's
    /// count fails in tests.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int PossibleCpuCount
    {
        get => _possibleCpuCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _possibleCpuCount = value;
        }
    }

    /// <summary>
    /// Seeds the random hash seed of every map created without <see cref="BpfMapFlags.ZeroSeed"/>: the same seed and
    /// the same sequence of creates give the same iteration orders (reference §7.2).
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// The memory one map may allocate at BPF_MAP_CREATE; a map needing more fails with <see cref="Errno.ENOMEM"/>,
    /// as a map larger than RAM does in the kernel (reference §3.1). The simulator never allocates this memory:
    /// storage grows with the elements written.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0.</exception>
    public ulong MemoryLimitBytes
    {
        get => _memoryLimitBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfZero(value);
            _memoryLimitBytes = value;
        }
    }

    /// <summary>The kernel whose behaviour is modelled.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SimulatedKernelVersion"/>.</exception>
    public SimulatedKernelVersion KernelVersion
    {
        get => _kernelVersion;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The simulator models only the kernel versions of SimulatedKernelVersion.");
            }

            _kernelVersion = value;
        }
    }

    /// <summary>
    /// The CPU commands run on unless a thread chose another with <see cref="SimulatedBpfMapBackend.RunOnCpu"/>
    /// (reference §12: which LRU lists a command uses). Must be below <see cref="PossibleCpuCount"/>, which the backend
    /// checks when it is created.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int DefaultCpu
    {
        get => _defaultCpu;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _defaultCpu = value;
        }
    }

    /// <summary>
    /// Options for a simulator that answers as <paramref name="backend"/> does: its possible CPUs, and the modelled
    /// kernel of its kernel version (its profile, or the nearest older one, <see cref="SimulatedKernelVersions.For"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The backend's kernel is older than every modelled kernel.</exception>
    public static SimulatedBpfBackendOptions Mirroring(IBpfMapBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var kernel = SimulatedKernelVersions.For(backend.KernelVersion)
            ?? throw new ArgumentException($"Linux {backend.KernelVersion} is older than every kernel the simulator models ({LinuxKernelVersion.Profiles[0]} is the oldest).", nameof(backend));
        return new() { PossibleCpuCount = backend.PossibleCpuCount, KernelVersion = kernel };
    }

    /// <summary>A copy, so that a backend keeps the machine it was created with.</summary>
    internal SimulatedBpfBackendOptions Clone() => (SimulatedBpfBackendOptions)MemberwiseClone();
}
