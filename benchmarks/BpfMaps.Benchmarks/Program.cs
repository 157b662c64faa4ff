using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BpfMaps.Benchmarks;
using BpfMaps.Kernel;
using Perfolizer.Horology;

// dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- [--quick] [--wall-clock] [--doc docs/benchmarks.md] [BenchmarkDotNet options]
// dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- --profile Class.Method [Name=Value,...] [seconds]
// dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- --interleaved [ClassNamePart]
var quick = args.Contains("--quick");
var wallClock = args.Contains("--wall-clock");
var docIndex = Array.IndexOf(args, "--doc");
var doc = docIndex >= 0 && docIndex + 1 < args.Length ? args[docIndex + 1] : null;
var rest = args.Where((arg, i) => arg != "--quick" && arg != "--wall-clock" && (docIndex < 0 || (i != docIndex && i != docIndex + 1))).ToList();
if (!rest.Contains("--filter"))
{
    rest.AddRange(["--filter", "*"]);
}

if (!KernelBpfMapBackend.IsAvailable(out var reason))
{
    Console.Error.WriteLine($"The benchmarks compare the simulator with the kernel, and the kernel is not available: {reason}.");
    return 3;
}

if (args.Contains("--profile"))
{
    return Profile.Run(args);
}

if (args.Contains("--interleaved"))
{
    // The call-by-call comparison alone (part of every --doc run), for every class with bare syscalls, or the classes
    // whose name contains the next argument.
    var only = args.SkipWhile(a => a != "--interleaved").Skip(1).FirstOrDefault() ?? "";
    var classes = typeof(Program).Assembly.GetTypes().Where(t => !t.IsAbstract && t.Name.Contains(only, StringComparison.Ordinal));
    foreach (var (key, medians) in Interleaved.Measure(classes, TimeSpan.FromSeconds(0.5)))
    {
        Console.WriteLine($"{key}: {string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0} ns ({m.Value / medians["Bare"]:0.000})"))}");
    }

    return 0;
}

// In process: no project build per benchmark (2 cores). Quick: 7 iterations of 40 ms without the overhead stage (the
// empty call's 1 ns or so stays in every figure), under 5 minutes in all. Otherwise 25 iterations of 200 ms.
var toolchain = new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: false);
var job = quick
    ? Job.Default.WithToolchain(toolchain).WithId("Quick").WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(7)
        .WithIterationTime(TimeInterval.FromMilliseconds(40)).WithEvaluateOverhead(false)
    : Job.Default.WithToolchain(toolchain).WithId("Standard").WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(25)
        .WithIterationTime(TimeInterval.FromMilliseconds(200));
if (!wallClock)
{
    // Thread CPU time: other work on the machine does not stretch the figures (ThreadCpuClock).
    job.Infrastructure.Clock = ThreadCpuClock.Instance;
}

var config = DefaultConfig.Instance.AddJob(job.AsDefault()).WithOptions(ConfigOptions.DisableLogFile);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config).ToList();
if (doc is not null)
{
    var command = "dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- " + string.Join(' ', args);
    var allocations = Report.AuditWhereAllocated(summaries);
    var interleaved = Interleaved.Measure(summaries.SelectMany(s => s.BenchmarksCases).Select(c => c.Descriptor.Type).Distinct(), TimeSpan.FromSeconds(0.5));
    Report.Write(doc, summaries, command.TrimEnd(), allocations, interleaved);
    Console.WriteLine($"Wrote the results to {doc}.");
}

return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
