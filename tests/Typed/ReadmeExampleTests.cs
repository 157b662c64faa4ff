using System.Runtime.CompilerServices;
using BpfMaps.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Typed.Tests;

/// <summary>The README's usage example compiles and runs here, and the README shows exactly this code.</summary>
public sealed class ReadmeExampleTests
{
    private const string Begin = "// README example begin";
    private const string End = "// README example end";

    [Fact]
    public void TheExampleRuns()
    {
        // README example begin
        using var services = new ServiceCollection().AddBpfMaps(o => o.Backend = BpfBackendKind.KernelWhenAvailable).BuildServiceProvider();
        using var hits = new BpfHashMap<ushort, ulong>(services.GetRequiredService<IBpfMapBackend>(), maxEntries: 1024, name: "hits");
        hits.Update(443, hits.TryLookup(443, out var seen) ? seen + 1 : 1);
        using var reader = hits.Read();
        foreach (var (port, count) in reader) Console.WriteLine($"port {port}: {count}");
        // README example end

        Assert.Equal(1UL, hits.Lookup(443));
        Assert.Equal(BpfIterationStatus.Completed, reader.Status);
    }

    [Fact]
    public void TheReadmeShowsTheExampleAsItIsHere()
    {
        var lines = File.ReadAllLines(ThisFile());
        var first = Array.FindIndex(lines, l => l.Trim() == Begin) + 1;
        var last = Array.FindIndex(lines, l => l.Trim() == End);
        var example = lines[first..last].Select(l => l.Trim()).ToArray();
        Assert.Equal(5, example.Length);

        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "README.md"));
        var block = "```csharp\n" + string.Join("\n", example) + "\n```";
        Assert.Contains(block, readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
