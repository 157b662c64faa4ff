using BpfMaps.Conformance;
using BpfMaps.Kernel;

namespace BpfMaps.Testing;

/// <summary>
/// The running kernel as the kernel-only tests judge it: the profile of its release (never probed from the behaviour
/// under test), and whether it answers the new way of a <see cref="KernelChange"/>.
/// </summary>
public static class RunningKernel
{
    private static readonly Lazy<LinuxKernelVersion> LazyProfile = new(() =>
    {
        var release = KernelRelease.Read();
        return LinuxKernelVersion.ProfileFor(LinuxKernelVersion.Parse(release))
            ?? throw new InvalidOperationException($"The running kernel {release} is older than every profile of the matrix.");
    });

    /// <summary>The profile the running kernel is judged against (<see cref="LinuxKernelVersion.ProfileFor"/>).</summary>
    public static LinuxKernelVersion Profile => LazyProfile.Value;

    /// <summary>Whether the running kernel answers the new way of <paramref name="change"/>.</summary>
    public static bool Since(KernelChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.AppliesTo(Profile);
    }
}
