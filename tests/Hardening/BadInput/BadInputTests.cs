using BpfMaps.Kernel;
using BpfMaps.Simulated;
using BpfMaps.Testing;

namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>
/// Every public method of the contract and of the typed layer, called with every class of bad argument, on both
/// backends: the documented exception before any call reaches the backend, or the documented errno, and the map
/// unchanged. The output says how many cases were tried.
/// </summary>
public sealed class BadInputTests
{
    private static readonly Lazy<bool> KernelUsable = new(() => KernelBpfMapBackend.IsAvailable(out _));

    private static List<BadInputCase> Cases() => [.. ContractCases.All(), .. TypedCases.All()];

    [Fact]
    public void EveryPublicMemberHasBadInputCases()
    {
        var cases = Cases();
        var covered = cases.Select(c => c.Member).ToHashSet(StringComparer.Ordinal);
        var members = Coverage.ContractMembers().Concat(Coverage.TypedMembers()).ToList();
        var uncovered = members.Where(m => !covered.Contains(m)).ToList();
        Assert.True(uncovered.Count == 0, "No bad-input case for: " + string.Join(", ", uncovered));
        // Overloads would share a name: each member must be one method.
        Assert.Equal(members.Count, members.Distinct(StringComparer.Ordinal).Count());
        // Case names are real members, and unique.
        var unknown = covered.Where(m => !members.Contains(m) && !Coverage.Extra().Contains(m)).ToList();
        Assert.True(unknown.Count == 0, "Cases name members that do not exist: " + string.Join(", ", unknown));
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        // A typed map or reader added to the library must be added here.
        Assert.Equal(
            Coverage.LibraryTypedTypes().Select(Coverage.Name).Order(StringComparer.Ordinal),
            Coverage.TypedTypes.Select(Coverage.Name).Order(StringComparer.Ordinal));
        TestContext.Current.SendDiagnosticMessage(
            $"bad input: {cases.Count} cases cover {Coverage.ContractMembers().Count()} contract methods and {Coverage.TypedMembers().Count()} typed members");
    }

    [Fact]
    public void TheSimulatorRefusesEveryBadInputAsDocumented()
    {
        var simulator = Backends.Simulator();
        // Where the kernel cannot be used, a simulator with other options stands in for "another backend".
        IBpfMapBackend other = KernelUsable.Value
            ? new KernelBpfMapBackend()
            : new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 1 });
        var outcomes = BadInputRunner.Run(simulator, Backends.Simulator(), other, Cases());
        Report(outcomes, $"bad input: {outcomes.Count} cases tried on the simulator");
    }

    [Fact]
    public void TheKernelRefusesEveryBadInputAsDocumentedAndAsTheSimulatorDoes()
    {
        KernelAvailability.EnsureOrSkip();
        var cases = Cases();
        var kernel = new KernelBpfMapBackend();
        var kernelOutcomes = BadInputRunner.Run(kernel, new KernelBpfMapBackend(), Backends.Simulator(), cases);
        var simulatorOutcomes = BadInputRunner.Run(Backends.Simulator(), Backends.Simulator(), kernel, cases);
        var differences = kernelOutcomes.Zip(simulatorOutcomes)
            .Where(pair => pair.First.Outcome != pair.Second.Outcome)
            .Select(pair => $"{pair.First.Case}: the kernel {pair.First.Outcome}, the simulator {pair.Second.Outcome}")
            .ToList();
        var total = kernelOutcomes.Count + simulatorOutcomes.Count;
        Report([.. kernelOutcomes, .. simulatorOutcomes],
            $"bad input: {total} cases tried, {kernelOutcomes.Count} on the kernel and {simulatorOutcomes.Count} on the simulator, " +
            $"{kernelOutcomes.Count - differences.Count} with the same outcome on both",
            differences);
    }

    private static void Report(List<CaseOutcome> outcomes, string summary, List<string>? differences = null)
    {
        var failures = outcomes.Where(o => o.Failure is not null).Select(o => o.Failure!).ToList();
        failures.AddRange((differences ?? []).Select(d => "backends differ: " + d));
        TestContext.Current.SendDiagnosticMessage(failures.Count == 0 ? summary : $"{summary}; {failures.Count} failed");
        if (failures.Count > 0)
        {
            Assert.Fail($"{failures.Count} of {outcomes.Count} bad-input cases failed:\n" + string.Join("\n", failures));
        }
    }
}
