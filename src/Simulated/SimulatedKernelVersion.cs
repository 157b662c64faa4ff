namespace BpfMaps.Simulated;

/// <summary>The kernel whose observable behaviour the simulator reproduces.</summary>
public enum SimulatedKernelVersion
{
    /// <summary>Linux 6.18, the kernel the reference was verified on (kernel-semantics.md §0).</summary>
    Linux6_18 = 0,
}
