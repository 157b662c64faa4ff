using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.Lockstep;

/// <summary>How much a lockstep run checks, and from which seed.</summary>
public sealed class LockstepOptions
{
    /// <summary>The seed of the whole run: the same seed generates the same scenarios.</summary>
    public ulong Seed { get; init; }

    /// <summary>The run continues, round after round, until this many operations were checked.</summary>
    public long OperationBudget { get; init; } = 4_000;

    /// <summary>The longest generated sequence (steps after the create).</summary>
    public int MaxOperationsPerScenario { get; init; } = 160;

    /// <summary>Scenarios per FsCheck round; each round has its own seed, derived from <see cref="Seed"/>.</summary>
    public int ScenariosPerRound { get; init; } = 20;
}

/// <summary>What a lockstep run checked, and the failure it found, if any.</summary>
public sealed class LockstepReport
{
    internal LockstepReport(MapFamily family, ulong seed, long scenarios, long operations, long syscalls, TimeSpan elapsed, LockstepFailure? failure)
    {
        Family = family;
        Seed = seed;
        Scenarios = scenarios;
        Operations = operations;
        Syscalls = syscalls;
        Elapsed = elapsed;
        Failure = failure;
    }

    /// <summary>The family of maps generated.</summary>
    public MapFamily Family { get; }

    /// <summary>The seed of the run.</summary>
    public ulong Seed { get; }

    /// <summary>Scenarios run before any shrinking.</summary>
    public long Scenarios { get; }

    /// <summary>Operations checked on both backends before any shrinking.</summary>
    public long Operations { get; }

    /// <summary>Calls made to the reference backend for them.</summary>
    public long Syscalls { get; }

    /// <summary>Wall time, shrinking included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The divergence found, shrunk, or null.</summary>
    public LockstepFailure? Failure { get; }

    /// <summary>One line: family, operations, syscalls, scenarios, time, seed.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"lockstep {Family.Name}: {Operations} operations ({Syscalls} syscalls) in {Scenarios} scenarios, {Elapsed.TotalSeconds:0.0} s, seed {Seed}{(Failure is null ? "" : ", DIVERGED")}");
}

/// <summary>A divergence, shrunk to a minimal sequence.</summary>
public sealed class LockstepFailure
{
    internal LockstepFailure(ulong seed, int round, LockstepRun original, LockstepRun shrunk, int shrinks, bool reproduced)
    {
        Seed = seed;
        Round = round;
        Original = original;
        Shrunk = shrunk;
        Shrinks = shrinks;
        Reproduced = reproduced;
    }

    /// <summary>The seed of the run that found it.</summary>
    public ulong Seed { get; }

    /// <summary>The FsCheck round that found it.</summary>
    public int Round { get; }

    /// <summary>The scenario as first found.</summary>
    public LockstepRun Original { get; }

    /// <summary>The smallest failing scenario shrinking reached.</summary>
    public LockstepRun Shrunk { get; }

    /// <summary>Successful shrink steps.</summary>
    public int Shrinks { get; }

    /// <summary>
    /// Whether the shrunk scenario diverged again when run once more. When it did not, the reference itself is not
    /// deterministic there (an LRU run that was not pinned to one CPU, for instance, §12.1).
    /// </summary>
    public bool Reproduced { get; }

    /// <summary>The shrunk sequence as numbered steps, with the seed and how to replay it.</summary>
    public string Format(string seedVariable)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Lockstep divergence between {Shrunk.ReferenceName} and {Shrunk.CandidateName}, shrunk from {Original.Scenario.Operations.Count + 1} to {Shrunk.Scenario.Operations.Count + 1} steps in {Shrinks} shrinks (seed {Seed}, round {Round}).");
        text.AppendLine().Append(Shrunk.Format());
        if (!Reproduced)
        {
            text.AppendLine().Append("The shrunk sequence agreed when run again: the divergence is not deterministic.");
        }

        text.AppendLine().Append(CultureInfo.InvariantCulture, $"Replay: {seedVariable}={Seed}");
        return text.ToString();
    }
}

/// <summary>A step on which the two backends differ; the message lists the run.</summary>
public sealed class LockstepDivergenceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LockstepDivergenceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LockstepDivergenceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LockstepDivergenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The lockstep property: FsCheck generates scenarios of a map family, the runner applies each to both backends,
/// and the first divergence is shrunk to a minimal sequence. Rounds of <see cref="LockstepOptions.ScenariosPerRound"/>
/// scenarios run until the operation budget is spent; round <c>r</c> replays from a seed derived from the run's seed
/// and <c>r</c>, so the run's seed alone replays everything.
/// </summary>
public static class LockstepFuzzer
{
    // A fixed odd gamma: the seed alone identifies a run.
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>Runs the property on <paramref name="family"/> until the budget is spent or a divergence is found.</summary>
    public static LockstepReport Run(LockstepRunner runner, MapFamily family, LockstepOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var arbitrary = ScenarioGenerator.Arbitrary(family, runner.PossibleCpuCount, options.MaxOperationsPerScenario, runner.Capabilities);
        long operations = 0, syscalls = 0, scenarios = 0;
        for (var round = 0; operations < options.OperationBudget; round++)
        {
            LockstepRun? original = null, shrunk = null;
            var shrinks = 0;
            var config = Config.QuickThrowOnFailure
                .WithMaxTest(options.ScenariosPerRound)
                .WithQuietOnSuccess(true)
                .WithReplay(new Replay(new Rnd(RoundSeed(options.Seed, round), Gamma), null));
            var property = Prop.ForAll(arbitrary, (LockstepScenario scenario) =>
            {
                var run = runner.Run(scenario);
                if (original is null)
                {
                    operations += run.Operations;
                    syscalls += run.Syscalls;
                    scenarios++;
                }

                if (run.Divergence is not null)
                {
                    if (original is null)
                    {
                        original = run;
                    }
                    else
                    {
                        shrinks++;
                    }

                    // FsCheck shrinks greedily: the last failing run it tries is the shrunk one.
                    shrunk = run;
                    throw new LockstepDivergenceException(run.Format());
                }
            });
            try
            {
                Check.One(config, property);
            }
            catch (Exception) when (shrunk is not null)
            {
                var reproduced = runner.Run(shrunk.Scenario).Divergence is not null;
                var failure = new LockstepFailure(options.Seed, round, original!, shrunk, shrinks, reproduced);
                return new LockstepReport(family, options.Seed, scenarios, operations, syscalls, clock.Elapsed, failure);
            }
        }

        return new LockstepReport(family, options.Seed, scenarios, operations, syscalls, clock.Elapsed, null);
    }

    // splitmix64 of the run's seed and the round.
    private static ulong RoundSeed(ulong seed, int round)
    {
        var z = unchecked(seed + ((ulong)(round + 1) * Gamma));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
