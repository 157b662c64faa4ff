using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BpfMaps.Kernel.Interop;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// BPF_MAP_GET_NEXT_ID, the kernel-only enumeration of every map in the system (<see cref="KernelBpfMapBackend.GetNextMapId"/>):
/// its attr pinned to the UAPI and ending at open_flags, ids in increasing order, ENOENT after the last.
/// </summary>
public sealed unsafe class MapIdTests
{
    [Fact]
    public void GetNextIdAttrMatchesTheUapi()
    {
        Assert.Equal(12, Unsafe.SizeOf<GetNextIdAttr>());
        foreach (var (field, offset) in new[] { ("StartId", 0), ("NextId", 4), ("OpenFlags", 8) })
        {
            Assert.Equal(offset, (int)Marshal.OffsetOf<GetNextIdAttr>(field));
        }
    }

    [Fact]
    public void GetNextIdEndsAtOpenFlags()
    {
        KernelAvailability.EnsureOrSkip();
        var attr = new byte[Unsafe.SizeOf<GetNextIdAttr>() + 8];
        fixed (byte* pointer = attr)
        {
            Sys.Bpf(BpfCommand.MapGetNextId, pointer, attr.Length, out var errno);
            Assert.True(errno is Errno.None or Errno.ENOENT, $"start 0 answered {errno}");
            attr[Unsafe.SizeOf<GetNextIdAttr>()] = 1;
            Sys.Bpf(BpfCommand.MapGetNextId, pointer, attr.Length, out errno);
            Assert.Equal(Errno.EINVAL, errno);
        }
    }

    [Fact]
    public void TheIdsOfLiveMapsComeInIncreasingOrderAndEndWithEnoent()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map));
        using (map)
        {
            Assert.Equal(Errno.None, backend.GetMapInfo(map!, out var info));
            var ids = new List<uint>();
            var id = 0u;
            Errno errno;
            while ((errno = backend.GetNextMapId(id, out var next)) == Errno.None)
            {
                Assert.True(next > id, $"{next} after {id}");
                ids.Add(next);
                id = next;
            }

            Assert.Equal(Errno.ENOENT, errno);
            Assert.Contains(info!.Id, ids);

            // Asked again, the last id ends the walk and leaves no next id, unless another test made a map since.
            var again = backend.GetNextMapId(ids[^1], out var none);
            Assert.True(again == Errno.ENOENT ? none == 0 : again == Errno.None && none > ids[^1], $"{again}, next id {none}");
        }
    }

    [Fact]
    public void MountingABpfFileSystemOnAMissingDirectoryIsEnoent()
    {
        KernelAvailability.EnsureOrSkip();
        var missing = Path.Combine(Path.GetTempPath(), $"bpfmaps-missing-{Guid.NewGuid():N}");
        Assert.Equal(Errno.ENOENT, BpfFileSystemMount.TryMount(missing, out var mount));
        Assert.Null(mount);
    }
}
