using BpfMaps.Hosting;
using BpfMaps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Typed.Tests;

/// <summary>
/// Base of the suites that run on both backends: a leaf chooses the backend through <c>AddBpfMaps</c>, so every suite
/// tests the registration too.
/// </summary>
public abstract class BackendTests : IDisposable
{
    private ServiceProvider? _services;

    /// <summary>The backend under test, resolved on first use (the kernel leaf skips here when it cannot run).</summary>
    protected IBpfMapBackend Backend
    {
        get
        {
            EnsureAvailable();
            _services ??= new ServiceCollection().AddBpfMaps(Configure).BuildServiceProvider();
            return _services.GetRequiredService<IBpfMapBackend>();
        }
    }

    /// <summary>Chooses the backend.</summary>
    protected abstract void Configure(BpfMapsOptions options);

    /// <summary>Skips (or fails) the test when the backend cannot run here.</summary>
    protected virtual void EnsureAvailable()
    {
    }

    /// <summary>One value per possible CPU: <c>first + cpu × step</c>.</summary>
    protected T[] PerCpuValues<T>(Func<int, T> value) => [.. Enumerable.Range(0, Backend.PossibleCpuCount).Select(value)];

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>How the kernel leaves choose their backend.</summary>
internal static class KernelLeaf
{
    public static void Configure(BpfMapsOptions options) => options.Backend = BpfBackendKind.Kernel;

    public static void EnsureAvailable() => KernelAvailability.EnsureOrSkip();
}

/// <summary>How the simulator leaves choose their backend: the default simulator (3 possible CPUs).</summary>
internal static class SimulatedLeaf
{
    public static void Configure(BpfMapsOptions options) => options.Backend = BpfBackendKind.Simulated;
}
