using System.Runtime.CompilerServices;

namespace BpfMaps.Conformance.Tests;

/// <summary>The catalog's list of kernel differences is well formed and written down in docs/kernels.md.</summary>
public sealed class KernelChangeTests
{
    [Fact]
    public void EveryChangeHasItsOwnNameAndNamesProfilesOfTheMatrix()
    {
        Assert.Equal(KernelChanges.All.Count, KernelChanges.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(KernelChanges.All, change =>
        {
            Assert.Contains(change.Since, LinuxKernelVersion.Profiles);
            Assert.True(change.Until is not { } until || (LinuxKernelVersion.Profiles.Contains(until) && until > change.Since), change.Name);
            Assert.All(change.BuildsDiffer, profile => Assert.True(change.AppliesTo(profile), $"{change.Name}: builds of {profile} differ, but it is not new there"));
            Assert.False(change.AppliesTo(LinuxKernelVersion.Profiles[0]), $"{change.Name}: the oldest profile answers the old way");
        });
    }

    [Fact]
    public void EveryChangeIsInDocsKernels()
    {
        var docs = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "docs", "kernels.md"));
        Assert.All(KernelChanges.All, change => Assert.Contains($"`{change.Name}`", docs, StringComparison.Ordinal));
    }

    [Fact]
    public void AKernelIsJudgedAgainstItsProfileOrTheNearestOlderOne()
    {
        Assert.Equal(new LinuxKernelVersion(6, 1), LinuxKernelVersion.ProfileFor(new(6, 8)));
        Assert.Equal(new LinuxKernelVersion(6, 12), LinuxKernelVersion.ProfileFor(new(6, 12)));
        Assert.Equal(new LinuxKernelVersion(7, 2), LinuxKernelVersion.ProfileFor(new(8, 0)));
        Assert.Null(LinuxKernelVersion.ProfileFor(new(4, 19)));
        Assert.Equal(new LinuxKernelVersion(6, 18), LinuxKernelVersion.Parse("6.18.44-fc-v1045"));
        Assert.Equal(new LinuxKernelVersion(6, 1), LinuxKernelVersion.Parse("6.1.0-50-amd64"));
        Assert.False(LinuxKernelVersion.TryParse("linux", out _));
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
