using System.CommandLine;
using System.Globalization;
using BpfMaps.Kernel;
using BpfMaps.Lockstep;
using BpfMaps.Simulated;
using Spectre.Console;

namespace BpfMaps.Cli.Fuzz;

/// <summary>
/// <c>bpfmaps fuzz</c>: the lockstep property runner (<see cref="LockstepFuzzer"/>) on the kernel against the
/// simulator, the thread pinned to one CPU so that LRU eviction compares exactly (reference §12.1), with a progress
/// display and a summary; a divergence is printed shrunk, with the command that replays it.
/// </summary>
internal static class FuzzCommand
{
    /// <summary>The default operation budget.</summary>
    public const long DefaultOperations = 20_000;

    /// <summary>The command.</summary>
    public static Command Create(ToolConsole console)
    {
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the run (default: a random one, printed); the same seed replays the same sequences" };
        var ops = new Option<long>("--ops")
        {
            Description = "Operations to check in all, shared equally by the families that run",
            DefaultValueFactory = _ => DefaultOperations,
        };
        var family = new Option<string[]>("--family")
        {
            Description = $"Map families to generate (repeatable; default all): {string.Join(", ", MapFamily.All.Select(f => f.Name))}",
            AllowMultipleArgumentsPerToken = false,
        };
        family.AcceptOnlyFromAmong([.. MapFamily.All.Select(f => f.Name)]);
        var command = new Command("fuzz", "Run generated operation sequences on the kernel and the simulator in lockstep and compare every step")
        {
            seed, ops, family,
        };
        command.SetAction(result => Run(console, result.GetValue(seed), result.GetValue(ops), result.GetValue(family) ?? []));
        return command;
    }

    private static int Run(ToolConsole console, ulong? seedOption, long operations, string[] familyNames)
    {
        if (operations < 1)
        {
            throw ToolException.Usage($"bpfmaps fuzz: --ops must be at least 1, not {operations}.");
        }

        var families = familyNames.Length == 0 ? MapFamily.All : [.. familyNames.Distinct(StringComparer.Ordinal).Select(MapFamily.Named)];
        var kernel = KernelProbe.Require("fuzz");
        var seed = seedOption ?? (ulong)Random.Shared.NextInt64();
        var share = Math.Max(1, operations / families.Count);

        var cpu = CpuAffinity.CurrentCpu();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Lockstep fuzzing, kernel (Linux {kernel.KernelVersion}) against the simulator of Linux {SimulatedBpfBackendOptions.Mirroring(kernel).KernelVersion.ToLinuxVersion()}: seed {seed}, {share} operations for each of {families.Count} families, thread pinned to CPU {cpu} of {kernel.PossibleCpuCount}."));

        var reports = new List<LockstepReport>();
        foreach (var family in families)
        {
            var simulator = new SimulatedBpfMapBackend(SimulatedBpfBackendOptions.Mirroring(kernel));
            var runner = new LockstepRunner(kernel, simulator);
            var options = new LockstepOptions { Seed = seed, OperationBudget = share };

            // Every syscall of the run on one CPU, whichever thread runs it: the kernel's LRU lists then behave as the
            // simulator's model (§12.1).
            LockstepReport Pinned()
            {
                using var pinned = CpuAffinity.PinCurrentThread(cpu);
                return LockstepFuzzer.Run(runner, family, options);
            }

            var report = console.Interactive ? WithProgress(console.Ui, family, Pinned, kernel, simulator) : Pinned();
            reports.Add(report);
            console.WriteLine(report.Summary());
            if (report.Failure is { } failure)
            {
                console.WriteLine("");
                console.WriteLine($"Divergence in {family.Name}:", "red");
                console.WriteLine(failure.Format(string.Create(CultureInfo.InvariantCulture, $"bpfmaps fuzz --family {family.Name} --ops {share} --seed")));
                return ExitCodes.Divergence;
            }
        }

        var total = reports.Sum(r => r.Operations);
        var syscalls = reports.Sum(r => r.Syscalls);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"No divergence: {total} operations ({syscalls} syscalls) in {reports.Sum(r => r.Scenarios)} scenarios agreed, {reports.Sum(r => r.Elapsed.TotalSeconds):0.0} s, seed {seed}."), "green");
        return ExitCodes.Success;
    }

    // The fuzzer reports nothing until it ends, so the display follows the backends: scenarios are the simulator's
    // creates, and the kernel's syscall count grows with every operation.
    private static LockstepReport WithProgress(IAnsiConsole ui, MapFamily family, Func<LockstepReport> run,
        KernelBpfMapBackend kernel, SimulatedBpfMapBackend simulator)
    {
        LockstepReport? report = null;
        var syscallsBefore = kernel.SyscallCount;
        ui.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(family.Name));
                task.IsIndeterminate = true;
                using var timer = new Timer(_ => task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{family.Name}: {simulator.CallCount(BpfMapCommand.CreateMap)} scenarios, {kernel.SyscallCount - syscallsBefore} syscalls")),
                    null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
                report = run();
                task.StopTask();
            });
        return report!;
    }
}
