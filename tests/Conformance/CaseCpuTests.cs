using BpfMaps.Simulated;

namespace BpfMaps.Conformance.Tests;

/// <summary>
/// A case runs on CPU 0 where the host can pin threads, so that an LRU refill on another CPU cannot evict elements of
/// a case that is not about eviction (reference §12.1); cases about migration let the thread go.
/// </summary>
public sealed class CaseCpuTests
{
    [Fact]
    public void ACaseRunsPinnedToCpu0AndIsReleasedWhenItEnds()
    {
        var pinning = new RecordingPinning();
        var seen = new List<string>();
        new ConformanceCase("test/pinning/body", "§12.1", _ => seen.Add(pinning.State)).Run(Backend(), pinning.Environment);

        Assert.Equal(["pinned to 0"], seen);
        Assert.Equal("free", pinning.State);
    }

    [Fact]
    public void ACaseThatLetsItsThreadMigrateRunsTheRestFree()
    {
        var pinning = new RecordingPinning();
        var seen = new List<string>();
        new ConformanceCase("test/pinning/migrating", "§12.1", ctx =>
        {
            ctx.LetThreadMigrate();
            seen.Add(pinning.State);
            using (ctx.PinToCpu(1))
            {
                seen.Add(pinning.State);
            }

            seen.Add(pinning.State);
        }).Run(Backend(), pinning.Environment);

        Assert.Equal(["free", "pinned to 1", "free"], seen);
        Assert.Equal("free", pinning.State);
    }

    [Fact]
    public void TheUnpinnedLruCasesLetTheirThreadMigrate()
    {
        var unpinned = ConformanceCatalog.Cases.Where(c => c.Name.Contains("/unpinned-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(unpinned);
        Assert.All(unpinned, c =>
        {
            var pinning = new RecordingPinning();
            c.Run(Backend(), pinning.Environment);
            Assert.Equal(["pinned to 0", "free"], pinning.History);
        });
    }

    private static SimulatedBpfMapBackend Backend() => new(new SimulatedBpfBackendOptions { PossibleCpuCount = 2 });

    /// <summary>Pinning that records the affinity of the thread: a stack of scopes, as sched_setaffinity restores.</summary>
    private sealed class RecordingPinning : ICpuPinning
    {
        private readonly Stack<int> _cpus = new();

        public ConformanceEnvironment Environment => new() { CpuPinning = this };

        public List<string> History { get; } = [];

        public string State => _cpus.Count == 0 ? "free" : $"pinned to {_cpus.Peek()}";

        public IDisposable PinCurrentThread(int cpu)
        {
            _cpus.Push(cpu);
            History.Add(State);
            return new Scope(this);
        }

        private sealed class Scope(RecordingPinning owner) : IDisposable
        {
            public void Dispose()
            {
                owner._cpus.Pop();
                owner.History.Add(owner.State);
            }
        }
    }
}
