using BpfMaps.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Conformance.Tests;

/// <summary>
/// Hosts the conformance catalog in xunit: one test per case. A leaf registers one backend through its DI
/// registration method, so the registration is tested too.
/// </summary>
public abstract class ConformanceSuite
{
    /// <summary>Every case name of the catalog.</summary>
    public static TheoryData<string> CaseNames => [.. ConformanceCatalog.Cases.Select(c => c.Name)];

    /// <summary>Registers the backend under test.</summary>
    protected abstract void Register(IServiceCollection services);

    /// <summary>The capabilities the leaf gives the cases (CPU pinning, a BPF file system); none by default.</summary>
    protected virtual ConformanceEnvironment CreateEnvironment(IServiceProvider services) => ConformanceEnvironment.None;

    /// <summary>Whether a missing capability fails a case instead of skipping it.</summary>
    protected virtual bool CapabilitiesRequired => false;

    [Theory]
    [MemberData(nameof(CaseNames), MemberType = typeof(ConformanceSuite))]
    public void Case(string name)
    {
        using var services = new ServiceCollection().Apply(Register).BuildServiceProvider();
        try
        {
            ConformanceCatalog.Get(name).Run(services.GetRequiredService<IBpfMapBackend>(), CreateEnvironment(services));
        }
        catch (ConformanceCapabilityException ex) when (!CapabilitiesRequired)
        {
            Assert.Skip($"The host cannot run this case: {ex.Message}");
        }
    }
}

internal static class ServiceCollectionTestExtensions
{
    public static IServiceCollection Apply(this IServiceCollection services, Action<IServiceCollection> register)
    {
        register(services);
        return services;
    }
}
