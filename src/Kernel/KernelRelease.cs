namespace BpfMaps.Kernel;

/// <summary>The running kernel's release (<c>uname -r</c>), from procfs.</summary>
public static class KernelRelease
{
    /// <summary>Where the kernel publishes its release.</summary>
    public const string ProcfsPath = "/proc/sys/kernel/osrelease";

    /// <summary>Reads <see cref="ProcfsPath"/>, for example <c>6.1.0-50-amd64</c>.</summary>
    /// <exception cref="PlatformNotSupportedException">The file does not exist (not Linux).</exception>
    public static string Read() =>
        File.Exists(ProcfsPath)
            ? File.ReadAllText(ProcfsPath).Trim()
            : throw new PlatformNotSupportedException($"{ProcfsPath} does not exist: the kernel backend needs Linux.");
}
