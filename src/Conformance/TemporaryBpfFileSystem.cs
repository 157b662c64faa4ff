namespace BpfMaps.Conformance;

/// <summary>
/// A BPF file system for one case: a fresh temporary folder with a <c>bpffs</c> subfolder, on which a backend's
/// mount is made, and an ordinary <c>other</c> subfolder beside it. Disposing it unmounts the bpffs (dropping its
/// pins) and deletes the folder. The one temporary-folder fixture every host uses, whatever mounts the bpffs.
/// </summary>
public sealed class TemporaryBpfFileSystem : IBpfFileSystemFixture
{
    private readonly DirectoryInfo _root;
    private IDisposable? _mount;

    /// <summary>Makes the folders and mounts a bpffs on <see cref="BpfDirectory"/> with <paramref name="mount"/>.</summary>
    /// <param name="mount">
    /// Mounts a bpffs on the directory it is given and returns what unmounts it; throws
    /// <see cref="ConformanceCapabilityException"/> when the host cannot mount one.
    /// </param>
    public TemporaryBpfFileSystem(Func<string, IDisposable> mount)
    {
        ArgumentNullException.ThrowIfNull(mount);
        _root = Directory.CreateTempSubdirectory("bpfmaps-");
        BpfDirectory = _root.CreateSubdirectory("bpffs").FullName;
        OtherDirectory = _root.CreateSubdirectory("other").FullName;
        try
        {
            _mount = mount(BpfDirectory);
        }
        catch
        {
            _root.Delete(recursive: true);
            throw;
        }
    }

    /// <inheritdoc />
    public string BpfDirectory { get; }

    /// <inheritdoc />
    public string OtherDirectory { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _mount, null) is { } mount)
        {
            mount.Dispose();
            _root.Delete(recursive: true);
        }
    }
}
