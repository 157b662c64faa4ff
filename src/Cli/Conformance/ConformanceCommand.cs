using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BpfMaps.Conformance;
using BpfMaps.Simulated;
using Spectre.Console;

namespace BpfMaps.Cli.Conformance;

/// <summary>
/// <c>bpfmaps conformance</c>: the conformance catalog (<see cref="ConformanceCatalog.Cases"/>, the cases the test
/// suite runs) on the simulator and, where this process can use bpf(2), on the kernel; a matrix of areas × backends
/// with pass counts, then every divergence.
/// </summary>
internal static class ConformanceCommand
{
    private const string Both = "both";
    private const string SimulatedOnly = "simulated";
    private const string KernelOnly = "kernel";

    /// <summary>The command.</summary>
    public static Command Create(ToolConsole console)
    {
        var backend = new Option<string>("--backend")
        {
            Description = "Which backends run the catalog: simulated, kernel or both (the kernel where this process can use bpf(2))",
            DefaultValueFactory = _ => Both,
        };
        backend.AcceptOnlyFromAmong(SimulatedOnly, KernelOnly, Both);
        var filter = new Option<string?>("--filter") { Description = "Run only the cases whose name contains this text (ignoring case)" };
        var cpus = new Option<int>("--simulator-cpus")
        {
            Description = "Possible CPUs of the simulator",
            DefaultValueFactory = _ => new SimulatedBpfBackendOptions().PossibleCpuCount,
        };
        var profile = new Option<string>("--kernel-profile")
        {
            Description = $"The kernel the simulator answers as: {string.Join(", ", SimulatedKernelVersions.All.Select(k => k.ToLinuxVersion()))}",
            DefaultValueFactory = _ => new SimulatedBpfBackendOptions().KernelVersion.ToLinuxVersion().ToString(),
        };
        var json = new Option<bool>("--json") { Description = "Write the results as JSON" };
        var command = new Command("conformance", "Run the conformance catalog on the simulator and, where bpf(2) is usable, on the kernel, and print a matrix of areas x backends")
        {
            backend, filter, cpus, profile, json,
        };
        command.SetAction(result => Run(console, result.GetValue(backend)!, result.GetValue(filter), result.GetValue(cpus), result.GetValue(profile)!, result.GetValue(json)));
        return command;
    }

    private static int Run(ToolConsole console, string which, string? filter, int cpus, string profile, bool json)
    {
        if (!SimulatedKernelVersions.TryParse(profile, out var kernel) || kernel.ToLinuxVersion().ToString() != profile.Trim())
        {
            throw ToolException.Usage($"bpfmaps conformance: --kernel-profile is one of {string.Join(", ", SimulatedKernelVersions.All.Select(k => k.ToLinuxVersion()))}, not '{profile}'.");
        }

        var cases = ConformanceCatalog.Cases
            .Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (cases.Count == 0)
        {
            throw ToolException.Usage($"bpfmaps conformance: no case name contains '{filter}'.");
        }

        if (cpus < 1)
        {
            throw ToolException.Usage($"bpfmaps conformance: --simulator-cpus must be at least 1, not {cpus}.");
        }

        var backends = new List<ConformanceBackend>();
        if (which != KernelOnly)
        {
            backends.Add(ConformanceBackend.Simulated(cpus, kernel));
        }

        string? kernelSkipped = null;
        if (which != SimulatedOnly)
        {
            if (KernelProbe.IsAvailable)
            {
                backends.Add(ConformanceBackend.Kernel());
            }
            else if (which == KernelOnly)
            {
                throw new ToolException(ExitCodes.KernelUnavailable, $"bpfmaps conformance --backend kernel needs the kernel backend: {KernelProbe.Reason}.");
            }
            else
            {
                kernelSkipped = KernelProbe.Reason;
            }
        }

        return Report(console, Execute(console, cases, backends, kernelSkipped, live: console.Interactive && !json), filter, json);
    }

    /// <summary>Prints <paramref name="run"/> as the matrix (or JSON) and returns the exit code: 1 when any case failed.</summary>
    public static int Report(ToolConsole console, ConformanceRun run, string? filter, bool json)
    {
        if (json)
        {
            console.Out.WriteLine(ToJson(run, filter).ToJsonString(JsonOutput.Options));
        }
        else
        {
            Render(console, run, filter);
        }

        return run.Divergences.Any() ? ExitCodes.Divergence : ExitCodes.Success;
    }

    private static ConformanceRun Execute(ToolConsole console, List<ConformanceCase> cases, List<ConformanceBackend> backends, string? kernelSkipped, bool live)
    {
        if (!live)
        {
            return ConformanceRun.Execute(cases, backends, kernelSkipped);
        }

        ConformanceRun? run = null;
        console.Ui.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = backends.ToDictionary(b => b, b => context.AddTask(Markup.Escape(b.Title), maxValue: cases.Count));
                run = ConformanceRun.Execute(cases, backends, kernelSkipped, (backend, done) => tasks[backend].Value = done);
            });
        return run!;
    }

    private static void Render(ToolConsole console, ConformanceRun run, string? filter)
    {
        var ui = console.Ui;
        var scope = filter is null
            ? $"{run.Cases.Count} cases"
            : $"{run.Cases.Count} cases whose name contains '{filter}'";
        console.WriteLine($"Conformance catalog: {scope} in {run.Areas.Count} areas, each pinning a section of the kernel reference.");

        var table = new Table().Border(TableBorder.Rounded).AddColumn("area");
        foreach (var b in run.Backends)
        {
            table.AddColumn(new TableColumn(Markup.Escape(b.Backend.Title)).RightAligned());
        }

        foreach (var area in run.Areas)
        {
            table.AddRow([new Markup(Markup.Escape(area)), .. run.Backends.Select(b => Cell(b.Count(area)))]);
        }

        table.AddEmptyRow();
        table.AddRow([new Markup("[bold]total[/]"), .. run.Backends.Select(b => Cell(b.Count()))]);
        ui.Write(table);

        foreach (var b in run.Backends)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{b.Backend.Title}: {b.Count().Passed} passed, {b.Count().Failed} failed, {b.Count().Skipped} skipped in {b.Elapsed.TotalSeconds:0.0} s"));
        }

        if (run.KernelSkipped is { } reason)
        {
            console.WriteLine($"kernel: not run. {reason}. The catalog ran on the simulator only; run as root (or with CAP_BPF and CAP_SYS_ADMIN) for the kernel column.", "yellow");
        }

        foreach (var skipped in run.Skipped)
        {
            console.WriteLine($"skipped on {skipped.Backend.Name}: {skipped.Case.Name} ({skipped.Case.Section}): {skipped.Message}");
        }

        var divergences = run.Divergences.ToList();
        if (divergences.Count == 0)
        {
            console.WriteLine($"No divergences: every case passed on {string.Join(" and ", run.Backends.Select(b => b.Backend.Name))}.", "green");
            return;
        }

        console.WriteLine($"{divergences.Count} divergences:", "red");
        foreach (var d in divergences)
        {
            console.WriteLine($"  {d.Case.Name} ({d.Case.Section}) on {d.Backend.Name}: {d.Message}");
        }
    }

    private static Markup Cell(Tally tally)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{tally.Passed}/{tally.Total}");
        if (tally.Skipped > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" ({tally.Skipped} skipped)");
        }

        return new Markup(tally.Failed > 0 ? $"[red]{text}[/]" : tally.Skipped > 0 ? $"[yellow]{text}[/]" : $"[green]{text}[/]");
    }

    private static JsonObject ToJson(ConformanceRun run, string? filter)
    {
        static JsonObject Counts(Tally t) => new()
        {
            ["passed"] = t.Passed,
            ["failed"] = t.Failed,
            ["skipped"] = t.Skipped,
            ["total"] = t.Total,
        };

        static JsonObject Result(CaseResult r) => new()
        {
            ["backend"] = r.Backend.Name,
            ["case"] = r.Case.Name,
            ["area"] = r.Case.Area,
            ["section"] = r.Case.Section,
            ["message"] = r.Message,
        };

        var backends = new JsonArray();
        foreach (var b in run.Backends)
        {
            var entry = Counts(b.Count());
            entry.Insert(0, "name", b.Backend.Name);
            entry.Insert(1, "title", b.Backend.Title);
            entry.Insert(2, "profile", b.Backend.Profile?.ToString());
            entry.Insert(3, "ran", true);
            entry["seconds"] = Math.Round(b.Elapsed.TotalSeconds, 3);
            backends.Add(entry);
        }

        if (run.KernelSkipped is { } reason)
        {
            backends.Add(new JsonObject { ["name"] = "kernel", ["ran"] = false, ["reason"] = reason });
        }

        var areas = new JsonArray();
        foreach (var area in run.Areas)
        {
            var entry = new JsonObject { ["area"] = area };
            foreach (var b in run.Backends)
            {
                entry[b.Backend.Name] = Counts(b.Count(area));
            }

            areas.Add(entry);
        }

        return new JsonObject
        {
            ["cases"] = run.Cases.Count,
            ["filter"] = filter,
            ["backends"] = backends,
            ["areas"] = areas,
            ["divergences"] = new JsonArray([.. run.Divergences.Select(Result)]),
            ["skipped"] = new JsonArray([.. run.Skipped.Select(Result)]),
        };
    }
}
