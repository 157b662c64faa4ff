using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace BpfMaps.Benchmarks;

/// <summary>
/// The kernel backend against the bare syscall, call by call: for every operation with a <c>_Bare</c> and a
/// <c>_Kernel</c> benchmark, the paths take turns (Bare, Kernel, KernelTyped, in a rotating order) and each call is
/// timed on its own; the medians compare them. Separate BenchmarkDotNet runs of a 1 µs syscall differ by several
/// percent with what else the machine does meanwhile, more than the library's own cost; calls taking turns see the
/// same conditions.
/// </summary>
internal static class Interleaved
{
    public static readonly string[] Paths = ["Bare", "Kernel", "KernelTyped"];

    /// <summary>Median ns per call of each path, keyed as "Class.Operation Name=Value" and then by path.</summary>
    public static Dictionary<string, Dictionary<string, double>> Measure(IEnumerable<Type> types, TimeSpan perOperation)
    {
        var result = new Dictionary<string, Dictionary<string, double>>();
        foreach (var type in types)
        {
            var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
            var operations = methods.Where(m => m.Name.EndsWith("_Bare", StringComparison.Ordinal)).Select(m => m.Name[..^5])
                .Where(op => methods.Any(m => m.Name == op + "_Kernel")).ToList();
            if (operations.Count == 0)
            {
                continue;
            }

            foreach (var parameters in Profile.ParameterSets(type))
            {
                var instance = Profile.SetUp(type, parameters);
                foreach (var op in operations)
                {
                    var calls = Paths.Select(path => methods.FirstOrDefault(m => m.Name == $"{op}_{path}"))
                        .Select(m => m is null ? null : Profile.Compile(instance, m)).ToArray();
                    var medians = Run(calls, perOperation);
                    var key = $"{type.Name}.{op} {string.Join(", ", parameters.Select(p => $"{p.Name}={p.Value}"))}".TrimEnd();
                    result[key] = Enumerable.Range(0, Paths.Length).Where(i => calls[i] is not null).ToDictionary(i => Paths[i], i => medians[i]);
                }

                Profile.CleanUp(type, instance);
            }
        }

        return result;
    }

    private static double[] Run(Action?[] calls, TimeSpan duration)
    {
        // Warm-up long enough for tiered compilation to replace every path's first code (a loaded machine delays
        // it), then rounds of one call per path in a rotating order until the time is up.
        var warmup = Stopwatch.GetTimestamp();
        for (var i = 0; i < 500 || Stopwatch.GetElapsedTime(warmup) < TimeSpan.FromSeconds(0.5); i++)
        {
            foreach (var call in calls)
            {
                call?.Invoke();
            }
        }

        var capacity = 1 << 18;
        var samples = calls.Select(_ => new long[capacity]).ToArray();
        var rounds = 0;
        var start = Stopwatch.GetTimestamp();
        while (rounds < capacity && (rounds < 100 || Stopwatch.GetElapsedTime(start) < duration))
        {
            for (var j = 0; j < calls.Length; j++)
            {
                var path = (j + rounds) % calls.Length;
                if (calls[path] is { } call)
                {
                    var before = Stopwatch.GetTimestamp();
                    call();
                    samples[path][rounds] = Stopwatch.GetTimestamp() - before;
                }
            }

            rounds++;
        }

        return [.. samples.Select(s => Median(s.AsSpan(0, rounds)) * 1e9 / Stopwatch.Frequency)];
    }

    private static double Median(Span<long> values)
    {
        values.Sort();
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
    }
}
