using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.PropertyTests;

/// <summary>
/// Runs FsCheck properties with a seed that is printed on failure and can be replayed: set
/// <c>BPFMAPS_PROPERTY_SEED</c> to the printed value. <c>BPFMAPS_PROPERTY_TESTS</c> raises the number of cases.
/// </summary>
internal static class PropertyRunner
{
    public const string SeedVariable = "BPFMAPS_PROPERTY_SEED";
    public const string TestsVariable = "BPFMAPS_PROPERTY_TESTS";

    public static void Check<T>(Gen<T> generator, Action<T> body, int tests = 100)
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text
            ? ulong.Parse(text, CultureInfo.InvariantCulture)
            : (ulong)System.Random.Shared.NextInt64();
        if (Environment.GetEnvironmentVariable(TestsVariable) is { Length: > 0 } count)
        {
            tests = int.Parse(count, CultureInfo.InvariantCulture);
        }

        var config = Config.QuickThrowOnFailure
            .WithMaxTest(tests)
            .WithQuietOnSuccess(true)
            .WithReplay(new Replay(new Rnd(seed, Gamma), null));
        try
        {
            FsCheck.Check.One(config, Prop.ForAll(generator.ToArbitrary(), (T input) => body(input)));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException || ex.Message.Contains("Falsifiable", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Property failed; replay with {SeedVariable}={seed}.{Environment.NewLine}{ex.Message}", ex);
        }
    }

    // A fixed odd gamma: the seed alone identifies a run.
    private const ulong Gamma = 0x9E3779B97F4A7C15;
}
