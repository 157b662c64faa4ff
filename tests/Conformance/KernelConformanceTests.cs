using BpfMaps.Kernel;
using BpfMaps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Conformance.Tests;

/// <summary>
/// The catalog on the real bpf(2) backend. Cases pin their thread with sched_setaffinity and mount a bpffs in a
/// temporary folder when they need to.
/// </summary>
public sealed class KernelConformanceTests : ConformanceSuite
{
    protected override bool CapabilitiesRequired =>
        Environment.GetEnvironmentVariable(KernelAvailability.RequireVariable) == "1";

    protected override void Register(IServiceCollection services)
    {
        KernelAvailability.EnsureOrSkip();
        services.AddKernelBpfBackend();
    }

    protected override ConformanceEnvironment CreateEnvironment(IServiceProvider services) =>
        ConformanceEnvironment.Create(CpuAffinity.PinCurrentThread, KernelBpfFileSystem.Mount);
}
