using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace BpfMaps.Benchmarks;

/// <summary>
/// Writes the results of one run into docs/benchmarks.md between the generated-section markers: the machine, the
/// command, each target with the ratio measured, the figures per path, and BenchmarkDotNet's own tables. The text
/// around the markers is written by hand and kept.
/// </summary>
internal static class Report
{
    public const string Begin = "<!-- generated:begin (benchmarks/BpfMaps.Benchmarks --doc) -->";
    public const string End = "<!-- generated:end -->";

    private static readonly string[] Paths = ["Bare", "Kernel", "KernelTyped", "Sim", "SimTyped"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(string path, IReadOnlyList<Summary> summaries, string command, Dictionary<string, double> allocations,
        Dictionary<string, Dictionary<string, double>> interleaved)
    {
        var rows = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null)
            .Select(r => Row.From(r, allocations)).ToList();
        var text = new StringBuilder();
        text.AppendLine(Begin);
        Machine(text, summaries, command);
        Targets(text, rows, interleaved);
        Figures(text, rows);
        CallByCall(text, interleaved);
        Tables(text, summaries);
        text.AppendLine(End);

        var existing = File.Exists(path) ? File.ReadAllText(path) : $"# Benchmarks\n\n{Begin}\n{End}\n";
        var begin = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{path} has no generated section ({Begin} ... {End}).");
        }

        File.WriteAllText(path, existing[..begin] + text.ToString().TrimEnd('\n') + existing[(end + End.Length)..]);
    }

    /// <summary>
    /// Counts on the benchmark's own thread what the benchmarks BenchmarkDotNet saw allocate (it counts every thread);
    /// the others allocate nothing on any thread.
    /// </summary>
    public static Dictionary<string, double> AuditWhereAllocated(IReadOnlyList<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports).ToList();
        var allocated = reports.Where(r => r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) is not 0).Select(Key).ToHashSet();
        var counted = Profile.AuditAllocations(reports.Select(r => r.BenchmarkCase.Descriptor.Type).Distinct(), allocated.Contains);
        foreach (var report in reports)
        {
            counted.TryAdd(Key(report), 0);
        }

        return counted;
    }

    private static string Key(BenchmarkReport report)
    {
        var benchmark = report.BenchmarkCase;
        var parameters = string.Join(", ", benchmark.Parameters.Items.Select(p => $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}"));
        return $"{benchmark.Descriptor.Type.Name}.{benchmark.Descriptor.WorkloadMethod.Name} {parameters}".TrimEnd();
    }

    private static void Machine(StringBuilder text, IReadOnlyList<Summary> summaries, string command)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {summaries.Sum(s => s.Reports.Length)} benchmarks in {Duration(summaries)}:");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine(command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("```");
        if (summaries.Count > 0)
        {
            foreach (var line in summaries[0].HostEnvironmentInfo.ToFormattedString())
            {
                text.AppendLine(line);
            }

            var job = summaries[0].BenchmarksCases.FirstOrDefault()?.Job;
            text.AppendLine(CultureInfo.InvariantCulture, $"Job: {job?.DisplayInfo}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Clock: {job?.Infrastructure.Clock?.Title ?? "wall clock (BenchmarkDotNet's default)"}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"Linux {ReadOr("/proc/sys/kernel/osrelease")}, {RuntimeInformation.FrameworkDescription} {RuntimeInformation.ProcessArchitecture}, " +
            $"{Environment.ProcessorCount} CPUs online, {MemoryGiB()} GiB of memory{(IsVirtualMachine() ? ", a virtual machine (hypervisor CPU flag)" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end of the run: {ReadOr("/proc/loadavg")}");
        text.AppendLine("```");
        text.AppendLine();
    }

    private static void Targets(StringBuilder text, List<Row> rows, Dictionary<string, Dictionary<string, double>> interleaved)
    {
        text.AppendLine("### Targets, from this run");
        text.AppendLine();
        text.AppendLine("| target | measured | required | |");
        text.AppendLine("|---|---|---|---|");

        foreach (var op in new[] { Ops.Lookup, Ops.Update })
        {
            foreach (var (raw, typed) in new[] { ("Kernel", "Sim"), ("KernelTyped", "SimTyped") })
            {
                var ratio = Ratio(rows, "HashElementBenchmarks", op, "Map=Dense", raw, typed);
                Target(text, $"simulator {op.ToLowerInvariant()} faster than the kernel's ({(raw == "Kernel" ? "raw" : "typed")}, dense HASH)", ratio, 20, atLeast: true);
            }
        }

        foreach (var cls in new[] { "HashBatchBenchmarks", "PerCpuBatchBenchmarks" })
        {
            foreach (var op in new[] { Ops.LookupBatch, Ops.UpdateBatch, Ops.LookupAndDeleteBatch })
            {
                foreach (var size in new[] { 1, 64, 1024 })
                {
                    var ratio = Ratio(rows, cls, op, $"BatchSize={size}", "Kernel", "Sim");
                    Target(text, $"simulator batch cost per element lower: {Describe(cls)} {op}, n = {size}", ratio, 10, atLeast: true);
                }
            }
        }

        // Decided call by call (Interleaved); the ratio of the separate benchmark runs is given beside it.
        foreach (var group in rows.Where(r => r.Path == "Kernel" && !r.Class.StartsWith("Iteration", StringComparison.Ordinal))
                     .GroupBy(r => (r.Class, r.Op, r.Method, r.Params)))
        {
            var (cls, op, method, parameters) = group.Key;
            var separate = Ratio(rows, cls, op, parameters, "Kernel", "Bare");
            var key = $"{cls}.{method[..method.LastIndexOf('_')]} {parameters}".TrimEnd();
            double? paired = interleaved.TryGetValue(key, out var medians) ? medians["Kernel"] / medians["Bare"] : null;
            Target(text, $"kernel backend over the bare syscall, call by call: {Describe(cls)} {op} {parameters}", paired, 1.10, atLeast: false,
                separate is { } r ? $" (separate runs: {Number(r, "0.00")}×)" : "");
        }

        foreach (var (label, paths) in new[] { ("the kernel backend, raw and typed", new[] { "Kernel", "KernelTyped" }), ("the simulator, raw and typed", ["Sim", "SimTyped"]) })
        {
            var measured = rows.Where(r => paths.Contains(r.Path)).ToList();
            var allocating = measured.Where(r => r.Allocated > 0).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| 0 bytes allocated per operation: {label} | {measured.Count - allocating.Count} of {measured.Count} benchmarks allocate nothing" +
                $"{(allocating.Count == 0 ? "" : $"; {allocating.Count} allocate (listed below)")} | 0 B | {(allocating.Count == 0 ? "met" : "**missed**")} |");
        }

        foreach (var (typed, walk) in new[] { ("KernelTyped", "Kernel"), ("SimTyped", "Sim") })
        {
            foreach (var walkOp in new[] { "GetNextKeyWalk", "GetNextKeyKeysOnly" })
            {
                var read = Median(rows, "IterationBenchmarks", "Read", "Map=Sparse", typed);
                var gnk = Median(rows, "IterationBenchmarks", walkOp, "Map=Sparse", walk);
                Target(text, $"typed Read() of the sparse 1M-bucket map over {walkOp} ({walk})", read / gnk, 1.0, atLeast: false);
            }
        }

        text.AppendLine();
        var allocations = rows.Where(r => r.Allocated > 0).ToList();
        if (allocations.Count > 0)
        {
            text.AppendLine("Benchmarks that allocate (bytes per call on the benchmark's thread after warm-up calls, rounded to whole bytes):");
            text.AppendLine();
            foreach (var row in allocations)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Class}.{row.Method} {row.Params}: {Number(row.Allocated ?? 0, "0.#")} B");
            }

            text.AppendLine();
        }
    }

    private static void Target(StringBuilder text, string what, double? ratio, double required, bool atLeast, string note = "")
    {
        var met = ratio is { } r && (atLeast ? r >= required : r <= required);
        var measured = (ratio is { } value ? Number(value, "0.00") + "×" : "not measured") + note;
        var verdict = ratio is null ? "not in this run" : met ? "met" : "**missed**";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {measured} | {(atLeast ? "≥" : "≤")} {Number(required, "0.##")}× | {verdict} |");
    }

    private static void Figures(StringBuilder text, List<Row> rows)
    {
        text.AppendLine("### Figures per path");
        text.AppendLine();
        text.AppendLine("Median time per call in ns (batch classes: per element, the call's median divided by n), the figure every ratio");
        text.AppendLine("here is computed from: other work on the machine delays some iterations, which moves means more than medians.");
        text.AppendLine("`alloc` lists the bytes allocated per call on the benchmark's thread, path by path in the same order (counted");
        text.AppendLine("after the run, outside BenchmarkDotNet, whose Allocated column also counts the runtime's other threads).");
        foreach (var cls in rows.Select(r => r.Class).Distinct())
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**{cls}**");
            text.AppendLine();
            text.AppendLine("| operation | parameters | Bare | Kernel | KernelTyped | Sim | SimTyped | Kernel / Bare | Kernel / Sim | alloc (B) |");
            text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|---|");
            foreach (var group in rows.Where(r => r.Class == cls).GroupBy(r => (r.Op, r.Params)))
            {
                var (op, parameters) = group.Key;
                string Cell(string path) =>
                    group.FirstOrDefault(r => r.Path == path) is { } row ? Number(row.Median / row.Batch, row.Median / row.Batch < 100 ? "0.0" : "#,0") : "";
                string Alloc(string path) => group.FirstOrDefault(r => r.Path == path) is { } row ? (row.Allocated is { } a ? Number(a, "0.#") : "?") : "-";
                var bare = Ratio(rows, cls, op, parameters, "Kernel", "Bare");
                var sim = Ratio(rows, cls, op, parameters, "Kernel", "Sim");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {op} | {parameters} | {string.Join(" | ", Paths.Select(Cell))} | {(bare is { } b ? Number(b, "0.00") : "")} | {(sim is { } s ? Number(s, "0.0") : "")} | {string.Join("/", Paths.Select(Alloc))} |");
            }
        }

        text.AppendLine();
    }

    private static void CallByCall(StringBuilder text, Dictionary<string, Dictionary<string, double>> interleaved)
    {
        text.AppendLine("### The kernel backend over the bare syscall, call by call");
        text.AppendLine();
        text.AppendLine("The three kernel paths take turns call after call (in a rotating order, for half a second per operation) and");
        text.AppendLine("each call is timed on its own (wall clock); medians of the calls in ns.");
        text.AppendLine();
        text.AppendLine("| operation | Bare | Kernel | KernelTyped | Kernel / Bare | KernelTyped / Bare |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|");
        foreach (var (key, medians) in interleaved)
        {
            var bare = medians["Bare"];
            string Cell(string path) => medians.TryGetValue(path, out var ns) ? Number(ns, "#,0") : "";
            string Over(string path) => medians.TryGetValue(path, out var ns) ? Number(ns / bare, "0.000") : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {key} | {Cell("Bare")} | {Cell("Kernel")} | {Cell("KernelTyped")} | {Over("Kernel")} | {Over("KernelTyped")} |");
        }

        text.AppendLine();
    }

    private static void Tables(StringBuilder text, IReadOnlyList<Summary> summaries)
    {
        text.AppendLine("### BenchmarkDotNet's tables");
        foreach (var summary in summaries)
        {
            var logger = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            var lines = logger.GetLog().Split('\n');
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**{summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type.Name}**");
            text.AppendLine();
            foreach (var line in lines.SkipWhile(l => !l.StartsWith('|')).Where(l => l.StartsWith('|')))
            {
                text.AppendLine(line.TrimEnd('\r'));
            }
        }

        text.AppendLine();
    }

    private static double? Median(List<Row> rows, string cls, string op, string parameters, string path) =>
        rows.FirstOrDefault(r => r.Class == cls && r.Op == op && r.Params == parameters && r.Path == path)?.Median;

    private static double? Ratio(List<Row> rows, string cls, string op, string parameters, string numerator, string denominator) =>
        Median(rows, cls, op, parameters, numerator) / Median(rows, cls, op, parameters, denominator);

    private static string Describe(string cls) => cls switch
    {
        "HashElementBenchmarks" or "HashBatchBenchmarks" => "HASH",
        "PerCpuElementBenchmarks" or "PerCpuBatchBenchmarks" => "PERCPU_HASH",
        _ => cls,
    };

    private static string Number(double value, string format) => value.ToString(format, Invariant);

    private static string Duration(IReadOnlyList<Summary> summaries)
    {
        var total = TimeSpan.FromTicks(summaries.Sum(s => s.TotalTime.Ticks));
        return $"{(int)total.TotalMinutes} min {total.Seconds} s";
    }

    private static string ReadOr(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string MemoryGiB()
    {
        var total = ReadOr("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return total?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var kib, ..] && long.TryParse(kib, CultureInfo.InvariantCulture, out var value)
            ? Number(value / 1024.0 / 1024.0, "0.#")
            : "?";
    }

    private static bool IsVirtualMachine() =>
        ReadOr("/proc/cpuinfo").Split('\n').Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(" hypervisor", StringComparison.Ordinal));

    /// <summary>One benchmark's result (its median): its class, operation (method name before '_'), path (after it) and parameters.</summary>
    private sealed record Row(string Class, string Method, string Op, string Path, string Params, int Batch, double Median, double? Allocated)
    {
        public static Row From(BenchmarkReport report, Dictionary<string, double> allocations)
        {
            var benchmark = report.BenchmarkCase;
            var method = benchmark.Descriptor.WorkloadMethod.Name;
            var cut = method.LastIndexOf('_');
            var category = benchmark.Descriptor.Categories.FirstOrDefault() ?? method[..cut];
            var op = benchmark.Descriptor.Type == typeof(IterationBenchmarks) ? method[..cut] : category;
            var parameters = string.Join(", ", benchmark.Parameters.Items.Select(p => $"{p.Name}={p.Value}"));
            var batch = benchmark.Parameters.Items.FirstOrDefault(p => p.Name == "BatchSize")?.Value is int n ? n : 1;
            return new Row(benchmark.Descriptor.Type.Name, method, op, method[(cut + 1)..], parameters, batch, report.ResultStatistics!.Median,
                allocations.TryGetValue(Key(report), out var bytes) ? bytes : null);
        }
    }
}
