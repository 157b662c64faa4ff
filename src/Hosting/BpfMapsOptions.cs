using BpfMaps.Simulated;

namespace BpfMaps.Hosting;

/// <summary>Which backend <c>AddBpfMaps</c> registers.</summary>
public enum BpfBackendKind
{
    /// <summary>The kernel's <c>bpf(2)</c> (<see cref="BpfMaps.Kernel.KernelBpfMapBackend"/>), whether or not this process may use it.</summary>
    Kernel,
    /// <summary>The simulator (<see cref="SimulatedBpfMapBackend"/>), configured by <see cref="BpfMapsOptions.Simulator"/>.</summary>
    Simulated,
    /// <summary>
    /// The kernel when this process can create a map with it (decided once, when the backend is first resolved), the
    /// simulator otherwise. <see cref="BpfBackendSelection"/> says which was chosen and why.
    /// </summary>
    KernelWhenAvailable,
}

/// <summary>The options of <c>AddBpfMaps</c>; every setter validates its value.</summary>
public sealed class BpfMapsOptions
{
    private BpfBackendKind _backend = BpfBackendKind.Kernel;
    private SimulatedBpfBackendOptions _simulator = new();

    /// <summary>Which backend to use; <see cref="BpfBackendKind.Kernel"/> by default, so production code never runs on a simulator unasked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="BpfBackendKind"/>.</exception>
    public BpfBackendKind Backend
    {
        get => _backend;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Backend must be Kernel, Simulated or KernelWhenAvailable.");
            }

            _backend = value;
        }
    }

    /// <summary>The machine the simulator models, when the simulator is chosen (its setters validate too).</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public SimulatedBpfBackendOptions Simulator
    {
        get => _simulator;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _simulator = value;
        }
    }
}

/// <summary>Which backend <c>AddBpfMaps</c> chose, and why.</summary>
/// <param name="Backend">The backend in use: <see cref="BpfBackendKind.Kernel"/> or <see cref="BpfBackendKind.Simulated"/>.</param>
/// <param name="Requested">What the options asked for.</param>
/// <param name="Reason">Why: the option, or what the kernel probe found.</param>
public sealed record BpfBackendSelection(BpfBackendKind Backend, BpfBackendKind Requested, string Reason);
