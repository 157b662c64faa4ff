using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

/// <summary>
/// A BPF file system (<c>mount -t bpf bpf DIR</c>, through mount(2)) mounted by this process; disposing it unmounts
/// it (MNT_DETACH), which drops its pins. Pinning maps (BPF_OBJ_PIN) needs a directory on a bpffs.
/// </summary>
public sealed class BpfFileSystemMount : IDisposable
{
    private int _mounted = 1;

    private BpfFileSystemMount(string directory)
    {
        Directory = directory;
    }

    /// <summary>The directory the bpffs is mounted on.</summary>
    public string Directory { get; }

    /// <summary>
    /// Mounts a bpffs on <paramref name="directory"/>, an existing directory. Returns mount(2)'s errno: EPERM
    /// without CAP_SYS_ADMIN, ENOENT when the directory does not exist.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public static Errno TryMount(string directory, out BpfFileSystemMount? mount)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("A BPF file system needs Linux.");
        }

        var errno = Sys.MountBpfFileSystem(directory);
        mount = errno == Errno.None ? new BpfFileSystemMount(directory) : null;
        return errno;
    }

    /// <summary>Unmounts the bpffs (once).</summary>
    /// <exception cref="InvalidOperationException">umount2 failed; the message has its errno.</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _mounted, 0) == 0)
        {
            return;
        }

        var errno = Sys.Unmount(Directory, Sys.MNT_DETACH);
        if (errno != Errno.None)
        {
            throw new InvalidOperationException($"Unmounting the bpffs at {Directory} failed: umount2 answered {errno}.");
        }
    }
}
