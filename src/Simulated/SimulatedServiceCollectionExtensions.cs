using BpfMaps;
using BpfMaps.Simulated;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the managed simulator backend.</summary>
public static class SimulatedServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SimulatedBpfMapBackend"/> as a singleton and as the <see cref="IBpfMapBackend"/>, unless
    /// the application registered its own already; <paramref name="configure"/> sets its
    /// <see cref="SimulatedBpfBackendOptions"/>.
    /// </summary>
    public static IServiceCollection AddSimulatedBpfBackend(this IServiceCollection services, Action<SimulatedBpfBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SimulatedBpfBackendOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new SimulatedBpfMapBackend(sp.GetRequiredService<IOptions<SimulatedBpfBackendOptions>>().Value));
        services.TryAddSingleton<IBpfMapBackend>(sp => sp.GetRequiredService<SimulatedBpfMapBackend>());
        return services;
    }
}
