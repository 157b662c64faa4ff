namespace BpfMaps.Simulated;

/// <summary>
/// The kernels whose observable behaviour the simulator reproduces: one per profile of the kernel matrix
/// (<see cref="LinuxKernelVersion.Profiles"/>). Where they differ, the simulator answers as the chosen one does; every
/// difference is listed in docs/kernels.md with the kernel version it came in.
/// </summary>
/// <remarks>The numbers are <c>major × 100 + minor</c>, so that a later kernel has a larger value.</remarks>
public enum SimulatedKernelVersion
{
    /// <summary>Linux 5.10 (verified on Debian 11's 5.10.223).</summary>
    Linux5_10 = 510,

    /// <summary>Linux 6.1 (verified on Debian 12's 6.1.176).</summary>
    Linux6_1 = 601,

    /// <summary>Linux 6.12 (verified on Debian 13's 6.12.117).</summary>
    Linux6_12 = 612,

    /// <summary>Linux 6.18, the kernel the reference was verified on (verified on 6.18.44).</summary>
    Linux6_18 = 618,

    /// <summary>Linux 7.2 (verified on Debian's 7.2.13).</summary>
    Linux7_2 = 702,
}

/// <summary>Conversions between <see cref="SimulatedKernelVersion"/> and <see cref="LinuxKernelVersion"/>.</summary>
public static class SimulatedKernelVersions
{
    /// <summary>Every modelled kernel, oldest first.</summary>
    public static IReadOnlyList<SimulatedKernelVersion> All { get; } = Enum.GetValues<SimulatedKernelVersion>();

    /// <summary>The Linux version <paramref name="kernel"/> stands for.</summary>
    public static LinuxKernelVersion ToLinuxVersion(this SimulatedKernelVersion kernel) => new((int)kernel / 100, (int)kernel % 100);

    /// <summary>
    /// The modelled kernel a real kernel of <paramref name="version"/> answers like: its profile, or the nearest older
    /// one (<see cref="LinuxKernelVersion.ProfileFor"/>); null for a kernel older than every profile.
    /// </summary>
    public static SimulatedKernelVersion? For(LinuxKernelVersion version) =>
        LinuxKernelVersion.ProfileFor(version) is { } profile ? Encode(profile) : null;

    /// <summary>Reads <c>5.10</c>, <c>6.1</c>, <c>6.12</c>, <c>6.18</c> or <c>7.2</c> (or a release starting with one).</summary>
    public static bool TryParse(string? text, out SimulatedKernelVersion kernel)
    {
        kernel = LinuxKernelVersion.TryParse(text, out var version) ? Encode(version) : default;
        return Enum.IsDefined(kernel);
    }

    private static SimulatedKernelVersion Encode(LinuxKernelVersion version) => (SimulatedKernelVersion)(version.Major * 100 + version.Minor);
}
