using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BpfMaps.Conformance;
using BpfMaps.Kernel.Interop;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// The attr structs of BPF_MAP_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD, BPF_OBJ_PIN and BPF_OBJ_GET, and
/// <c>struct bpf_map_info</c>: offsets pinned to the UAPI, and each struct ends at its command's last field on 6.18
/// (one byte more is EINVAL, reference §1.2).
/// </summary>
public sealed unsafe class ObjectAttrTests
{
    [Fact]
    public void LayoutsMatchTheUapi()
    {
        Assert.Equal(12, Unsafe.SizeOf<MapGetFdByIdAttr>());
        AssertOffsets<MapGetFdByIdAttr>(("MapId", 0), ("NextId", 4), ("OpenFlags", 8));
        Assert.Equal(16, Unsafe.SizeOf<ObjGetInfoByFdAttr>());
        AssertOffsets<ObjGetInfoByFdAttr>(("BpfFd", 0), ("InfoLength", 4), ("Info", 8));
        Assert.Equal(16, Unsafe.SizeOf<ObjAttr>());
        AssertOffsets<ObjAttr>(("Pathname", 0), ("BpfFd", 8), ("FileFlags", 12));
        Assert.Equal(88, Unsafe.SizeOf<MapInfo>());
        AssertOffsets<MapInfo>(
            ("Type", 0), ("Id", 4), ("KeySize", 8), ("ValueSize", 12), ("MaxEntries", 16), ("MapFlags", 20), ("Name", 24),
            ("IfIndex", 40), ("BtfVmlinuxValueTypeId", 44), ("NetnsDev", 48), ("NetnsIno", 56), ("BtfId", 64),
            ("BtfKeyTypeId", 68), ("BtfValueTypeId", 72), ("MapExtra", 80));
    }

    [Fact]
    public void TheKernelFillsAllOfOurMapInfoAndHasMoreBeyondIt()
    {
        KernelAvailability.EnsureOrSkip();
        using var map = CreateArray();
        var buffer = new byte[256];
        fixed (byte* info = buffer)
        {
            var attr = new ObjGetInfoByFdAttr { BpfFd = Fd(map), InfoLength = (uint)buffer.Length, Info = (ulong)info };
            Sys.Bpf(BpfCommand.ObjGetInfoByFd, ref attr, out var errno);
            Assert.Equal(Errno.None, errno);

            // 6.18's struct bpf_map_info is 104 bytes (map hash after map_extra); ours stops at map_extra, which older
            // kernels lack (80 bytes); the bytes they do not fill stay zero.
            var kernelSize = attr.InfoLength;
            var ours = (uint)Unsafe.SizeOf<MapInfo>();
            Assert.True(kernelSize >= (RunningKernel.Since(KernelChanges.MapInfoHasMapExtra) ? ours : 80u), $"the kernel's bpf_map_info is {kernelSize} bytes");
            attr = new ObjGetInfoByFdAttr { BpfFd = Fd(map), InfoLength = ours, Info = (ulong)info };
            Sys.Bpf(BpfCommand.ObjGetInfoByFd, ref attr, out errno);
            Assert.Equal(Errno.None, errno);
            Assert.Equal(Math.Min(ours, kernelSize), attr.InfoLength);
        }
    }

    [Fact]
    public void GetFdByIdEndsAtOpenFlags()
    {
        KernelAvailability.EnsureOrSkip();
        using var map = CreateArray();
        Assert.Equal(Errno.None, map.Backend.GetMapInfo(map, out var info));
        var attr = new byte[Unsafe.SizeOf<MapGetFdByIdAttr>() + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(attr, info!.Id);
        Assert.Equal(Errno.None, SendAndClose(BpfCommand.MapGetFdById, attr));
        attr[Unsafe.SizeOf<MapGetFdByIdAttr>()] = 1;
        Assert.Equal(Errno.EINVAL, SendAndClose(BpfCommand.MapGetFdById, attr));
    }

    [Fact]
    public void GetInfoByFdEndsAtInfo()
    {
        KernelAvailability.EnsureOrSkip();
        using var map = CreateArray();
        var attr = new byte[Unsafe.SizeOf<ObjGetInfoByFdAttr>() + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(attr, Fd(map));
        // info_len 0: nothing to copy, success.
        Assert.Equal(Errno.None, SendAndClose(BpfCommand.ObjGetInfoByFd, attr));
        attr[Unsafe.SizeOf<ObjGetInfoByFdAttr>()] = 1;
        Assert.Equal(Errno.EINVAL, SendAndClose(BpfCommand.ObjGetInfoByFd, attr));
    }

    [Theory]
    [InlineData((int)BpfCommand.ObjPin)]
    [InlineData((int)BpfCommand.ObjGet)]
    public void ObjCommandsStopBeforePathFdWhichMustBeZeroWithoutTheFlag(int command)
    {
        KernelAvailability.EnsureOrSkip();
        using var map = CreateArray();
        var path = "/nonexistent-bpfmaps-dir/x\0"u8.ToArray();
        fixed (byte* p = path)
        {
            var attr = new byte[Unsafe.SizeOf<ObjAttr>() + 8];
            BinaryPrimitives.WriteUInt64LittleEndian(attr, (ulong)p);
            if ((BpfCommand)command == BpfCommand.ObjPin)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(8), Fd(map));
            }

            Assert.Equal(Errno.ENOENT, SendAndClose((BpfCommand)command, attr));
            attr[Unsafe.SizeOf<ObjAttr>()] = 1;
            Assert.Equal(Errno.EINVAL, SendAndClose((BpfCommand)command, attr));
        }
    }

    private static BpfMapHandle CreateArray()
    {
        Assert.Equal(Errno.None, new KernelBpfMapBackend().CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map));
        return map!;
    }

    private static uint Fd(BpfMapHandle map) => (uint)((KernelMapHandle)map).Descriptor.DangerousGetHandle();

    private static Errno SendAndClose(BpfCommand command, byte[] attr)
    {
        fixed (byte* pointer = attr)
        {
            var fd = Sys.Bpf(command, pointer, attr.Length, out var errno);
            if (errno == Errno.None && command is BpfCommand.MapGetFdById or BpfCommand.ObjGet)
            {
                Sys.Close(fd);
            }

            return errno;
        }
    }

    private static void AssertOffsets<T>(params (string Field, int Offset)[] expected)
    {
        foreach (var (field, offset) in expected)
        {
            Assert.True(offset == (int)Marshal.OffsetOf<T>(field), $"{typeof(T).Name}.{field}: expected offset {offset}, got {Marshal.OffsetOf<T>(field)}");
        }
    }
}
