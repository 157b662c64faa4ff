using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace BpfMaps.Benchmarks;

/// <summary>
/// <c>--profile Class.Method [Name=Value,...] [seconds]</c>: runs one benchmark in a plain loop, for a profiler to
/// attach to (<c>DOTNET_PerfMapEnabled=1 perf record -g</c>), and prints its time and allocations per call.
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
        var instance = Activator.CreateInstance(type)!;
        var chosen = settings.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=')).ToDictionary(p => p[0], p => p[1]);
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
        {
            var values = property.GetCustomAttribute<ParamsAttribute>()!.Values;
            var value = chosen.TryGetValue(property.Name, out var text)
                ? values.Single(v => string.Equals(v?.ToString(), text, StringComparison.Ordinal))
                : values[0];
            property.SetValue(instance, value);
            Console.WriteLine($"{property.Name} = {value}");
        }

        Invoke<GlobalSetupAttribute>(type, instance);
        var method = type.GetMethod(name[1]) ?? throw new ArgumentException($"{name[0]} has no method {name[1]}.");
        var call = Expression.Lambda<Action>(Expression.Call(Expression.Constant(instance), method)).Compile();
        long calls = 0;
        var clock = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                call();
            }

            calls += 1000;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{type.Name}.{method.Name}: {calls} calls, {clock.Elapsed.TotalNanoseconds / calls:0.0} ns and {(double)allocated / calls:0.#} B per call"));
        Invoke<GlobalCleanupAttribute>(type, instance);
        return 0;
    }

    private static void Invoke<TAttribute>(Type type, object instance)
        where TAttribute : Attribute =>
        type.GetMethods().SingleOrDefault(m => m.GetCustomAttribute<TAttribute>() is not null)?.Invoke(instance, null);
}
