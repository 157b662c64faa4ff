using BpfMaps.Kernel.Interop;
using BpfMaps.Testing;

namespace BpfMaps.Kernel.Tests;

/// <summary>Map descriptors: closed on dispose, never fd 0.</summary>
[Collection(nameof(StdinCollection))]
public sealed class DescriptorTests
{
    private const string MapLinkTarget = "anon_inode:bpf-map";

    [Fact]
    public void DisposeClosesTheDescriptor()
    {
        KernelAvailability.EnsureOrSkip();
        var backend = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map));
        var fdPath = $"/proc/self/fd/{((KernelMapHandle)map!).Descriptor.DangerousGetHandle()}";
        Assert.Equal(MapLinkTarget, new FileInfo(fdPath).LinkTarget);
        map.Dispose();
        Assert.True(map.IsClosed);
        // This collection runs alone, so no other map can take the number in between.
        Assert.False(File.Exists(fdPath) && new FileInfo(fdPath).LinkTarget == MapLinkTarget);
    }

    [Fact]
    public void AMapCreatedWhileFdZeroIsFreeDoesNotKeepFdZero()
    {
        KernelAvailability.EnsureOrSkip();
        var savedStdin = Sys.DuplicateAtLeast(0, 3, out var errno);
        Assert.Equal(Errno.None, errno);
        try
        {
            Assert.Equal(0, Sys.Close(0));
            var backend = new KernelBpfMapBackend();
            Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1), out var map));
            using (map)
            {
                Assert.NotEqual(0, (int)((KernelMapHandle)map!).Descriptor.DangerousGetHandle());
                Assert.Equal(Errno.None, backend.Update(map!, new byte[4], new byte[4]));
            }
        }
        finally
        {
            // Put stdin back on fd 0 (the lowest free number).
            Assert.Equal(0, Sys.DuplicateAtLeast(savedStdin, 0, out _));
            Sys.Close(savedStdin);
        }
    }

}

/// <summary>Tests that close fd 0 for a moment run alone.</summary>
[CollectionDefinition(nameof(StdinCollection), DisableParallelization = true)]
public sealed class StdinCollection;
