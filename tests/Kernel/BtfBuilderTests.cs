using BpfMaps.Kernel.Btf;

namespace BpfMaps.Kernel.Tests;

/// <summary>The BTF encoder, byte for byte against encodings worked out by hand from reference §9.</summary>
public sealed class BtfBuilderTests
{
    /// <summary>
    /// The minimal 133-byte blob of §9: <c>int</c>; <c>struct bpf_spin_lock { int val; }</c>;
    /// <c>struct val { struct bpf_spin_lock lock; int data; }</c>. Strings: "\0int\0bpf_spin_lock\0val\0lock\0data\0",
    /// so int is at 1, bpf_spin_lock at 5, val at 19 (the struct and the lock's member share it), lock at 23, data at 28.
    /// </summary>
    internal const string MinimalBlobHex =
        // header: magic EB9F, version 1, flags 0, hdr_len 24, type_off 0, type_len 76, str_off 76, str_len 33
        "9feb0100" + "18000000" + "00000000" + "4c000000" + "4c000000" + "21000000"
        // [1] INT "int": name 1, kind 1, size 4; encoding SIGNED, offset 0, 32 bits
        + "01000000" + "00000001" + "04000000" + "20000001"
        // [2] STRUCT "bpf_spin_lock": name 5, kind 4 vlen 1, size 4; val: name 19, type 1, bit offset 0
        + "05000000" + "01000004" + "04000000" + "13000000" + "01000000" + "00000000"
        // [3] STRUCT "val": name 19, kind 4 vlen 2, size 8; lock: name 23, type 2, bit 0; data: name 28, type 1, bit 32
        + "13000000" + "02000004" + "08000000" + "17000000" + "02000000" + "00000000" + "1c000000" + "01000000" + "20000000"
        // strings
        + "00" + "696e7400" + "6270665f7370696e5f6c6f636b00" + "76616c00" + "6c6f636b00" + "6461746100";

    /// <summary>Builds the minimal blob of §9 with the encoder.</summary>
    internal static byte[] BuildMinimalBlob()
    {
        var btf = new BtfBuilder();
        var @int = btf.AddInt("int", 4, BtfIntEncoding.Signed, 32);
        var spinLock = btf.AddStruct("bpf_spin_lock", 4, [new BtfMember("val", @int, 0)]);
        btf.AddStruct("val", 8, [new BtfMember("lock", spinLock, 0), new BtfMember("data", @int, 4)]);
        return btf.Build();
    }

    [Fact]
    public void TheMinimalBlobIsTheOneOfTheReference()
    {
        var blob = BuildMinimalBlob();
        Assert.Equal(133, blob.Length);
        Assert.Equal(MinimalBlobHex, Convert.ToHexStringLower(blob));
    }

    [Fact]
    public void ArraysHaveNoNameAndCarryElementIndexAndCount()
    {
        var btf = new BtfBuilder();
        var @byte = btf.AddInt("unsigned char", 1, BtfIntEncoding.None, 8);
        Assert.Equal(2u, btf.AddArray(@byte, @byte, 13));
        var expected =
            "9feb0100" + "18000000" + "00000000" + "28000000" + "28000000" + "0f000000"
            // [1] INT "unsigned char": name 1, size 1, unsigned, 8 bits
            + "01000000" + "00000001" + "01000000" + "08000000"
            // [2] ARRAY: no name, kind 3, size field 0; element 1, index 1, 13 elements
            + "00000000" + "00000003" + "00000000" + "01000000" + "01000000" + "0d000000"
            + "00" + "756e7369676e65642063686172" + "00";
        Assert.Equal(expected, Convert.ToHexStringLower(btf.Build()));
    }

    [Theory]
    [InlineData(BpfBtfKey.Auto, 4u, 1u)]
    [InlineData(BpfBtfKey.IntType, 8u, 1u)]
    [InlineData(BpfBtfKey.None, 4u, 0u)]
    [InlineData(BpfBtfKey.Auto, 0u, 0u)]
    public void KeyIdsNameTheIntOrNothing(BpfBtfKey key, uint keySize, uint expectedId)
    {
        var spec = new BpfMapSpec(BpfMapType.Hash, keySize, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) with { Key = key } };
        Assert.Equal(expectedId, MapBtfEncoder.Encode(spec).KeyTypeId);
    }

    [Fact]
    public void ByteKeysAreTheLastTypeAndTheValueStructComesBefore()
    {
        // int, bpf_spin_lock, unsigned char, pad0 (4 bytes), data (4 bytes), value, key.
        var spec = new BpfMapSpec(BpfMapType.Hash, 13, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
        var encoded = MapBtfEncoder.Encode(spec);
        Assert.Equal(7u, encoded.KeyTypeId);
        Assert.Equal(6u, encoded.ValueTypeId);
    }

    [Theory]
    [InlineData(BpfBtfValue.Struct, 4u)]
    [InlineData(BpfBtfValue.None, 0u)]
    [InlineData(BpfBtfValue.Nonexistent, 5u)]
    public void ValueIdsNameTheStructNothingOrAMissingType(BpfBtfValue value, uint expectedId)
    {
        // int, bpf_spin_lock, unsigned char, value (a lone lock: no arrays).
        var spec = new BpfMapSpec(BpfMapType.Array, 4, 4, 4) { Btf = BpfMapBtf.SpinLockAt(0) with { Value = value } };
        Assert.Equal(expectedId, MapBtfEncoder.Encode(spec).ValueTypeId);
    }

    [Fact]
    public void TheReferenceLayoutEncodesByteForByte()
    {
        // §9.2's layout: lock at byte 4 of a 12-byte value, int key. Types: [1] int, [2] bpf_spin_lock,
        // [3] unsigned char, [4] unsigned char[4] (pad0), [5] unsigned char[4] (data), [6] struct value.
        var spec = new BpfMapSpec(BpfMapType.Hash, 4, 12, 4) { Btf = BpfMapBtf.SpinLockAt(4) };
        var expected =
            "9feb0100" + "18000000" + "00000000" + "98000000" + "98000000" + "3a000000"
            + "01000000" + "00000001" + "04000000" + "20000001"
            + "05000000" + "01000004" + "04000000" + "13000000" + "01000000" + "00000000"
            + "17000000" + "00000001" + "01000000" + "08000000"
            + "00000000" + "00000003" + "00000000" + "03000000" + "01000000" + "04000000"
            + "00000000" + "00000003" + "00000000" + "03000000" + "01000000" + "04000000"
            // value: name 37, vlen 3, size 12; pad0 (43) type 4 bit 0; lock (48) type 2 bit 32; data (53) type 5 bit 64
            + "25000000" + "03000004" + "0c000000"
            + "2b000000" + "04000000" + "00000000"
            + "30000000" + "02000000" + "20000000"
            + "35000000" + "05000000" + "40000000"
            // "\0int\0bpf_spin_lock\0val\0unsigned char\0value\0pad0\0lock\0data\0"
            + "00" + "696e7400" + "6270665f7370696e5f6c6f636b00" + "76616c00" + "756e7369676e6564206368617200"
            + "76616c756500" + "7061643000" + "6c6f636b00" + "6461746100";
        var encoded = MapBtfEncoder.Encode(spec);
        Assert.Equal(expected, Convert.ToHexStringLower(encoded.Blob));
        Assert.Equal(1u, encoded.KeyTypeId);
        Assert.Equal(6u, encoded.ValueTypeId);
    }
}
