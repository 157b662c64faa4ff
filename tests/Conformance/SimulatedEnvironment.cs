using BpfMaps.Simulated;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Conformance.Tests;

/// <summary>
/// The capabilities a simulator gives the cases: its own choice of CPU (<see cref="SimulatedBpfMapBackend.RunOnCpu"/>)
/// and a simulated bpffs mounted over a temporary folder.
/// </summary>
internal static class SimulatedEnvironment
{
    public static ConformanceEnvironment For(IServiceProvider services)
    {
        var backend = services.GetRequiredService<SimulatedBpfMapBackend>();
        return new()
        {
            CpuPinning = new Pinning(backend),
            BpfFileSystem = () => new FileSystem(backend),
        };
    }

    private sealed class Pinning(SimulatedBpfMapBackend backend) : ICpuPinning
    {
        public IDisposable PinCurrentThread(int cpu) => backend.RunOnCpu(cpu);
    }

    private sealed class FileSystem : IBpfFileSystemFixture
    {
        private readonly SimulatedBpfMapBackend _backend;
        private readonly DirectoryInfo _root;

        public FileSystem(SimulatedBpfMapBackend backend)
        {
            _backend = backend;
            _root = Directory.CreateTempSubdirectory("bpfmaps-sim-");
            BpfDirectory = _root.CreateSubdirectory("bpffs").FullName;
            OtherDirectory = _root.CreateSubdirectory("other").FullName;
            backend.MountBpfFileSystem(BpfDirectory);
        }

        public string BpfDirectory { get; }

        public string OtherDirectory { get; }

        public void Dispose()
        {
            if (_backend.UnmountBpfFileSystem(BpfDirectory))
            {
                _root.Delete(recursive: true);
            }
        }
    }
}
