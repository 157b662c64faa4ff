namespace BpfMaps.Conformance;

/// <summary>
/// What a test host can give the cases beside the backend: pinning the calling thread to one CPU (exact LRU cases,
/// reference §12.1) and a BPF file system to pin maps in (BPF_OBJ_PIN, BPF_OBJ_GET). A case that needs a capability
/// the host did not give throws <see cref="ConformanceCapabilityException"/>, which a host reports as skipped.
/// </summary>
public sealed class ConformanceEnvironment
{
    /// <summary>No capabilities: cases that need one are skipped.</summary>
    public static ConformanceEnvironment None { get; } = new();

    /// <summary>Pins the calling thread to one CPU, so that every command it issues runs there.</summary>
    public ICpuPinning? CpuPinning { get; init; }

    /// <summary>Makes a fresh BPF file system for one case; the case disposes it when it ends.</summary>
    public Func<IBpfFileSystemFixture>? BpfFileSystem { get; init; }

    /// <summary>
    /// The profile to judge the backend against; null (the default) takes the profile of the backend's
    /// <see cref="IBpfMapBackend.KernelVersion"/> (<see cref="LinuxKernelVersion.ProfileFor"/>).
    /// </summary>
    public LinuxKernelVersion? KernelProfile { get; init; }

    /// <summary>
    /// Both capabilities from a backend's own means: <paramref name="pinCurrentThread"/> pins the calling thread to a
    /// CPU until the scope it returns is disposed, and each case's bpffs is a <see cref="TemporaryBpfFileSystem"/>
    /// mounted with <paramref name="mountBpfFileSystem"/>.
    /// </summary>
    public static ConformanceEnvironment Create(Func<int, IDisposable> pinCurrentThread, Func<string, IDisposable> mountBpfFileSystem)
    {
        ArgumentNullException.ThrowIfNull(pinCurrentThread);
        ArgumentNullException.ThrowIfNull(mountBpfFileSystem);
        return new()
        {
            CpuPinning = new DelegateCpuPinning(pinCurrentThread),
            BpfFileSystem = () => new TemporaryBpfFileSystem(mountBpfFileSystem),
        };
    }

    private sealed class DelegateCpuPinning(Func<int, IDisposable> pin) : ICpuPinning
    {
        public IDisposable PinCurrentThread(int cpu) => pin(cpu);
    }
}

/// <summary>
/// Pins the calling thread to one CPU until the returned scope is disposed: <c>sched_setaffinity</c> for the kernel,
/// the simulator's own choice of CPU for a simulator. LRU eviction depends on the CPU each command runs on
/// (reference §12.1).
/// </summary>
public interface ICpuPinning
{
    /// <summary>Runs the calling thread on <paramref name="cpu"/> (0 to possible CPUs − 1) until the scope is disposed.</summary>
    IDisposable PinCurrentThread(int cpu);
}

/// <summary>
/// A BPF file system for one case, and a directory of another file system beside it, both empty at first. Disposing it
/// unmounts the bpffs, which drops its pins.
/// </summary>
public interface IBpfFileSystemFixture : IDisposable
{
    /// <summary>A directory where a bpffs is mounted.</summary>
    string BpfDirectory { get; }

    /// <summary>An existing directory that is not on a bpffs.</summary>
    string OtherDirectory { get; }
}

/// <summary>A case needs a capability the host did not give it (<see cref="ConformanceEnvironment"/>).</summary>
public sealed class ConformanceCapabilityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConformanceCapabilityException()
    {
    }

    /// <summary>Creates the exception with a message saying what is missing.</summary>
    public ConformanceCapabilityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public ConformanceCapabilityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
