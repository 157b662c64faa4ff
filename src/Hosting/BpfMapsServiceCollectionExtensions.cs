using BpfMaps;
using BpfMaps.Hosting;
using BpfMaps.Kernel;
using BpfMaps.Simulated;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a BPF map backend chosen by <see cref="BpfMapsOptions"/>.</summary>
public static class BpfMapsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IBpfMapBackend"/> that <paramref name="configure"/> chooses (the kernel by default),
    /// and the <see cref="BpfBackendSelection"/> saying which it is, as singletons, unless the application registered
    /// its own already. The choice is made when the backend is first resolved.
    /// </summary>
    public static IServiceCollection AddBpfMaps(this IServiceCollection services, Action<BpfMapsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BpfMapsOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => Select(sp.GetRequiredService<IOptions<BpfMapsOptions>>().Value, ProbeKernel));
        services.TryAddSingleton(sp => Create(sp.GetRequiredService<BpfBackendSelection>(), sp.GetRequiredService<IOptions<BpfMapsOptions>>().Value));
        return services;
    }

    /// <summary>The choice <paramref name="options"/> make, asking <paramref name="probeKernel"/> only for <see cref="BpfBackendKind.KernelWhenAvailable"/>.</summary>
    internal static BpfBackendSelection Select(BpfMapsOptions options, Func<(bool Available, string Reason)> probeKernel)
    {
        switch (options.Backend)
        {
            case BpfBackendKind.Simulated:
                return new(BpfBackendKind.Simulated, options.Backend, "the options ask for the simulator");
            case BpfBackendKind.Kernel:
                return new(BpfBackendKind.Kernel, options.Backend, "the options ask for the kernel");
            default:
                var (available, reason) = probeKernel();
                return available
                    ? new(BpfBackendKind.Kernel, options.Backend, reason)
                    : new(BpfBackendKind.Simulated, options.Backend, reason + "; using the simulator");
        }
    }

    private static (bool Available, string Reason) ProbeKernel() => (KernelBpfMapBackend.IsAvailable(out var reason), reason);

    private static IBpfMapBackend Create(BpfBackendSelection selection, BpfMapsOptions options) => selection.Backend == BpfBackendKind.Kernel
        ? new KernelBpfMapBackend()
        : new SimulatedBpfMapBackend(options.Simulator);
}
