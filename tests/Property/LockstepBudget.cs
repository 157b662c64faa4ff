using System.Globalization;
using BpfMaps.Lockstep;
using Xunit.Sdk;

[assembly: AssemblyFixture(typeof(BpfMaps.PropertyTests.LockstepBudget))]

namespace BpfMaps.PropertyTests;

/// <summary>
/// The lockstep budget of a test run, and its total. The normal run checks <see cref="DefaultOperations"/>
/// operations against the kernel, shared among the map families; <c>BPFMAPS_LOCKSTEP_OPS</c> raises (or lowers) it
/// for long runs. When the run ends, one line says how many operations were checked in all.
/// </summary>
public sealed class LockstepBudget(IMessageSink diagnostics) : IDisposable
{
    /// <summary>The variable that sets the total operation budget.</summary>
    public const string OperationsVariable = "BPFMAPS_LOCKSTEP_OPS";

    /// <summary>The normal run's total: well above 20,000, and a few seconds against the kernel.</summary>
    public const long DefaultOperations = 100_000;

    private readonly Lock _gate = new();
    private readonly List<LockstepReport> _reports = [];

    /// <summary>The total budget.</summary>
    public static long TotalOperations { get; } =
        Environment.GetEnvironmentVariable(OperationsVariable) is { Length: > 0 } text
            ? long.Parse(text, CultureInfo.InvariantCulture)
            : DefaultOperations;

    /// <summary>The seed of every lockstep run of this process: <c>BPFMAPS_PROPERTY_SEED</c>, or a fresh one.</summary>
    public static ulong Seed { get; } =
        Environment.GetEnvironmentVariable(PropertyRunner.SeedVariable) is { Length: > 0 } seed
            ? ulong.Parse(seed, CultureInfo.InvariantCulture)
            : (ulong)Random.Shared.NextInt64();

    /// <summary>A share of the budget, in percent.</summary>
    public static long Share(int percent) => TotalOperations * percent / 100;

    /// <summary>Records a family's report for the total.</summary>
    public void Add(LockstepReport report)
    {
        lock (_gate)
        {
            _reports.Add(report);
        }
    }

    /// <summary>Prints the total when the test run ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_reports.Count == 0)
            {
                return;
            }

            var operations = _reports.Sum(r => r.Operations);
            var syscalls = _reports.Sum(r => r.Syscalls);
            var seconds = _reports.Sum(r => r.Elapsed.TotalSeconds);
            diagnostics.OnMessage(new Xunit.v3.DiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
                $"lockstep against the kernel, all families: {operations} operations ({syscalls} syscalls) in {_reports.Sum(r => r.Scenarios)} scenarios, {seconds:0.0} s, seed {Seed}")));
        }
    }
}
