using BpfMaps.Conformance;
using BpfMaps.Simulated;
using BpfMaps.Testing;

namespace BpfMaps.PropertyTests;

/// <summary>
/// A fresh bpffs directory per lockstep scenario, cheaply: one root for the whole run (mounting and unmounting a bpffs
/// per scenario costs milliseconds), and a new directory in it per scenario, deleted with its pins when the scenario
/// ends. On the kernel the directory is made inside a mounted bpffs; on the simulator a simulated bpffs is mounted at
/// that path, which needs no directory on disk (removing one from the host file system took milliseconds). The
/// ordinary directory is shared: nothing is ever created in it (a pin there is EPERM).
/// </summary>
internal sealed class ScenarioFileSystems : IDisposable
{
    private readonly IBpfFileSystemFixture _root;
    private readonly SimulatedBpfMapBackend? _simulator;
    private int _next;

    private ScenarioFileSystems(IBpfFileSystemFixture root, SimulatedBpfMapBackend? simulator)
    {
        _root = root;
        _simulator = simulator;
    }

    /// <summary>Directories in a bpffs mounted for the run (mount(2) needs CAP_SYS_ADMIN).</summary>
    /// <exception cref="ConformanceCapabilityException">The bpffs could not be mounted.</exception>
    public static ScenarioFileSystems Kernel() => new(new KernelBpfFileSystem(), null);

    /// <summary>Directories of a temporary folder, a simulated bpffs mounted on each.</summary>
    public static ScenarioFileSystems Simulated(SimulatedBpfMapBackend simulator) => new(new TemporaryFolders(), simulator);

    /// <summary>The environment of a lockstep side: these file systems and CPU switching.</summary>
    public ConformanceEnvironment Environment(ICpuPinning pinning) => new() { CpuPinning = pinning, BpfFileSystem = Next };

    /// <inheritdoc />
    public void Dispose() => _root.Dispose();

    private Scenario Next()
    {
        var directory = Path.Combine(_root.BpfDirectory, $"s{_next++}");
        if (_simulator is null)
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            _simulator.MountBpfFileSystem(directory);
        }

        return new Scenario(directory, _root.OtherDirectory, _simulator);
    }

    private sealed class Scenario(string bpfDirectory, string otherDirectory, SimulatedBpfMapBackend? simulator) : IBpfFileSystemFixture
    {
        public string BpfDirectory => bpfDirectory;

        public string OtherDirectory => otherDirectory;

        // Unlinking a pin on a real bpffs drops it, as an unmount would.
        public void Dispose()
        {
            if (simulator is null)
            {
                Directory.Delete(bpfDirectory, recursive: true);
            }
            else
            {
                simulator.UnmountBpfFileSystem(bpfDirectory);
            }
        }
    }

    private sealed class TemporaryFolders : IBpfFileSystemFixture
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("bpfmaps-lockstep-");

        public TemporaryFolders()
        {
            BpfDirectory = _root.CreateSubdirectory("bpffs").FullName;
            OtherDirectory = _root.CreateSubdirectory("other").FullName;
        }

        public string BpfDirectory { get; }

        public string OtherDirectory { get; }

        public void Dispose() => _root.Delete(recursive: true);
    }
}

/// <summary>The simulator's CPU choice as CPU pinning (<see cref="SimulatedBpfMapBackend.RunOnCpu"/>).</summary>
internal sealed class SimulatedCpuPinning(SimulatedBpfMapBackend simulator) : ICpuPinning
{
    public IDisposable PinCurrentThread(int cpu) => simulator.RunOnCpu(cpu);
}
