using BpfMaps.Kernel;

namespace BpfMaps.Cli;

/// <summary>Whether this process can use bpf(2), decided once (<see cref="KernelBpfMapBackend.IsAvailable"/>).</summary>
internal static class KernelProbe
{
    private static readonly Lazy<(bool Available, string Reason)> Probe = new(() =>
        (KernelBpfMapBackend.IsAvailable(out var reason), reason));

    /// <summary>Whether the kernel backend can create maps here.</summary>
    public static bool IsAvailable => Probe.Value.Available;

    /// <summary>Why it can or cannot.</summary>
    public static string Reason => Probe.Value.Reason;

    /// <summary>A kernel backend for <paramref name="command"/>, or the error that says why there is none.</summary>
    /// <exception cref="ToolException">bpf(2) is not usable here (exit code 3).</exception>
    public static KernelBpfMapBackend Require(string command)
    {
        if (!IsAvailable)
        {
            throw new ToolException(ExitCodes.KernelUnavailable, $"bpfmaps {command} needs the kernel backend: {Reason}.");
        }

        return new KernelBpfMapBackend();
    }
}
