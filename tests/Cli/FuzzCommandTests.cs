using BpfMaps.Lockstep;
using BpfMaps.Testing;

namespace BpfMaps.Cli.Tests;

/// <summary><c>bpfmaps fuzz</c>: the lockstep runner on the kernel against the simulator, its summary and exit codes.</summary>
public sealed class FuzzCommandTests
{
    [Fact]
    public void ASmallRunAgreesAndPrintsItsSummaryWithTheSeed()
    {
        KernelAvailability.EnsureOrSkip();
        var run = Tool.Run("fuzz", "--seed", "7", "--ops", "400", "--family", MapFamily.Arrays.Name, "--family", MapFamily.LruZeroSeed.Name);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("seed 7, 200 operations for each of 2 families, thread pinned to CPU", run.Output, StringComparison.Ordinal);
        Assert.Contains("lockstep arrays: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("lockstep lru-zero-seed: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("No divergence: ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("DIVERGED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheKernelFuzzSaysWhyAndExitsWith3()
    {
        if (KernelProbe.IsAvailable)
        {
            Assert.Skip("bpf(2) is usable here; this test is for processes without it.");
        }

        var run = Tool.Run("fuzz", "--ops", "10");
        Assert.Equal(ExitCodes.KernelUnavailable, run.ExitCode);
        Assert.Contains($"bpfmaps fuzz needs the kernel backend: {KernelProbe.Reason}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownFamilyIsAUsageError()
    {
        var run = Tool.Run("fuzz", "--family", "no-such-family");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("no-such-family", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonPositiveBudgetIsAUsageError()
    {
        var run = Tool.Run("fuzz", "--ops", "0");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--ops must be at least 1", run.Error, StringComparison.Ordinal);
    }
}
