namespace BpfMaps.Kernel.Tests;

public sealed class PossibleCpusTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,5,7-8", 7)]
    [InlineData("0-127", 128)]
    public void CountsTheKernelsCpuList(string list, int expected) => Assert.Equal(expected, PossibleCpus.Count(list));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("0-1-2")]
    public void RejectsWhatIsNotACpuList(string list) => Assert.Throws<FormatException>(() => PossibleCpus.Count(list));

    [Fact]
    public void TheBackendSizesPerCpuValuesFromSysfs()
    {
        if (!File.Exists(PossibleCpus.SysfsPath))
        {
            Assert.Skip("Not Linux: no possible-CPU list.");
        }

        Assert.Equal(PossibleCpus.Count(File.ReadAllText(PossibleCpus.SysfsPath)), new KernelBpfMapBackend().PossibleCpuCount);
    }
}
