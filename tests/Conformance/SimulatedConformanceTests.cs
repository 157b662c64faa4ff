using BpfMaps.Simulated;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Conformance.Tests;

/// <summary>The catalog on the simulator with its default options (3 possible CPUs).</summary>
public sealed class SimulatedConformanceTests : ConformanceSuite
{
    protected override bool CapabilitiesRequired => true;

    protected override void Register(IServiceCollection services) => services.AddSimulatedBpfBackend();

    protected override ConformanceEnvironment CreateEnvironment(IServiceProvider services) => SimulatedEnvironment.For(services);
}

/// <summary>
/// The catalog on a simulator with 5 possible CPUs, which flushes out cases and models that assume one CPU count
/// (per-CPU strides, LRU free targets, NO_COMMON_LRU rounding).
/// </summary>
public sealed class SimulatedFiveCpuConformanceTests : ConformanceSuite
{
    protected override void Register(IServiceCollection services) =>
        services.AddSimulatedBpfBackend(options => options.PossibleCpuCount = 5);

    protected override bool CapabilitiesRequired => true;

    protected override ConformanceEnvironment CreateEnvironment(IServiceProvider services) => SimulatedEnvironment.For(services);
}

/// <summary>The catalog on a one-CPU simulator: per-CPU values of a single slot, the smallest LRU lists.</summary>
public sealed class SimulatedOneCpuConformanceTests : ConformanceSuite
{
    protected override void Register(IServiceCollection services) =>
        services.AddSimulatedBpfBackend(options => options.PossibleCpuCount = 1);

    protected override bool CapabilitiesRequired => true;

    protected override ConformanceEnvironment CreateEnvironment(IServiceProvider services) => SimulatedEnvironment.For(services);
}

/// <summary>
/// The catalog on a simulator of one kernel of the matrix (<see cref="SimulatedKernelVersion"/>): the cases judge it
/// against that kernel's profile, as the kernel leaf judges a real kernel of that version.
/// </summary>
public abstract class SimulatedKernelConformanceTests(SimulatedKernelVersion kernel) : ConformanceSuite
{
    protected override bool CapabilitiesRequired => true;

    protected override void Register(IServiceCollection services) =>
        services.AddSimulatedBpfBackend(options => options.KernelVersion = kernel);

    protected override ConformanceEnvironment CreateEnvironment(IServiceProvider services) => SimulatedEnvironment.For(services);
}

/// <summary>The catalog on a simulator of Linux 5.10.</summary>
public sealed class SimulatedLinux5_10ConformanceTests() : SimulatedKernelConformanceTests(SimulatedKernelVersion.Linux5_10);

/// <summary>The catalog on a simulator of Linux 6.1.</summary>
public sealed class SimulatedLinux6_1ConformanceTests() : SimulatedKernelConformanceTests(SimulatedKernelVersion.Linux6_1);

/// <summary>The catalog on a simulator of Linux 6.12.</summary>
public sealed class SimulatedLinux6_12ConformanceTests() : SimulatedKernelConformanceTests(SimulatedKernelVersion.Linux6_12);

/// <summary>The catalog on a simulator of Linux 7.2.</summary>
public sealed class SimulatedLinux7_2ConformanceTests() : SimulatedKernelConformanceTests(SimulatedKernelVersion.Linux7_2);
