using BpfMaps.Kernel;

namespace BpfMaps.Cli.Tests;

/// <summary>
/// Without CAP_BPF (or root) the commands that need bpf(2) exit with 3 and say that CAP_BPF (or root) is needed. As
/// root these tests skip; the unprivileged pass of .ci/run runs them.
/// </summary>
public sealed class UnprivilegedTests
{
    [Theory]
    [InlineData("map", "list")]
    [InlineData("map", "show", "id", "1")]
    [InlineData("map", "dump", "pinned", "/sys/fs/bpf/bpfmaps-unprivileged")]
    [InlineData("conformance", "--backend", "kernel", "--filter", "lookup/hash/")]
    [InlineData("fuzz", "--ops", "10")]
    public void CommandsThatNeedBpfSayCapBpfIsNeededAndExitWith3(params string[] args)
    {
        SkipUnlessUnprivileged();
        var run = Tool.Run(args);
        Assert.True(run.ExitCode == ExitCodes.KernelUnavailable, run.ToString());
        Assert.Contains("needs the kernel backend", run.Error, StringComparison.Ordinal);
        Assert.Contains("BPF_MAP_CREATE", run.Error, StringComparison.Ordinal);
        Assert.Contains("not permitted: creating BPF maps needs CAP_BPF (or root) (EPERM, errno 1)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultConformanceRunSaysWhyTheKernelColumnIsMissing()
    {
        SkipUnlessUnprivileged();
        var run = Tool.Run("conformance", "--filter", "lookup/hash/");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("kernel: not run.", run.Output, StringComparison.Ordinal);
        Assert.Contains("CAP_BPF (or root)", run.Output, StringComparison.Ordinal);
    }

    private static void SkipUnlessUnprivileged()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("bpf(2) is a Linux syscall.");
        }

        var errno = new KernelBpfMapBackend().CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map);
        map?.Dispose();
        if (errno == Errno.None)
        {
            Assert.Skip("This process can use bpf(2) (root or CAP_BPF); the unprivileged pass of .ci/run runs this test.");
        }

        if (errno != Errno.EPERM)
        {
            Assert.Skip($"bpf(2) answered {errno} here, not the EPERM of a process without CAP_BPF.");
        }
    }
}
