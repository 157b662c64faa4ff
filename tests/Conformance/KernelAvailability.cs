using BpfMaps.Kernel;

namespace BpfMaps.Conformance.Tests;

/// <summary>
/// Decides once whether the kernel leaves can run. Where this process cannot create a BPF map they are skipped with
/// the reason, except with BPFMAPS_REQUIRE_KERNEL=1, where that is a failure (CI runs as root with bpf(2)).
/// </summary>
internal static class KernelAvailability
{
    public const string RequireVariable = "BPFMAPS_REQUIRE_KERNEL";

    private static readonly Lazy<(bool Available, string Reason)> Probe = new(() =>
        (KernelBpfMapBackend.IsAvailable(out var reason), reason));

    public static void EnsureOrSkip()
    {
        var (available, reason) = Probe.Value;
        if (available)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but the kernel backend is unavailable: {reason}");
        }

        Assert.Skip($"Kernel backend unavailable: {reason}");
    }
}
