using System.Text.Json;
using BpfMaps.Cli.Conformance;
using BpfMaps.Conformance;
using BpfMaps.Simulated;

namespace BpfMaps.Cli.Tests;

/// <summary><c>bpfmaps conformance</c>: the catalog's own cases on the simulator (and the kernel where it can run), the matrix, JSON, exit codes.</summary>
public sealed class ConformanceCommandTests
{
    private const string Filter = "freeze/";

    private static List<ConformanceCase> Selected(string filter) =>
        [.. ConformanceCatalog.Cases.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))];

    [Fact]
    public void TheSimulatorMatrixCountsEveryAreaOfTheSelectedCases()
    {
        var run = Tool.Run("conformance", "--backend", "simulated", "--filter", Filter);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var cases = Selected(Filter);
        Assert.NotEmpty(cases);
        Assert.Contains($"{cases.Count} cases whose name contains '{Filter}'", run.Output, StringComparison.Ordinal);
        Assert.Contains("simulated (Linux 6.18 profile, 3 CPUs)", run.Output, StringComparison.Ordinal);
        foreach (var area in cases.GroupBy(c => c.Area))
        {
            Assert.Matches($@"│ {area.Key} +│ +{area.Count()}/{area.Count()} │", run.Output);
        }

        Assert.Contains("No divergences", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kernel (", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kernel: not run", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonListsTheBackendsTheAreasAndNoDivergence()
    {
        var run = Tool.Run("conformance", "--backend", "simulated", "--filter", "lookup/hash", "--json", "--simulator-cpus", "5");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var json = run.Json();
        var cases = Selected("lookup/hash");
        Assert.Equal(cases.Count, json.GetProperty("cases").GetInt32());
        Assert.Equal("lookup/hash", json.GetProperty("filter").GetString());
        var backend = Assert.Single(json.GetProperty("backends").EnumerateArray());
        Assert.Equal("simulated", backend.GetProperty("name").GetString());
        Assert.Equal("simulated (Linux 6.18 profile, 5 CPUs)", backend.GetProperty("title").GetString());
        Assert.True(backend.GetProperty("ran").GetBoolean());
        Assert.Equal(cases.Count, backend.GetProperty("passed").GetInt32());
        Assert.Equal(0, backend.GetProperty("failed").GetInt32());
        var areas = json.GetProperty("areas").EnumerateArray().ToList();
        Assert.Equal(cases.Select(c => c.Area).Distinct(), areas.Select(a => a.GetProperty("area").GetString()));
        Assert.Equal(cases.Count, areas.Sum(a => a.GetProperty("simulated").GetProperty("total").GetInt32()));
        Assert.Empty(json.GetProperty("divergences").EnumerateArray());
        Assert.Empty(json.GetProperty("skipped").EnumerateArray());
    }

    [Fact]
    public void BothBackendsRunTheKernelWhereItCanOrSayWhyNot()
    {
        var run = Tool.Run("conformance", "--filter", Filter, "--json");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var backends = run.Json().GetProperty("backends").EnumerateArray().ToList();
        Assert.Equal(["simulated", "kernel"], backends.Select(b => b.GetProperty("name").GetString()));
        var kernel = backends[1];
        if (KernelProbe.IsAvailable)
        {
            Assert.True(kernel.GetProperty("ran").GetBoolean());
            Assert.Equal(Selected(Filter).Count, kernel.GetProperty("passed").GetInt32());
        }
        else
        {
            Assert.False(kernel.GetProperty("ran").GetBoolean());
            Assert.Equal(KernelProbe.Reason, kernel.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public void WithoutTheKernelTheMatrixSaysItRanOnTheSimulatorOnly()
    {
        var run = Tool.Run("conformance", "--filter", Filter);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        if (KernelProbe.IsAvailable)
        {
            Assert.Contains("kernel (", run.Output, StringComparison.Ordinal);
            Assert.Contains("every case passed on simulated and kernel", run.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"kernel: not run. {KernelProbe.Reason}. The catalog ran on the simulator only", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AskingForTheKernelAloneWhereItCannotRunExitsWith3()
    {
        var run = Tool.Run("conformance", "--backend", "kernel", "--filter", Filter);
        if (KernelProbe.IsAvailable)
        {
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            Assert.DoesNotContain("simulated", run.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ExitCodes.KernelUnavailable, run.ExitCode);
            Assert.Contains(KernelProbe.Reason, run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AFilterMatchingNothingIsAUsageError()
    {
        var run = Tool.Run("conformance", "--filter", "no-such-case-anywhere");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("no case name contains 'no-such-case-anywhere'", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void AnUnknownBackendIsAUsageError()
    {
        var run = Tool.Run("conformance", "--backend", "qemu");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("qemu", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDivergenceIsPrintedAndTheExitCodeIs1()
    {
        // A simulator whose creates all fail (steering): every case that creates a map diverges.
        var cases = Selected(Filter);
        var faulty = new ConformanceBackend("faulty", "faulty simulator", LinuxKernelVersion.Profiles[^1], () =>
        {
            var backend = new SimulatedBpfMapBackend();
            backend.InjectFault(BpfMapCommand.CreateMap, Errno.ENOMEM, times: 1000);
            return (backend, ConformanceEnvironment.None);
        });
        var run = ConformanceRun.Execute(cases, [ConformanceBackend.Simulated(3, SimulatedKernelVersion.Linux6_18), faulty], kernelSkipped: "test");

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.Divergence, ConformanceCommand.Report(ToolConsole.Plain(output, error), run, Filter, json: false));
        var text = output.ToString();
        var failed = run.Divergences.ToList();
        Assert.Equal(cases.Count, failed.Count);
        Assert.Contains($"{failed.Count} divergences:", text, StringComparison.Ordinal);
        foreach (var d in failed)
        {
            Assert.Equal("faulty", d.Backend.Name);
            Assert.Contains($"  {d.Case.Name} ({d.Case.Section}) on faulty: ", text, StringComparison.Ordinal);
            Assert.Contains("ENOMEM", d.Message, StringComparison.Ordinal);
        }

        using var jsonOutput = new StringWriter();
        Assert.Equal(ExitCodes.Divergence, ConformanceCommand.Report(ToolConsole.Plain(jsonOutput, error), run, Filter, json: true));
        var json = JsonDocument.Parse(jsonOutput.ToString()).RootElement;
        Assert.Equal(cases.Count, json.GetProperty("divergences").GetArrayLength());
        Assert.All(json.GetProperty("divergences").EnumerateArray(), d => Assert.Equal("faulty", d.GetProperty("backend").GetString()));
    }

    [Fact]
    public void TheSimulatorsKernelProfileIsAnOptionAndTheColumnSaysWhichItIs()
    {
        var run = Tool.Run("conformance", "--backend", "simulated", "--kernel-profile", "5.10", "--filter", "lookup-and-delete/hash/existing-key", "--json");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var simulated = run.Json().GetProperty("backends")[0];
        Assert.Equal("5.10", simulated.GetProperty("profile").GetString());
        Assert.Contains("Linux 5.10 profile", simulated.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, simulated.GetProperty("passed").GetInt32());

        var wrong = Tool.Run("conformance", "--backend", "simulated", "--kernel-profile", "5.15");
        Assert.Equal(ExitCodes.Usage, wrong.ExitCode);
        Assert.Contains("5.10, 6.1, 6.12, 6.18, 7.2", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheToolRunsTheCatalogItselfNotACopy()
    {
        var run = Tool.Run("conformance", "--backend", "simulated", "--filter", "/", "--json");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(ConformanceCatalog.Cases.Count, run.Json().GetProperty("cases").GetInt32());
    }
}
