namespace BpfMaps.Simulated;

/// <summary>The fixed facts about the simulated machine, taken from the options when the backend is created.</summary>
/// <param name="PossibleCpus"><c>num_possible_cpus()</c>.</param>
/// <param name="MemoryLimitBytes">The most one map may allocate at creation.</param>
/// <param name="KernelVersion">The kernel whose behaviour is modelled.</param>
internal sealed record SimulatedMachine(int PossibleCpus, ulong MemoryLimitBytes, SimulatedKernelVersion KernelVersion)
{
    /// <summary>What the modelled kernel does where the kernels of the matrix differ.</summary>
    public Rules.KernelProfile Kernel { get; } = Rules.KernelProfile.Of(KernelVersion);

    public static SimulatedMachine From(SimulatedBpfBackendOptions options) =>
        new(options.PossibleCpuCount, options.MemoryLimitBytes, options.KernelVersion);
}
