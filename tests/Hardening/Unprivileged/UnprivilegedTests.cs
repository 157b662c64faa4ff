using BpfMaps.Hosting;
using BpfMaps.Kernel;
using BpfMaps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Hardening.Tests.Unprivileged;

/// <summary>
/// A process without CAP_BPF (or root): the kernel answers EPERM to every bpf(2) command, and each layer says that
/// CAP_BPF (or root) is needed. As root these tests skip; the unprivileged pass of .ci/run runs them.
/// </summary>
public sealed class UnprivilegedTests
{
    private static readonly BpfMapSpec Probe = new(BpfMapType.Hash, 4, 8, 16);

    [Fact]
    public void TheKernelBackendSaysCapBpfIsNeeded()
    {
        var kernel = Unprivileged();
        Assert.True(KernelBpfMapBackend.IsAvailable(out var reason) == false, reason);
        Assert.Contains("CAP_BPF", reason, StringComparison.Ordinal);
        Assert.Contains("EPERM", reason, StringComparison.Ordinal);

        // The contract answers the errno; the typed layer throws it with the command, the map and the errno name.
        Assert.Equal(Errno.EPERM, kernel.CreateMap(Probe, out var map));
        Assert.Null(map);
        var created = Assert.Throws<BpfException>(() => new BpfHashMap<uint, ulong>(kernel, 16, name: "probe"));
        Assert.Equal((Errno.EPERM, BpfMapCommand.CreateMap), (created.Errno, created.Command));
        Assert.NotNull(created.Map);
        Assert.Equal(
            "BPF_MAP_CREATE of HASH map \"probe\" (key 4 B, value 8 B, max_entries 16) failed: not permitted: creating BPF maps needs CAP_BPF (or root) (EPERM, errno 1).",
            created.Message);

        // Opening by id needs CAP_SYS_ADMIN. (BPF_OBJ_GET is not a privileged command: the pinned file's mode decides.)
        var byId = Assert.Throws<BpfException>(() => BpfMap.OpenHandleById(kernel, 1));
        Assert.Equal((Errno.EPERM, BpfMapCommand.OpenMapById), (byId.Errno, byId.Command));
        Assert.Contains("CAP_SYS_ADMIN", byId.Message, StringComparison.Ordinal);

        TestContext.Current.SendDiagnosticMessage($"unprivileged: {reason}");
    }

    [Fact]
    public void AddBpfMapsSaysCapBpfIsNeeded()
    {
        Unprivileged();
        // Asked for the kernel, the typed maps fail with the errno and its meaning.
        using (var services = new ServiceCollection().AddBpfMaps(o => o.Backend = BpfBackendKind.Kernel).BuildServiceProvider())
        {
            var backend = services.GetRequiredService<IBpfMapBackend>();
            Assert.IsType<KernelBpfMapBackend>(backend);
            var ex = Assert.Throws<BpfException>(() => new BpfArrayMap<ulong>(backend, 4));
            Assert.Equal(Errno.EPERM, ex.Errno);
            Assert.Contains("CAP_BPF (or root)", ex.Message, StringComparison.Ordinal);
        }

        // Left to choose, it takes the simulator and says why.
        using (var services = new ServiceCollection().AddBpfMaps(o => o.Backend = BpfBackendKind.KernelWhenAvailable).BuildServiceProvider())
        {
            var selection = services.GetRequiredService<BpfBackendSelection>();
            Assert.Equal(BpfBackendKind.Simulated, selection.Backend);
            Assert.Contains("CAP_BPF (or root)", selection.Reason, StringComparison.Ordinal);
            using var map = new BpfHashMap<uint, ulong>(services.GetRequiredService<IBpfMapBackend>(), 4);
            map.Update(1, 2);
            Assert.Equal(2ul, map.Lookup(1));
        }
    }

    [Fact]
    public void KernelLeavesSkipWithTheReason()
    {
        Unprivileged();
        Assert.Null(Environment.GetEnvironmentVariable(KernelAvailability.RequireVariable));
        var skip = Assert.Throws<Xunit.Sdk.SkipException>(KernelAvailability.EnsureOrSkip);
        Assert.Contains("Kernel backend unavailable", skip.Message, StringComparison.Ordinal);
        Assert.Contains("CAP_BPF (or root)", skip.Message, StringComparison.Ordinal);
    }

    // Skips where this process can use bpf(2), and where it cannot for another reason than privilege.
    private static KernelBpfMapBackend Unprivileged()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("bpf(2) is a Linux syscall.");
        }

        var kernel = new KernelBpfMapBackend();
        var errno = kernel.CreateMap(Probe, out var map);
        map?.Dispose();
        if (errno == Errno.None)
        {
            Assert.Skip("This process can use bpf(2) (root or CAP_BPF); the unprivileged pass of .ci/run runs this test.");
        }

        if (errno != Errno.EPERM)
        {
            Assert.Skip($"bpf(2) answered {errno} here, not the EPERM of a process without CAP_BPF.");
        }

        return kernel;
    }
}
