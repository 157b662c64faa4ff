using BpfMaps.Conformance;
using BpfMaps.Kernel;

namespace BpfMaps.Testing;

/// <summary>
/// A bpffs mounted by <see cref="BpfFileSystemMount"/> in a fresh <see cref="TemporaryBpfFileSystem"/>, with an
/// ordinary folder beside it; disposing it unmounts the bpffs, which drops its pins, and deletes both folders.
/// </summary>
public sealed class KernelBpfFileSystem : IBpfFileSystemFixture
{
    private readonly TemporaryBpfFileSystem _fileSystem = new(Mount);

    /// <summary>Mounts a bpffs in a new temporary folder.</summary>
    /// <exception cref="ConformanceCapabilityException">mount(2) failed (it needs CAP_SYS_ADMIN).</exception>
    public KernelBpfFileSystem()
    {
    }

    /// <inheritdoc />
    public string BpfDirectory => _fileSystem.BpfDirectory;

    /// <inheritdoc />
    public string OtherDirectory => _fileSystem.OtherDirectory;

    /// <summary>Mounts a bpffs on <paramref name="directory"/>; a refusal is a missing capability of the host.</summary>
    /// <exception cref="ConformanceCapabilityException">mount(2) failed.</exception>
    public static IDisposable Mount(string directory) =>
        BpfFileSystemMount.TryMount(directory, out var mount) is var errno && errno == Errno.None
            ? mount!
            : throw new ConformanceCapabilityException($"mounting a bpffs at {directory} failed: mount(2) answered {errno}");

    /// <inheritdoc />
    public void Dispose() => _fileSystem.Dispose();
}
