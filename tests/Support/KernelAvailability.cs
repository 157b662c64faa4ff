using BpfMaps.Kernel;
using Xunit;

namespace BpfMaps.Testing;

/// <summary>
/// Decides once whether the kernel leaves can run. Where this process cannot create a BPF map they are skipped with
/// the reason, except with BPFMAPS_REQUIRE_KERNEL=1, where that is a failure (CI runs as root with bpf(2)).
/// </summary>
public static class KernelAvailability
{
    /// <summary>The variable that turns a skip into a failure.</summary>
    public const string RequireVariable = "BPFMAPS_REQUIRE_KERNEL";

    private static readonly Lazy<(bool Available, string Reason)> Probe = new(() =>
        (KernelBpfMapBackend.IsAvailable(out var reason), reason));

    /// <summary>Returns when the kernel backend can run; otherwise skips the test, or fails it when required.</summary>
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
