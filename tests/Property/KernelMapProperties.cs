using BpfMaps.Kernel;
using BpfMaps.Testing;

namespace BpfMaps.PropertyTests;

/// <summary>The properties on the real bpf(2) backend.</summary>
public sealed class KernelMapProperties : MapProperties
{
    protected override IBpfMapBackend CreateBackend()
    {
        KernelAvailability.EnsureOrSkip();
        return new KernelBpfMapBackend();
    }
}
