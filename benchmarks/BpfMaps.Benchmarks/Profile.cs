using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace BpfMaps.Benchmarks;

/// <summary>
/// Benchmarks outside BenchmarkDotNet: <c>--profile Class.Method [Name=Value,...] [seconds]</c> runs one in a plain
/// loop, for a profiler to attach to (<c>DOTNET_PerfMapEnabled=1 perf record -g</c>), and prints its time and
/// allocations per call; <see cref="AuditAllocations"/> counts what every benchmark allocates on its own thread.
/// </summary>
internal static class Profile
{
    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--profile");
        var name = args[at + 1].Split('.');
        var settings = args.Skip(at + 2).FirstOrDefault(a => a.Contains('=', StringComparison.Ordinal)) ?? "";
        var seconds = args.Skip(at + 2).Select(a => double.TryParse(a, CultureInfo.InvariantCulture, out var s) ? s : 0).FirstOrDefault(s => s > 0, 5);
        var type = typeof(Profile).Assembly.GetTypes().Single(t => t.Name == name[0]);
        var chosen = settings.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var parameters = ParameterSets(type).FirstOrDefault(set => chosen.All(c => set.Any(p => p.Name == c.Key && p.Value == c.Value)))
            ?? throw new ArgumentException($"{type.Name} has no parameters {settings}.");
        var instance = SetUp(type, parameters);
        Console.WriteLine(string.Join(", ", parameters.Select(p => $"{p.Name}={p.Value}")));
        var method = type.GetMethod(name[1]) ?? throw new ArgumentException($"{name[0]} has no method {name[1]}.");
        var call = Compile(instance, method);
        long calls = 0;
        var clock = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuClock.Instance.GetTimestamp();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                call();
            }

            calls += 1000;
        }

        cpu = ThreadCpuClock.Instance.GetTimestamp() - cpu;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{type.Name}.{method.Name}: {calls} calls, {clock.Elapsed.TotalNanoseconds / calls:0.0} ns ({(double)cpu / calls:0.0} ns of CPU time) and {(double)allocated / calls:0.#} B per call"));
        Invoke<GlobalCleanupAttribute>(type, instance);
        return 0;
    }

    /// <summary>
    /// Bytes each benchmark that <paramref name="needed"/> names allocates per call on its own thread, in steady state
    /// (after warm-up calls), rounded to whole bytes and keyed as "Class.Method Name=Value, ...". BenchmarkDotNet's
    /// column counts every thread of the process, so a benchmark of a few milliseconds also shows what the runtime's
    /// background threads allocate meanwhile; where that column says 0, so would this count.
    /// </summary>
    public static Dictionary<string, double> AuditAllocations(IEnumerable<Type> types, Func<string, bool> needed)
    {
        var result = new Dictionary<string, double>();
        foreach (var type in types)
        {
            foreach (var parameters in ParameterSets(type))
            {
                var keys = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
                    .Select(m => (Method: m, Key: $"{type.Name}.{m.Name} {string.Join(", ", parameters.Select(p => $"{p.Name}={p.Value}"))}".TrimEnd()))
                    .Where(m => needed(m.Key)).ToList();
                if (keys.Count == 0)
                {
                    continue;
                }

                var instance = SetUp(type, parameters);
                foreach (var (method, key) in keys)
                {
                    // Warm-up until tiered compilation has settled, then count.
                    var call = Compile(instance, method);
                    Repeat(call, minCalls: 50, TimeSpan.FromSeconds(0.25));
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var calls = Repeat(call, minCalls: 20, TimeSpan.FromSeconds(0.05));
                    result[key] = Math.Round((double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls);
                }

                Invoke<GlobalCleanupAttribute>(type, instance);
            }
        }

        return result;
    }

    // Calls until both limits are reached; allocates nothing itself.
    private static long Repeat(Action call, int minCalls, TimeSpan atLeast)
    {
        var start = Stopwatch.GetTimestamp();
        long calls = 0;
        while (calls < minCalls || Stopwatch.GetElapsedTime(start) < atLeast)
        {
            call();
            calls++;
        }

        return calls;
    }

    /// <summary>Every combination of the values of the type's [Params] properties.</summary>
    internal static List<List<(string Name, string Value, object? Raw)>> ParameterSets(Type type)
    {
        var sets = new List<List<(string, string, object?)>> { new() };
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
        {
            sets = [.. sets.SelectMany(set => property.GetCustomAttribute<ParamsAttribute>()!.Values
                .Select(v => new List<(string, string, object?)>(set) { (property.Name, Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", v) }))];
        }

        return sets;
    }

    internal static object SetUp(Type type, List<(string Name, string Value, object? Raw)> parameters)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var (name, _, raw) in parameters)
        {
            type.GetProperty(name)!.SetValue(instance, raw);
        }

        Invoke<GlobalSetupAttribute>(type, instance);
        return instance;
    }

    internal static Action Compile(object instance, MethodInfo method) =>
        Expression.Lambda<Action>(Expression.Call(Expression.Constant(instance), method)).Compile();

    internal static void CleanUp(Type type, object instance) => Invoke<GlobalCleanupAttribute>(type, instance);

    private static void Invoke<TAttribute>(Type type, object instance)
        where TAttribute : Attribute =>
        type.GetMethods().SingleOrDefault(m => m.GetCustomAttribute<TAttribute>() is not null)?.Invoke(instance, null);
}
