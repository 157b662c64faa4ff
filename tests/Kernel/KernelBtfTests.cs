using BpfMaps.Conformance;
using BpfMaps.Kernel.Btf;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// The kernel loads what the BTF encoder makes and creates spin-lock maps from it (reference §9); BTF descriptors are
/// closed once the map exists. One class, so its tests never run beside each other (they count BTF descriptors).
/// </summary>
public sealed class KernelBtfTests
{
    private const string BtfLinkTarget = "anon_inode:btf";

    public static TheoryData<BpfMapType, uint, uint, uint> Layouts => new()
    {
        // type, key size, value size, lock offset
        { BpfMapType.Hash, 4, 4, 0 },
        { BpfMapType.Hash, 4, 12, 4 },
        { BpfMapType.Hash, 4, 12, 8 },
        { BpfMapType.Hash, 1, 8, 0 },
        { BpfMapType.Hash, 3, 13, 4 },
        { BpfMapType.Hash, 8, 64, 60 },
        { BpfMapType.Hash, 13, 100, 48 },
        { BpfMapType.Hash, 64, 4096, 2048 },
        { BpfMapType.Array, 4, 4, 0 },
        { BpfMapType.Array, 4, 12, 4 },
        { BpfMapType.Array, 4, 13, 8 },
        { BpfMapType.Array, 4, 4096, 4092 },
    };

    [Fact]
    public void TheKernelLoadsTheMinimalBlob()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var log = new byte[1 << 16];
        var errno = backend.LoadBtf(BtfBuilderTests.BuildMinimalBlob(), out var btf, log);
        using (btf)
        {
            Assert.True(errno == Errno.None, $"BPF_BTF_LOAD: {errno}: {System.Text.Encoding.UTF8.GetString(log).TrimEnd('\0')}");
            Assert.Equal(BtfLinkTarget, new FileInfo($"/proc/self/fd/{btf!.DangerousGetHandle()}").LinkTarget);
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void TheKernelAcceptsEncodedSpinLockLayouts(BpfMapType type, uint keySize, uint valueSize, uint lockOffset)
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var spec = new BpfMapSpec(type, keySize, valueSize, 4) { Btf = BpfMapBtf.SpinLockAt(lockOffset) };
        var errno = backend.CreateMap(spec, out var map);
        using (map)
        {
            Assert.True(errno == Errno.None, $"create: {errno}; BTF log: {backend.BtfLog(spec)}");

            // The kernel knows the lock: BPF_F_LOCK works, and the lock bytes read back as zero.
            var key = new byte[keySize];
            var value = Enumerable.Repeat((byte)0xFF, (int)valueSize).ToArray();
            Assert.Equal(Errno.None, backend.Update(map!, key, value, BpfElementFlags.Lock));
            var read = new byte[valueSize];
            Assert.Equal(Errno.None, backend.Lookup(map!, key, read, BpfElementFlags.Lock));
            var expected = value.ToArray();
            Array.Clear(expected, (int)lockOffset, 4);
            Assert.Equal(expected, read);
            Assert.Equal(RunningKernel.Since(KernelChanges.SpinLockBlocksFreeze) ? Errno.ENOTSUPP : Errno.None, backend.Freeze(map!));
        }
    }

    [Theory]
    [InlineData(BpfMapType.Hash, 4u)]
    [InlineData(BpfMapType.Hash, 7u)]
    [InlineData(BpfMapType.Array, 4u)]
    public void TheKernelAcceptsEncodedValuesWithoutALock(BpfMapType type, uint keySize)
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var spec = new BpfMapSpec(type, keySize, 12, 4) { Btf = BpfMapBtf.WithoutSpinLock() };
        var errno = backend.CreateMap(spec, out var map);
        using (map)
        {
            Assert.True(errno == Errno.None, $"create: {errno}; BTF log: {backend.BtfLog(spec)}");
            Assert.Equal(Errno.EINVAL, backend.Update(map!, new byte[keySize], new byte[12], BpfElementFlags.Lock));
            Assert.Equal(Errno.None, backend.Freeze(map!));
        }
    }

    [Fact]
    public void TheBtfDescriptorIsClosedOnceTheMapExistsAndTheMapKeepsItsBtf()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var before = OpenBtfDescriptors();
        var spec = new BpfMapSpec(BpfMapType.Hash, 4, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
        Assert.Equal(Errno.None, backend.CreateMap(spec, out var map));
        using (map)
        {
            Assert.Equal(before, OpenBtfDescriptors());

            // With its BTF descriptor closed, the map still knows its lock.
            var value = Enumerable.Repeat((byte)0xFF, 12).ToArray();
            Assert.Equal(Errno.None, backend.Update(map!, new byte[4], value, BpfElementFlags.Lock));
            var read = new byte[12];
            Assert.Equal(Errno.None, backend.Lookup(map!, new byte[4], read));
            Assert.Equal(Convert.FromHexString("ffffffff00000000ffffffff"), read);
        }
    }

    [Fact]
    public void AFailingCreateClosesTheBtfDescriptorToo()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var before = OpenBtfDescriptors();
        var spec = new BpfMapSpec(BpfMapType.PerCpuHash, 4, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
        Assert.Equal(RunningKernel.Since(KernelChanges.UnsupportedSpinLockIsEopnotsupp) ? Errno.EOPNOTSUPP : Errno.ENOTSUPP, backend.CreateMap(spec, out var map));
        Assert.Null(map);
        Assert.Equal(before, OpenBtfDescriptors());
    }

    [Fact]
    public void ABtfLoadErrorIsTheErrnoOfTheCreateAndComesBeforeEveryMapCheck()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var syscalls = backend.SyscallCount;
        // §9.1: two locks are refused by BPF_BTF_LOAD (where it checks special fields; before, a lock past the end of
        // its struct is the load error to use); max_entries 0 would be EINVAL at BPF_MAP_CREATE.
        var twoLocks = RunningKernel.Since(KernelChanges.BtfLoadChecksSpecialFields);
        var spec = twoLocks
            ? new BpfMapSpec(BpfMapType.Hash, 4, 12, 0) { Btf = new BpfMapBtf { SpinLockOffsets = [0, 8] } }
            : new BpfMapSpec(BpfMapType.Hash, 4, 12, 0) { Btf = BpfMapBtf.SpinLockAt(12) };
        var expected = twoLocks ? Errno.E2BIG : Errno.EINVAL;
        Assert.Equal(expected, backend.CreateMap(spec, out var map));
        Assert.Null(map);
        Assert.Equal(syscalls + 1, backend.SyscallCount);
        // The verifier log, for diagnostics, dumps the types it read.
        var log = backend.BtfLog(spec);
        Assert.StartsWith($"{expected}: ", log, StringComparison.Ordinal);
        Assert.Contains("STRUCT bpf_spin_lock size=4 vlen=1", log, StringComparison.Ordinal);
    }

    [Fact]
    public void AMapWithoutBtfLoadsNone()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var syscalls = backend.SyscallCount;
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 12, 4), out var map));
        map!.Dispose();
        Assert.Equal(syscalls + 1, backend.SyscallCount);
    }

    [Fact]
    public void EncodedBlobsAreDeterministic()
    {
        var spec = new BpfMapSpec(BpfMapType.Hash, 13, 40, 4) { Btf = new BpfMapBtf { SpinLockOffsets = [16, 4] } };
        Assert.Equal(MapBtfEncoder.Encode(spec).Blob, MapBtfEncoder.Encode(spec with { }).Blob);
    }

    private static int OpenBtfDescriptors() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd =>
        {
            try
            {
                return fd.LinkTarget == BtfLinkTarget;
            }
            catch (IOException)
            {
                return false; // closed while enumerating
            }
        });
}
