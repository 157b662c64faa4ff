using System.Diagnostics;
using BpfMaps.Conformance;

namespace BpfMaps.Cli.Conformance;

/// <summary>The catalog (or the part a filter selects) on a set of backends, and what it found.</summary>
internal sealed class ConformanceRun
{
    private ConformanceRun(IReadOnlyList<ConformanceCase> cases, IReadOnlyList<BackendRun> backends, string? kernelSkipped)
    {
        Cases = cases;
        Backends = backends;
        KernelSkipped = kernelSkipped;
    }

    /// <summary>The cases that ran, in catalog order.</summary>
    public IReadOnlyList<ConformanceCase> Cases { get; }

    /// <summary>Each backend's results, in column order.</summary>
    public IReadOnlyList<BackendRun> Backends { get; }

    /// <summary>Why the kernel column is missing, or null when it ran or was not asked for.</summary>
    public string? KernelSkipped { get; }

    /// <summary>The areas of the cases, in catalog order.</summary>
    public IReadOnlyList<string> Areas => [.. Cases.Select(c => c.Area).Distinct(StringComparer.Ordinal)];

    /// <summary>Every failure on every backend.</summary>
    public IEnumerable<CaseResult> Divergences => Backends.SelectMany(b => b.Results).Where(r => r.Outcome == CaseOutcome.Failed);

    /// <summary>Every case skipped for a missing capability.</summary>
    public IEnumerable<CaseResult> Skipped => Backends.SelectMany(b => b.Results).Where(r => r.Outcome == CaseOutcome.Skipped);

    /// <summary>Runs <paramref name="cases"/> on each backend in turn, every case on the calling thread.</summary>
    /// <param name="cases">The cases.</param>
    /// <param name="backends">The backends, in column order.</param>
    /// <param name="kernelSkipped">Why the kernel is not among them, if it was asked for and is unavailable.</param>
    /// <param name="progress">Told after each case: the backend and how many of its cases are done.</param>
    public static ConformanceRun Execute(IReadOnlyList<ConformanceCase> cases, IReadOnlyList<ConformanceBackend> backends,
        string? kernelSkipped, Action<ConformanceBackend, int>? progress = null)
    {
        var runs = new List<BackendRun>();
        foreach (var backend in backends)
        {
            var clock = Stopwatch.StartNew();
            var results = new List<CaseResult>(cases.Count);
            foreach (var c in cases)
            {
                results.Add(backend.Run(c));
                progress?.Invoke(backend, results.Count);
            }

            runs.Add(new BackendRun(backend, results, clock.Elapsed));
        }

        return new ConformanceRun(cases, runs, kernelSkipped);
    }
}

/// <summary>The results of one backend.</summary>
internal sealed record BackendRun(ConformanceBackend Backend, IReadOnlyList<CaseResult> Results, TimeSpan Elapsed)
{
    /// <summary>Counts of the results of <paramref name="area"/>, or of all results when it is null.</summary>
    public Tally Count(string? area = null)
    {
        var selected = area is null ? Results : Results.Where(r => r.Case.Area == area);
        int passed = 0, failed = 0, skipped = 0;
        foreach (var r in selected)
        {
            switch (r.Outcome)
            {
                case CaseOutcome.Passed: passed++; break;
                case CaseOutcome.Failed: failed++; break;
                default: skipped++; break;
            }
        }

        return new Tally(passed, failed, skipped);
    }
}

/// <summary>Passed, failed and skipped cases.</summary>
internal readonly record struct Tally(int Passed, int Failed, int Skipped)
{
    /// <summary>All of them.</summary>
    public int Total => Passed + Failed + Skipped;
}
