using System.Globalization;
using BpfMaps.Conformance;
using BpfMaps.Kernel;
using BpfMaps.Simulated;

namespace BpfMaps.Cli.Conformance;

/// <summary>
/// A backend the catalog runs on, as a column of the matrix: how to get the backend for a case, and the host
/// capabilities (CPU pinning, a bpffs per case) it gives the cases.
/// </summary>
internal sealed class ConformanceBackend
{
    private readonly Func<(IBpfMapBackend Backend, ConformanceEnvironment Environment)> _forCase;

    /// <summary>
    /// A backend column: <paramref name="forCase"/> gives the backend and environment each case runs with, and
    /// <paramref name="profile"/> is the kernel profile the cases judge it against.
    /// </summary>
    public ConformanceBackend(string name, string title, LinuxKernelVersion? profile, Func<(IBpfMapBackend, ConformanceEnvironment)> forCase)
    {
        Name = name;
        Title = title;
        Profile = profile;
        _forCase = forCase;
    }

    /// <summary>The kernel profile the cases judge this backend against; null for a kernel older than every profile.</summary>
    public LinuxKernelVersion? Profile { get; }

    /// <summary>The short name (<c>simulated</c>, <c>kernel</c>), used in JSON and by <c>--backend</c>.</summary>
    public string Name { get; }

    /// <summary>The column heading.</summary>
    public string Title { get; }

    /// <summary>
    /// A fresh simulator of <paramref name="kernel"/> for every case (as the test host makes one per case), with
    /// <paramref name="cpus"/> possible CPUs; its own CPU choice pins threads, and each case gets a simulated bpffs over
    /// a temporary folder.
    /// </summary>
    public static ConformanceBackend Simulated(int cpus, SimulatedKernelVersion kernel) => new(
        "simulated",
        string.Create(CultureInfo.InvariantCulture, $"simulated (Linux {kernel.ToLinuxVersion()} profile, {cpus} CPUs)"),
        kernel.ToLinuxVersion(),
        () =>
        {
            var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = cpus, KernelVersion = kernel });
            return (backend, ConformanceEnvironment.Create(backend.RunOnCpu, directory =>
            {
                backend.MountBpfFileSystem(directory);
                return new SimulatedUnmount(backend, directory);
            }));
        });

    /// <summary>
    /// The real bpf(2) backend: threads are pinned with sched_setaffinity, and each case that pins maps gets a bpffs
    /// mounted in a temporary folder.
    /// </summary>
    public static ConformanceBackend Kernel()
    {
        var backend = new KernelBpfMapBackend();
        var environment = ConformanceEnvironment.Create(CpuAffinity.PinCurrentThread, MountKernelBpfFileSystem);
        var profile = LinuxKernelVersion.ProfileFor(backend.KernelVersion);
        var judged = profile switch
        {
            null => "older than every profile",
            { } p when p == backend.KernelVersion => $"its {p} profile",
            { } p => $"no profile of its own: judged as {p}",
        };
        return new ConformanceBackend(
            "kernel",
            string.Create(CultureInfo.InvariantCulture, $"kernel ({backend.Release}, {judged}, {backend.PossibleCpuCount} CPUs)"),
            profile,
            () => (backend, environment));
    }

    /// <summary>Runs <paramref name="conformanceCase"/> on this backend and says how it went.</summary>
    public CaseResult Run(ConformanceCase conformanceCase)
    {
        try
        {
            var (backend, environment) = _forCase();
            conformanceCase.Run(backend, environment);
            return new CaseResult(conformanceCase, this, CaseOutcome.Passed, null);
        }
        catch (ConformanceFailureException ex)
        {
            return new CaseResult(conformanceCase, this, CaseOutcome.Failed, ex.Message);
        }
        catch (ConformanceCapabilityException ex)
        {
            return new CaseResult(conformanceCase, this, CaseOutcome.Skipped, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A backend that throws where the kernel answers is a divergence too; the whole exception is kept.
            return new CaseResult(conformanceCase, this, CaseOutcome.Failed, $"threw {ex}");
        }
    }

    private static IDisposable MountKernelBpfFileSystem(string directory) =>
        BpfFileSystemMount.TryMount(directory, out var mount) is var errno && errno == Errno.None
            ? mount!
            : throw new ConformanceCapabilityException($"mounting a bpffs at {directory} failed: mount(2) answered {BpfErrorMessages.ErrnoCode(errno)}");

    private sealed class SimulatedUnmount(SimulatedBpfMapBackend backend, string directory) : IDisposable
    {
        public void Dispose() => backend.UnmountBpfFileSystem(directory);
    }
}

/// <summary>How a case went on one backend.</summary>
internal enum CaseOutcome
{
    /// <summary>Every check held.</summary>
    Passed,

    /// <summary>A check failed, or the backend threw: a divergence.</summary>
    Failed,

    /// <summary>The host lacked a capability the case needs.</summary>
    Skipped,
}

/// <summary>One case on one backend.</summary>
internal sealed record CaseResult(ConformanceCase Case, ConformanceBackend Backend, CaseOutcome Outcome, string? Message);
