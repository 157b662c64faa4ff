using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using BpfMaps.Kernel.Interop;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// The kernel's attr rules (reference §1.1, §1.2), which the contract cannot reach because every command sends its
/// own struct, zeroed. These pin why each struct ends where it does: one byte past it is already EINVAL.
/// </summary>
public sealed unsafe class AttrRuleTests
{
    private const int PageSize = 4096;
    private const int KernelAttrSize = 168;

    public static TheoryData<int, int> CommandsAndStructSizes => new()
    {
        { (int)BpfCommand.MapCreate, Unsafe.SizeOf<MapCreateAttr>() },
        { (int)BpfCommand.MapLookupElem, Unsafe.SizeOf<MapElemAttr>() },
        { (int)BpfCommand.MapUpdateElem, Unsafe.SizeOf<MapElemAttr>() },
        { (int)BpfCommand.MapLookupAndDeleteElem, Unsafe.SizeOf<MapElemAttr>() },
        { (int)BpfCommand.MapDeleteElem, Unsafe.SizeOf<MapDeleteElemAttr>() },
        { (int)BpfCommand.MapGetNextKey, Unsafe.SizeOf<MapGetNextKeyAttr>() },
        { (int)BpfCommand.MapFreeze, Unsafe.SizeOf<MapFreezeAttr>() },
        { (int)BpfCommand.MapLookupBatch, Unsafe.SizeOf<MapBatchAttr>() },
        { (int)BpfCommand.MapLookupAndDeleteBatch, Unsafe.SizeOf<MapBatchAttr>() },
        { (int)BpfCommand.MapUpdateBatch, Unsafe.SizeOf<MapBatchAttr>() },
        { (int)BpfCommand.MapDeleteBatch, Unsafe.SizeOf<MapBatchAttr>() },
    };

    [Theory]
    [MemberData(nameof(CommandsAndStructSizes))]
    public void AByteJustPastTheStructTurnsAnAcceptedAttrIntoEinval(int command, int structSize)
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 8, 4), out var map));
        using (map)
        {
            var attr = AttrFor((BpfCommand)command, structSize + 8, (uint)((KernelMapHandle)map!).Descriptor.DangerousGetHandle());
            var withoutStrayByte = Send((BpfCommand)command, attr, attr.Length);
            Assert.NotEqual(Errno.EINVAL, withoutStrayByte);
            attr[structSize] = 1;
            Assert.Equal(Errno.EINVAL, Send((BpfCommand)command, attr, attr.Length));
        }
    }

    /// <summary>
    /// An attr the kernel accepts or fails for another reason: the map's fd in place, all pointers NULL (element
    /// commands answer EFAULT or ENOENT, batch commands with count 0 succeed), or a valid array create.
    /// </summary>
    private static byte[] AttrFor(BpfCommand command, int size, uint mapFd)
    {
        if (command == BpfCommand.MapCreate)
        {
            return ValidArrayCreate(size);
        }

        var attr = new byte[size];
        var fdOffset = command is BpfCommand.MapLookupBatch or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapUpdateBatch
            or BpfCommand.MapDeleteBatch ? 36 : 0;
        BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(fdOffset), mapFd);
        return attr;
    }

    [Fact]
    public void AnAttrLargerThanAPageIsE2bigEvenWhenZero()
    {
        KernelAvailability.EnsureOrSkip();
        Assert.Equal(Errno.E2BIG, Send(BpfCommand.MapCreate, new byte[PageSize + 1], PageSize + 1));
    }

    [Fact]
    public void ZeroBytesUpToAPageAreAcceptedAndANonZeroOneBeyondTheKernelsUnionIsE2big()
    {
        KernelAvailability.EnsureOrSkip();
        var attr = ValidArrayCreate(PageSize);
        var fd = SendForFd(attr, out var errno);
        Assert.Equal(Errno.None, errno);
        Sys.Close(fd);

        attr[KernelAttrSize] = 1;
        Assert.Equal(Errno.E2BIG, Send(BpfCommand.MapCreate, attr, attr.Length));
    }

    [Fact]
    public void AShortAttrIsZeroFilledByTheKernel()
    {
        KernelAvailability.EnsureOrSkip();
        // 16 bytes carry type and sizes; the rest (flags, name, ...) reads as 0 (§1.1).
        var fd = SendForFd(ValidArrayCreate(16), out var errno);
        Assert.Equal(Errno.None, errno);
        Sys.Close(fd);
    }

    [Fact]
    public void AnUnknownCommandIsEinval()
    {
        KernelAvailability.EnsureOrSkip();
        Assert.Equal(Errno.EINVAL, Send((BpfCommand)1000, new byte[16], 16));
    }

    private static byte[] ValidArrayCreate(int size)
    {
        var attr = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(0), (uint)BpfMapType.Array);
        BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(4), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(8), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(attr.AsSpan(12), 1);
        return attr;
    }

    private static int SendForFd(byte[] attr, out Errno errno)
    {
        fixed (byte* pointer = attr)
        {
            return Sys.Bpf(BpfCommand.MapCreate, pointer, attr.Length, out errno);
        }
    }

    private static Errno Send(BpfCommand command, byte[] attr, int size)
    {
        fixed (byte* pointer = attr)
        {
            var fd = Sys.Bpf(command, pointer, size, out var errno);
            if (errno == Errno.None && command == BpfCommand.MapCreate)
            {
                Sys.Close(fd);
            }

            return errno;
        }
    }
}
