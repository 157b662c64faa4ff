using BpfMaps.Simulated;

namespace BpfMaps.PropertyTests;

/// <summary>The properties on the simulator, with its default options.</summary>
public sealed class SimulatedMapProperties : MapProperties
{
    protected override IBpfMapBackend CreateBackend() => new SimulatedBpfMapBackend();
}
