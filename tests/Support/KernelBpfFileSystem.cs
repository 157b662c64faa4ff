using System.Runtime.InteropServices;
using BpfMaps.Conformance;

namespace BpfMaps.Testing;

/// <summary>
/// A bpffs mounted (<c>mount -t bpf</c>, through mount(2)) in a fresh temporary folder, with an ordinary folder beside
/// it; disposing it unmounts the bpffs, which drops its pins, and deletes both folders.
/// </summary>
public sealed partial class KernelBpfFileSystem : IBpfFileSystemFixture
{
    private const int MntDetach = 2;

    private readonly DirectoryInfo _root;
    private bool _mounted;

    /// <summary>Mounts a bpffs in a new temporary folder.</summary>
    /// <exception cref="ConformanceCapabilityException">mount(2) failed (it needs CAP_SYS_ADMIN).</exception>
    public KernelBpfFileSystem()
    {
        _root = Directory.CreateTempSubdirectory("bpfmaps-");
        BpfDirectory = _root.CreateSubdirectory("bpffs").FullName;
        OtherDirectory = _root.CreateSubdirectory("other").FullName;
        if (Mount("bpf", BpfDirectory, "bpf", 0, null) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _root.Delete(recursive: true);
            throw new ConformanceCapabilityException($"mounting a bpffs at {BpfDirectory} failed with errno {errno}");
        }

        _mounted = true;
    }

    /// <inheritdoc />
    public string BpfDirectory { get; }

    /// <inheritdoc />
    public string OtherDirectory { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_mounted)
        {
            _mounted = false;
            if (Unmount(BpfDirectory, MntDetach) != 0)
            {
                throw new InvalidOperationException($"unmounting the bpffs at {BpfDirectory} failed with errno {Marshal.GetLastPInvokeError()}");
            }

            _root.Delete(recursive: true);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    [LibraryImport("libc.so.6", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unmount(string target, int flags);
}
