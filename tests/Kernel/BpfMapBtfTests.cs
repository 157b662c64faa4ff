namespace BpfMaps.Kernel.Tests;

/// <summary>The BTF description of a spec: what it refuses (only what BTF cannot encode), ordering, equality, key choice.</summary>
public sealed class BpfMapBtfTests
{
    [Fact]
    public void LockOffsetsAreKeptInIncreasingOrderAndCopied()
    {
        var offsets = new List<uint> { 16, 4, 8 };
        var btf = new BpfMapBtf { SpinLockOffsets = offsets };
        offsets.Add(0);
        Assert.Equal([4u, 8u, 16u], btf.SpinLockOffsets);
    }

    [Fact]
    public void OffsetsTheBtfCannotEncodeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfMapBtf.SpinLockAt(BpfMapBtf.MaxOffset + 1));
        Assert.Equal([BpfMapBtf.MaxOffset], BpfMapBtf.SpinLockAt(BpfMapBtf.MaxOffset).SpinLockOffsets);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpfMapBtf { SpinLockOffsets = new uint[BpfMapBtf.MaxSpinLocks + 1] });
        Assert.Throws<ArgumentNullException>(() => new BpfMapBtf { SpinLockOffsets = null! });
    }

    [Fact]
    public void WhatTheKernelAnswersIsNotRefused()
    {
        // Misaligned, past the end, two locks: the kernel answers these with an errno (reference §9.1).
        Assert.Equal([2u, 3u], new BpfMapBtf { SpinLockOffsets = [3, 2] }.SpinLockOffsets);
    }

    [Fact]
    public void EqualityIsByValue()
    {
        Assert.Equal(BpfMapBtf.SpinLockAt(4), new BpfMapBtf { SpinLockOffsets = [4] });
        Assert.Equal(BpfMapBtf.SpinLockAt(4).GetHashCode(), new BpfMapBtf { SpinLockOffsets = [4] }.GetHashCode());
        Assert.NotEqual(BpfMapBtf.SpinLockAt(4), BpfMapBtf.SpinLockAt(8));
        Assert.NotEqual(BpfMapBtf.SpinLockAt(4), BpfMapBtf.SpinLockAt(4) with { Key = BpfBtfKey.Bytes });
        Assert.NotEqual(BpfMapBtf.SpinLockAt(4), BpfMapBtf.SpinLockAt(4) with { ValueStructSize = 12 });
        var spec = new BpfMapSpec(BpfMapType.Hash, 4, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
        Assert.Equal(spec, spec with { Btf = BpfMapBtf.SpinLockAt(4) });
        Assert.NotEqual(spec, spec with { Btf = null });
    }

    [Theory]
    [InlineData(4u, BpfBtfKey.IntType)]
    [InlineData(0u, BpfBtfKey.None)]
    [InlineData(1u, BpfBtfKey.Bytes)]
    [InlineData(8u, BpfBtfKey.Bytes)]
    public void AutoKeysFollowTheKeySize(uint keySize, BpfBtfKey expected) =>
        Assert.Equal(expected, BpfMapBtf.SpinLockAt(0).KeyFor(new BpfMapSpec(BpfMapType.Hash, keySize, 4, 1)));

    [Fact]
    public void TheValueStructHasValueSizeUnlessToldOtherwise()
    {
        var spec = new BpfMapSpec(BpfMapType.Array, 4, 12, 1);
        Assert.Equal(12u, BpfMapBtf.SpinLockAt(0).ValueStructSizeFor(spec));
        Assert.Equal(16u, (BpfMapBtf.SpinLockAt(0) with { ValueStructSize = 16 }).ValueStructSizeFor(spec));
    }
}
