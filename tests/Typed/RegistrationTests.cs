using BpfMaps.Hosting;
using BpfMaps.Kernel;
using BpfMaps.Simulated;
using BpfMaps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Typed.Tests;

/// <summary>AddBpfMaps: which backend each option gives, the options' validation, and a user's registration winning.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void TheKernelIsTheDefault()
    {
        Assert.Equal(BpfBackendKind.Kernel, new BpfMapsOptions().Backend);
        KernelAvailability.EnsureOrSkip();
        using var provider = new ServiceCollection().AddBpfMaps().BuildServiceProvider();
        Assert.IsType<KernelBpfMapBackend>(provider.GetRequiredService<IBpfMapBackend>());
        Assert.Equal(new BpfBackendSelection(BpfBackendKind.Kernel, BpfBackendKind.Kernel, "the options ask for the kernel"),
            provider.GetRequiredService<BpfBackendSelection>());
    }

    [Fact]
    public void TheSimulatorGetsItsOptionsAndIsOneSingleton()
    {
        using var provider = new ServiceCollection()
            .AddBpfMaps(o =>
            {
                o.Backend = BpfBackendKind.Simulated;
                o.Simulator.PossibleCpuCount = 5;
            })
            .BuildServiceProvider();
        var backend = Assert.IsType<SimulatedBpfMapBackend>(provider.GetRequiredService<IBpfMapBackend>());
        Assert.Equal(5, backend.PossibleCpuCount);
        Assert.Same(backend, provider.GetRequiredService<IBpfMapBackend>());
        Assert.Equal(BpfBackendKind.Simulated, provider.GetRequiredService<BpfBackendSelection>().Backend);
    }

    [Fact]
    public void KernelWhenAvailableFollowsWhatThisProcessCanDo()
    {
        using var provider = new ServiceCollection().AddBpfMaps(o => o.Backend = BpfBackendKind.KernelWhenAvailable).BuildServiceProvider();
        var available = KernelBpfMapBackend.IsAvailable(out var reason);
        var selection = provider.GetRequiredService<BpfBackendSelection>();
        var backend = provider.GetRequiredService<IBpfMapBackend>();
        Assert.Equal(BpfBackendKind.KernelWhenAvailable, selection.Requested);
        if (available)
        {
            Assert.Equal(new BpfBackendSelection(BpfBackendKind.Kernel, BpfBackendKind.KernelWhenAvailable, reason), selection);
            Assert.IsType<KernelBpfMapBackend>(backend);
        }
        else
        {
            Assert.Equal(BpfBackendKind.Simulated, selection.Backend);
            Assert.IsType<SimulatedBpfMapBackend>(backend);
        }
    }

    [Fact]
    public void KernelWhenAvailableChoosesBySelectingOnTheProbe()
    {
        var options = new BpfMapsOptions { Backend = BpfBackendKind.KernelWhenAvailable };
        Assert.Equal(new BpfBackendSelection(BpfBackendKind.Kernel, BpfBackendKind.KernelWhenAvailable, "it works"),
            BpfMapsServiceCollectionExtensions.Select(options, () => (true, "it works")));
        Assert.Equal(new BpfBackendSelection(BpfBackendKind.Simulated, BpfBackendKind.KernelWhenAvailable, "bpf(2) answered EPERM; using the simulator"),
            BpfMapsServiceCollectionExtensions.Select(options, () => (false, "bpf(2) answered EPERM")));

        // Only KernelWhenAvailable asks the kernel.
        options.Backend = BpfBackendKind.Kernel;
        Assert.Equal(BpfBackendKind.Kernel, BpfMapsServiceCollectionExtensions.Select(options, () => throw new InvalidOperationException()).Backend);
        options.Backend = BpfBackendKind.Simulated;
        Assert.Equal(BpfBackendKind.Simulated, BpfMapsServiceCollectionExtensions.Select(options, () => throw new InvalidOperationException()).Backend);
    }

    [Fact]
    public void OptionsAreValidatedInTheirSetters()
    {
        var options = new BpfMapsOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Backend = (BpfBackendKind)7);
        Assert.Throws<ArgumentNullException>(() => options.Simulator = null!);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Simulator.PossibleCpuCount = 0);
        Assert.Equal(BpfBackendKind.Kernel, options.Backend);
        Assert.Throws<ArgumentNullException>(() => BpfMapsServiceCollectionExtensions.AddBpfMaps(null!));
    }

    [Fact]
    public void AnInvalidOptionThrowsFromItsSetterWhenTheBackendIsResolved()
    {
        using var provider = new ServiceCollection().AddBpfMaps(o => o.Backend = (BpfBackendKind)7).BuildServiceProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<IBpfMapBackend>());
    }

    [Fact]
    public void AUsersOwnBackendRegistrationWins()
    {
        var own = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 1 });
        var services = new ServiceCollection();
        services.AddSingleton<IBpfMapBackend>(own);
        using var provider = services.AddBpfMaps(o => o.Backend = BpfBackendKind.Simulated).BuildServiceProvider();
        Assert.Same(own, provider.GetRequiredService<IBpfMapBackend>());
    }
}
