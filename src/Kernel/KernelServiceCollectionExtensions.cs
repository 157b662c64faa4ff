using BpfMaps;
using BpfMaps.Kernel;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>bpf(2)</c> backend.</summary>
public static class KernelServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KernelBpfMapBackend"/> as a singleton and as the <see cref="IBpfMapBackend"/>, unless the
    /// application registered its own already.
    /// </summary>
    public static IServiceCollection AddKernelBpfBackend(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<KernelBpfMapBackend>();
        services.TryAddSingleton<IBpfMapBackend>(sp => sp.GetRequiredService<KernelBpfMapBackend>());
        return services;
    }
}
