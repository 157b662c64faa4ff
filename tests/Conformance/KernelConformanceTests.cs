using BpfMaps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Conformance.Tests;

/// <summary>The catalog on the real bpf(2) backend.</summary>
public sealed class KernelConformanceTests : ConformanceSuite
{
    protected override void Register(IServiceCollection services)
    {
        KernelAvailability.EnsureOrSkip();
        services.AddKernelBpfBackend();
    }
}
