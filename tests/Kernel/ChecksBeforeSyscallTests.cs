using BpfMaps.Conformance;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>
/// A short buffer or a count past the buffers throws before any syscall: the kernel would write past the buffer.
/// The conformance catalog shows the throw and the unchanged map on every backend; this shows no syscall was made.
/// </summary>
public sealed class ChecksBeforeSyscallTests
{
    public static TheoryData<BpfMapType, string> Misuses =>
    [
        .. Maps.CoreTypes.SelectMany(type => BufferMisuse.For(type).Select(m => (type, $"{m.Command}/{m.Problem}"))),
    ];

    [Theory]
    [MemberData(nameof(Misuses))]
    public void MisuseThrowsWithoutASyscall(BpfMapType type, string misuseName)
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        var misuse = BufferMisuse.For(type).Single(m => $"{m.Command}/{m.Problem}" == misuseName);
        Assert.Equal(Errno.None, backend.CreateMap(Maps.Spec(type, maxEntries: 4, valueSize: 4), out var map));
        using (map)
        {
            var before = backend.SyscallCount;
            Assert.ThrowsAny<ArgumentException>(() => misuse.Call(backend, map!));
            Assert.Equal(before, backend.SyscallCount);
        }
    }

    [Fact]
    public void ADisposedHandleThrowsWithoutASyscall()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(Maps.Spec(BpfMapType.Hash), out var map));
        map!.Dispose();
        var before = backend.SyscallCount;
        Assert.Throws<ObjectDisposedException>(() => backend.Lookup(map, new byte[4], new byte[8]));
        Assert.Equal(before, backend.SyscallCount);
    }
}
