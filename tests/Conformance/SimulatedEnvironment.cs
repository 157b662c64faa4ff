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
        return ConformanceEnvironment.Create(backend.RunOnCpu, directory =>
        {
            backend.MountBpfFileSystem(directory);
            return new Unmount(backend, directory);
        });
    }

    private sealed class Unmount(SimulatedBpfMapBackend backend, string directory) : IDisposable
    {
        public void Dispose() => backend.UnmountBpfFileSystem(directory);
    }
}
