using BpfMaps.Conformance;
using BpfMaps.Kernel;

namespace BpfMaps.Testing;

/// <summary>The kernel leaf's CPU pinning for conformance cases: <see cref="CpuAffinity"/> (reference §12.1).</summary>
public sealed class ThreadCpuPinning : ICpuPinning
{
    /// <inheritdoc />
    public IDisposable PinCurrentThread(int cpu) => CpuAffinity.PinCurrentThread(cpu);
}
