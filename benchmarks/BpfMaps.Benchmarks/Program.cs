using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BpfMaps.Benchmarks;
using BpfMaps.Kernel;
using Perfolizer.Horology;

// dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- [--quick] [--doc docs/benchmarks.md] [BenchmarkDotNet options]
// dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- --profile Class.Method [Name=Value,...] [seconds]
var quick = args.Contains("--quick");
var docIndex = Array.IndexOf(args, "--doc");
var doc = docIndex >= 0 && docIndex + 1 < args.Length ? args[docIndex + 1] : null;
var rest = args.Where((arg, i) => arg != "--quick" && (docIndex < 0 || (i != docIndex && i != docIndex + 1))).ToList();
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

// In process: no project build per benchmark (2 cores). Quick: few short iterations and no overhead stage (the
// empty-call overhead, about 1 ns, stays in every figure), under 5 minutes in all.
var toolchain = new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: false);
var job = quick
    ? Job.Default.WithToolchain(toolchain).WithId("Quick").WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
        .WithIterationTime(TimeInterval.FromMilliseconds(100)).WithEvaluateOverhead(false)
    : Job.Default.WithToolchain(toolchain).WithId("Full");
var config = DefaultConfig.Instance.AddJob(job.AsDefault()).WithOptions(ConfigOptions.DisableLogFile);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config).ToList();
if (doc is not null)
{
    var command = "dotnet run -c Release --project benchmarks/BpfMaps.Benchmarks -- " + string.Join(' ', args);
    Report.Write(doc, summaries, command.TrimEnd());
    Console.WriteLine($"Wrote the results to {doc}.");
}

return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
