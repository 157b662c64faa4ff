using BpfMaps.Conformance;
using BpfMaps.Kernel;
using BpfMaps.Lockstep;
using BpfMaps.Simulated;
using BpfMaps.Testing;

namespace BpfMaps.PropertyTests;

/// <summary>
/// Generated operation sequences on the kernel and the simulator in lockstep, every step compared (errno, count,
/// cursor, every output byte) and the whole contents at the end; a divergence is shrunk to a minimal sequence and
/// printed with the seed to replay (<c>BPFMAPS_PROPERTY_SEED</c>). The test thread is pinned to one CPU for the run and
/// moves only where a step switches CPU (the simulator moving alike), which makes the kernel's LRU eviction
/// deterministic and equal to the simulator's per-CPU model (reference §12.1). Pins go to a bpffs mounted per scenario.
/// </summary>
public sealed class KernelLockstepTests(LockstepBudget budget)
{
    [Fact]
    public void ZeroSeedHashMaps_OrderComparedExactly() => Run(MapFamily.ZeroSeedHash, percent: 25);

    [Fact]
    public void LruMaps_OnPinnedCpusSwitchedBySteps_EvictionAndOrderComparedExactly() => Run(MapFamily.LruZeroSeed, percent: 25);

    [Fact]
    public void RandomSeedHashMaps_OrderComparedAsSets() => Run(MapFamily.RandomSeedHash, percent: 20);

    [Fact]
    public void Arrays_ComparedExactly() => Run(MapFamily.Arrays, percent: 12);

    [Fact]
    public void QueuesAndStacks_ComparedExactly() => Run(MapFamily.QueuesAndStacks, percent: 8);

    [Fact]
    public void SpinLockMaps_ComparedExactly() => Run(MapFamily.SpinLock, percent: 10);

    private void Run(MapFamily family, int percent)
    {
        KernelAvailability.EnsureOrSkip();

        // The exact LRU comparison needs every syscall on a known CPU (§12.1): the thread starts pinned to one, where
        // the simulator starts too, and moves only on SwitchCpuOp steps.
        var cpu = CpuAffinity.CurrentCpu();
        using var pinned = CpuAffinity.PinCurrentThread(cpu);
        var kernel = new KernelBpfMapBackend();
        // The simulator answers as this kernel's profile (the nearest older one for a kernel without its own).
        var options = SimulatedBpfBackendOptions.Mirroring(kernel);
        options.DefaultCpu = cpu;
        var simulator = new SimulatedBpfMapBackend(options);
        using var kernelFileSystems = KernelFileSystems();
        using var simulatorFileSystems = ScenarioFileSystems.Simulated(simulator);
        var runner = new LockstepRunner(kernel, simulator)
        {
            // Without a bpffs (mounting one needs CAP_SYS_ADMIN) no pin steps are generated, and the summary says so.
            ReferenceEnvironment = kernelFileSystems?.Environment(new ThreadCpuPinning()) ?? new ConformanceEnvironment { CpuPinning = new ThreadCpuPinning() },
            CandidateEnvironment = simulatorFileSystems.Environment(new SimulatedCpuPinning(simulator)),
        };
        var lockstep = new LockstepOptions { Seed = LockstepBudget.Seed, OperationBudget = LockstepBudget.Share(percent) };
        var report = LockstepFuzzer.Run(runner, family, lockstep);
        budget.Add(report);
        TestContext.Current.SendDiagnosticMessage(
            $"{report.Summary()}, Linux {kernel.KernelVersion} against the simulator's {options.KernelVersion.ToLinuxVersion()} profile, starting on CPU {cpu}{(kernelFileSystems is null ? ", without pins (mounting a bpffs failed)" : "")}");
        if (report.Failure is { } failure)
        {
            Assert.Fail(failure.Format(PropertyRunner.SeedVariable) + Environment.NewLine
                + "Fix the simulator and keep the shrunk sequence as a named case (area lockstep/) in src/Conformance/Cases.");
        }
    }

    private static ScenarioFileSystems? KernelFileSystems()
    {
        try
        {
            return ScenarioFileSystems.Kernel();
        }
        catch (ConformanceCapabilityException)
        {
            return null;
        }
    }
}
